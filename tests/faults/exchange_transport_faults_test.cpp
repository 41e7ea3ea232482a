// Exchange faults below HTTP: answers that come too late for the configured timeout, and
// connections reset before or in the middle of an answer. Each case runs the real binaries and
// checks the lake and the warehouse.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "faults/fault_config.h"
#include "support/pipeline_harness.h"
#include "support/resetting_proxy.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvDump =
    "SELECT * FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";

int count_of(const std::string& text, const std::string& part) {
  int count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++count;
  }
  return count;
}

TEST(ExchangeTransportFaults, TimeoutsAreRetriedThenFailTheAssetNamingTheExchange) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("binance"));
  write_fault_config(harness, {{"binance", sim.base_url("binance")}},
                     "{timeout_ms: 400, max_attempts: 3}");
  const std::string earlier = utc_day_ago(2);
  const std::string day = yesterday_utc();
  ASSERT_EQ(harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", earlier})
                .exit_code,
            0);
  const auto gold_before = harness.query(kOhlcvDump);
  ASSERT_EQ(gold_before.size(), 1440u + 24u);
  const auto lake_before = harness.lake_files();

  sim.set_faults({{"latency_ms", 1500}});
  const ProcessResult slow =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  EXPECT_EQ(slow.exit_code, 1) << context_of(slow);
  EXPECT_NE(slow.out.find("extract_binance_ohlcv      FAILED"), std::string::npos) << slow.out;
  EXPECT_NE(slow.out.find("load_ohlcv_to_postgres     skipped"), std::string::npos) << slow.out;
  // One line names the exchange, what timed out and after how long, and that it was retried.
  const std::size_t error_at = slow.out.find("  error: ");
  ASSERT_NE(error_at, std::string::npos) << slow.out;
  const std::string error = slow.out.substr(error_at, slow.out.find('\n', error_at) - error_at);
  EXPECT_NE(error.find("binance: GET "), std::string::npos) << error;
  EXPECT_NE(error.find("timed out after"), std::string::npos) << error;
  EXPECT_NE(error.find("gave up after 3 attempts"), std::string::npos) << error;
  EXPECT_GE(count_of(slow.err, "request failed, retrying"), 2) << slow.err;

  EXPECT_EQ(harness.query(kOhlcvDump), gold_before);
  EXPECT_EQ(first_changed_file(lake_before, harness.lake_files()), "");

  // The fault clears: the same partition now lands whole and exactly as the exchange has it.
  sim.set_faults({{"latency_ms", 0}});
  const ProcessResult healed =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(healed.exit_code, 0) << context_of(healed);
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv")[0][0], std::to_string(2 * (1440 + 24)));
  const auto gold = gold_series(harness, "binance", "1m");
  const auto truth = binance_truth(sim, "1m", earlier);
  auto expected = truth;
  const auto second = binance_truth(sim, "1m", day);
  expected.insert(expected.end(), second.begin(), second.end());
  EXPECT_EQ(gold, expected);
}

TEST(ExchangeTransportFaults, IntermittentSlowAnswersAreRiddenOut) {
  // Every third answer comes too late for the timeout; the retry of each is answered in time.
  Simulator sim({"--latency-ms", "1000", "--latency-every", "3"});
  PipelineHarness harness(sim.base_url("binance"));
  write_fault_config(harness, {{"binance", sim.base_url("binance"), {"BTC/USDT", "ETH/USDT"}}},
                     "{timeout_ms: 400, max_attempts: 6}");
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(sim.stats()["injected_faults"].value("delayed", 0), 0);
  EXPECT_NE(run.err.find("timed out after"), std::string::npos) << run.err;
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv")[0][0], std::to_string(2 * (1440 + 24)));
  EXPECT_EQ(harness.query("SELECT count(*) FROM (SELECT DISTINCT symbol, timeframe, open_time "
                          "FROM ohlcv)")[0][0],
            std::to_string(2 * (1440 + 24)));
  EXPECT_EQ(gold_series(harness, "binance", "1m"), binance_truth(sim, "1m", day));
}

TEST(ExchangeTransportFaults, ConnectionResetsAreRetriedAndRowsStayExact) {
  Simulator sim;
  ResettingProxy proxy(sim.port(), 3);
  PipelineHarness harness(proxy.base_url("binance"));
  write_fault_config(harness,
                     {{"binance", proxy.base_url("binance"), {"BTC/USDT", "ETH/USDT"}},
                      {"gateio", proxy.base_url("gateio")}},
                     "{timeout_ms: 5000, max_attempts: 6}");
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(proxy.resets_before_answer(), 0);
  EXPECT_GT(proxy.resets_mid_answer(), 0);
  EXPECT_NE(run.err.find("request failed, retrying"), std::string::npos) << run.err;

  EXPECT_EQ(harness.query("SELECT exchange, symbol, timeframe, count(*), count(DISTINCT open_time) "
                          "FROM ohlcv GROUP BY exchange, symbol, timeframe "
                          "ORDER BY exchange, symbol, timeframe"),
            (std::vector<SqlRow>{{"binance", "BTC/USDT", "1h", "24", "24"},
                                 {"binance", "BTC/USDT", "1m", "1440", "1440"},
                                 {"binance", "ETH/USDT", "1h", "24", "24"},
                                 {"binance", "ETH/USDT", "1m", "1440", "1440"},
                                 {"gateio", "BTC/USDT", "1h", "24", "24"},
                                 {"gateio", "BTC/USDT", "1m", "1440", "1440"}}));
  EXPECT_EQ(gold_series(harness, "binance", "1m"), binance_truth(sim, "1m", day));
  // Gate's candles are the same market path as Binance's, printed without trailing zeros.
  EXPECT_EQ(gold_series(harness, "gateio", "1h"),
            binance_truth(sim, "1h", day));
  EXPECT_EQ(harness.query("SELECT sum(rejects) FROM run_audit")[0][0], "0");
}

}  // namespace
}  // namespace cryptopipe::testing
