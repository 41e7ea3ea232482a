// Exchanges that push back: a storm of 429s on every exchange at once, each with its Retry-After,
// and a Binance 418 ban in a run that also fetches from other exchanges.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "faults/fault_config.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {


const std::vector<std::pair<std::string, std::string>> kKlineRoutes = {
    {"binance", "/binance/api/v3/klines"},
    {"bybit", "/bybit/v5/market/kline"},
    {"gateio", "/gateio/spot/candlesticks"}};

TEST(ExchangeLimitFaults, A429StormOnEveryExchangeIsWaitedOutWithExactRows) {
  // Every second request to each exchange is answered 429 (Bybit's retCode 10006) with
  // Retry-After: 1. One simulator per exchange, so that each exchange has a storm of its own
  // whatever the order in which the run's workers send.
  const std::vector<std::string> args = {"--rate-limit-every", "2", "--retry-after", "1"};
  std::map<std::string, std::unique_ptr<Simulator>> sims;
  for (const auto& [exchange, route] : kKlineRoutes) {
    sims[exchange] = std::make_unique<Simulator>(args);
  }
  PipelineHarness harness(sims["binance"]->base_url("binance"));
  write_fault_config(harness,
                     {{"binance", sims["binance"]->base_url("binance")},
                      {"bybit", sims["bybit"]->base_url("bybit")},
                      {"gateio", sims["gateio"]->base_url("gateio")}},
                     "{timeout_ms: 5000, max_attempts: 8}");
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);

  EXPECT_EQ(harness.query("SELECT exchange, timeframe, count(*), count(DISTINCT open_time) FROM "
                          "ohlcv GROUP BY exchange, timeframe ORDER BY exchange, timeframe"),
            (std::vector<SqlRow>{{"binance", "1h", "24", "24"},
                                 {"binance", "1m", "1440", "1440"},
                                 {"bybit", "1h", "24", "24"},
                                 {"bybit", "1m", "1440", "1440"},
                                 {"gateio", "1h", "24", "24"},
                                 {"gateio", "1m", "1440", "1440"}}));
  for (const auto& [exchange, route] : kKlineRoutes) {
    const nlohmann::json stats = sims[exchange]->stats();
    const nlohmann::json& by_status = stats.at("routes").at(route).at("by_status");
    EXPECT_GT(by_status.value("429", 0), 0) << exchange << " " << stats.dump();
    // Three pages a day (two of 1000 minutes, one of 24 hours): each fetched once, no more.
    EXPECT_EQ(by_status.value("200", 0), 3) << exchange << " " << stats.dump();
    // No client sent again on a connection before the Retry-After it was given was over.
    EXPECT_EQ(stats.at("injected_faults").value("early_retry", 0), 0)
        << exchange << " " << stats.dump();
  }

  // The storm over, the simulator's own candles are the truth gold must equal.
  sims["binance"]->set_faults({{"rate_limit_every", 0}});
  const auto truth = binance_truth(*sims["binance"], "1m", day);
  EXPECT_EQ(gold_series(harness, "binance", "1m"), truth);
  EXPECT_EQ(gold_series(harness, "bybit", "1m"), truth);
  EXPECT_EQ(gold_series(harness, "gateio", "1m"), truth);
}

TEST(ExchangeLimitFaults, ABinanceBanFailsBinanceWithItsLengthAndTheOthersLand) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("binance"));
  write_fault_config(harness,
                     {{"binance", sim.base_url("binance")},
                      {"bybit", sim.base_url("bybit")},
                      {"gateio", sim.base_url("gateio")}},
                     "{timeout_ms: 5000, max_attempts: 6}");
  sim.set_faults({{"ban_s", 900}});
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  EXPECT_NE(run.out.find("extract_binance_ohlcv      FAILED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("the IP is banned for 900 s, stopping binance"), std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("extract_bybit_ohlcv        ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("extract_gateio_ohlcv       ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("load_ohlcv_to_postgres     ok"), std::string::npos) << run.out;

  // A ban is not retried: at most one klines request per Binance series was sent.
  const nlohmann::json stats = sim.stats();
  const nlohmann::json& klines = stats.at("routes").at("/binance/api/v3/klines").at("by_status");
  EXPECT_LE(klines.value("418", 0), 2) << stats.dump();
  EXPECT_EQ(klines.value("200", 0), 0) << stats.dump();

  // Nothing of Binance in gold, and none of its series in silver; the others are whole.
  EXPECT_EQ(
      harness.query("SELECT exchange, count(*) FROM ohlcv GROUP BY exchange ORDER BY exchange"),
      (std::vector<SqlRow>{{"bybit", "1464"}, {"gateio", "1464"}}));
  int manifests = 0;
  for (const auto& [path, bytes] : harness.lake_files()) {
    if (path.rfind("silver/ohlcv/", 0) != 0 || !path.ends_with("manifest.json")) continue;
    ++manifests;
    const nlohmann::json manifest = nlohmann::json::parse(bytes);
    for (const nlohmann::json& series : manifest.at("series")) {
      EXPECT_NE(series.at("exchange"), "binance") << path;
    }
    EXPECT_EQ(manifest.at("rows"), 2 * 1464) << path;
  }
  EXPECT_EQ(manifests, 1);
  EXPECT_EQ(harness.query("SELECT status, error LIKE '%banned for 900 s%' FROM run_audit "
                          "WHERE asset = 'extract_binance_ohlcv'"),
            (std::vector<SqlRow>{{"failed", "1"}}));
}

}  // namespace
}  // namespace cryptopipe::testing
