// Exchange faults through the real binaries: each case breaks the simulator on purpose, runs the
// pipeline, and checks the lake and the warehouse: nothing lost, nothing doubled, and a clear
// error wherever the run must fail.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvDump =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume, "
    "trade_count, is_closed, loaded_at FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";

class PipelineFaultsE2E : public ::testing::Test {};

TEST_F(PipelineFaultsE2E, OneExchangeDownDoesNotHoldBackTheOthers) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("binance"));
  {
    // Bybit points at a port nobody listens on: its extract fails, Binance's data still lands.
    std::ofstream out(harness.config_path());
    out << "lake: file://" << harness.lake_dir().string() << "\n"
        << "warehouse: sqlite://" << harness.warehouse_path().string() << "\n"
        << "log_format: json\nhttp: {max_attempts: 2}\nexchanges:\n"
        << "  binance:\n    base_url: " << sim.base_url("binance") << "\n    timeframes: [1h]\n"
        << "  bybit:\n    base_url: http://127.0.0.1:9/bybit\n    timeframes: [1h]\n";
  }
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", kOhlcvChain, "--partition", yesterday_utc()});
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  EXPECT_NE(run.out.find("extract_bybit_ohlcv        FAILED"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("transform_ohlcv            ok"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("load_ohlcv_to_postgres     ok"), std::string::npos) << run.out;
  EXPECT_EQ(harness.query("SELECT exchange, count(*) FROM ohlcv GROUP BY exchange"),
            (std::vector<SqlRow>{{"binance", "48"}}));
  EXPECT_NE(run.err.find("\"left_out\":[\"bybit\"]"), std::string::npos) << run.err;
}

TEST_F(PipelineFaultsE2E, CompletesThroughServerErrorsAndRateLimits) {
  Simulator sim({"--seed", "7", "--error-rate", "0.2", "--rate-limit-every", "5",
                 "--retry-after", "1"});
  PipelineHarness harness(sim.base_url("binance"));
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv")[0][0], std::to_string(2 * (1440 + 24)));

  const nlohmann::json stats = sim.stats();
  const nlohmann::json klines = stats.at("routes").at("/binance/api/v3/klines").at("by_status");
  int server_errors = 0;
  for (const auto& [status, count] : klines.items()) {
    if (status[0] == '5') server_errors += count.get<int>();
  }
  EXPECT_GT(server_errors, 0) << stats.dump();
  EXPECT_GT(klines.value("429", 0), 0) << stats.dump();
  EXPECT_NE(run.err.find("request failed, retrying"), std::string::npos);
}

TEST_F(PipelineFaultsE2E, MalformedJsonFailsTheAssetAndLeavesTheWarehouseAsItWas) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("binance"));
  harness.write_config({"BTC/USDT"}, {"1m"});
  const std::string earlier = utc_day_ago(2);
  ASSERT_EQ(harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", earlier}).exit_code, 0);
  const auto before = harness.query(kOhlcvDump);
  ASSERT_EQ(before.size(), 1440u);

  sim.set_faults({{"malformed_rate", 1.0}});
  for (const std::string& day : {earlier, yesterday_utc()}) {
    const ProcessResult run =
        harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
    EXPECT_EQ(run.exit_code, 1) << context_of(run);
    EXPECT_NE(run.out.find("extract_binance_ohlcv      FAILED"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("bad payload: binance: klines response is not valid JSON"),
              std::string::npos) << run.out;
    EXPECT_NE(run.out.find("load_ohlcv_to_postgres     skipped"), std::string::npos) << run.out;
    EXPECT_EQ(harness.query(kOhlcvDump), before);
  }
  const auto failed = harness.query(
      "SELECT count(*) FROM run_audit WHERE asset = 'extract_binance_ohlcv' AND status = 'failed'");
  EXPECT_EQ(failed[0][0], "2");
}

TEST_F(PipelineFaultsE2E, BrokenTransfersAreRetried) {
  Simulator sim({"--seed", "3", "--truncate-rate", "0.3"});
  PipelineHarness harness(sim.base_url("binance"));
  harness.write_config({"BTC/USDT"}, {"1m"});
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", yesterday_utc()});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv")[0][0], "1440");
}

}  // namespace
}  // namespace cryptopipe::testing
