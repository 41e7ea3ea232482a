// Exchanges that answer, but wrongly: bodies cut short or malformed on Bybit and Gate.io (Binance's
// are in exchange_faults_test.cpp), candles sent twice or out of order, and an hour of candles
// missing. Each case runs the real binaries and checks the lake and the warehouse.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "faults/fault_config.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvDump =
    "SELECT * FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";
constexpr std::int64_t kHourMs = 3'600'000;

// Padded to the CLI summary's column: "extract_bybit_ohlcv        FAILED".
std::string summary_line(const std::string& asset, const std::string& status) {
  return asset + std::string(27 - asset.size(), ' ') + status;
}

class PayloadFaults : public ::testing::TestWithParam<std::string> {};

TEST_P(PayloadFaults, MalformedBodiesFailTheAssetAndLeaveWhatWasStored) {
  const std::string exchange = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(exchange));
  write_fault_config(harness, {{exchange, sim.base_url(exchange)}}, "{max_attempts: 2}");
  const std::string earlier = utc_day_ago(2);
  ASSERT_EQ(harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", earlier})
                .exit_code,
            0);
  const auto gold_before = harness.query(kOhlcvDump);
  ASSERT_EQ(gold_before.size(), 1464u);
  const auto lake_before = harness.lake_files();

  sim.set_faults({{"malformed_rate", 1.0}});
  for (const std::string& day : {earlier, yesterday_utc()}) {
    const ProcessResult run =
        harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
    EXPECT_EQ(run.exit_code, 1) << context_of(run);
    EXPECT_NE(run.out.find(summary_line("extract_" + exchange + "_ohlcv", "FAILED")),
              std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find("  error: bad payload: " + exchange + ": "), std::string::npos)
        << run.out;
    EXPECT_NE(run.out.find(summary_line("load_ohlcv_to_postgres", "skipped")), std::string::npos)
        << run.out;
    EXPECT_EQ(harness.query(kOhlcvDump), gold_before);
    EXPECT_EQ(first_changed_file(lake_before, harness.lake_files()), "");
  }
  EXPECT_EQ(harness.query("SELECT count(*) FROM run_audit WHERE asset = 'extract_" + exchange +
                          "_ohlcv' AND status = 'failed'")[0][0],
            "2");
}

TEST_P(PayloadFaults, TruncatedBodiesAreRetriedAndRowsStayExact) {
  const std::string exchange = GetParam();
  Simulator sim({"--seed", "5", "--truncate-rate", "0.5"});
  PipelineHarness harness(sim.base_url(exchange));
  write_fault_config(harness, {{exchange, sim.base_url(exchange)}}, "{max_attempts: 8}");
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(sim.stats()["injected_faults"].value("truncated_body", 0), 0);
  EXPECT_NE(run.err.find("request failed, retrying"), std::string::npos) << run.err;
  sim.set_faults({{"truncate_rate", 0}});
  EXPECT_EQ(gold_series(harness, exchange, "1m"), binance_truth(sim, "1m", day));
  EXPECT_EQ(gold_series(harness, exchange, "1h"), binance_truth(sim, "1h", day));
}

INSTANTIATE_TEST_SUITE_P(BybitAndGateIo, PayloadFaults, ::testing::Values("bybit", "gateio"),
                         [](const auto& info) { return info.param; });

class CandleFaultRuns : public ::testing::TestWithParam<std::string> {};

TEST_P(CandleFaultRuns, DuplicatedAndShuffledCandlesLandOnceEachAndAreReported) {
  const std::string exchange = GetParam();
  Simulator sim({"--seed", "9", "--duplicate-rate", "0.1", "--shuffle"});
  PipelineHarness harness(sim.base_url(exchange));
  write_fault_config(harness, {{exchange, sim.base_url(exchange)}}, "{max_attempts: 2}");
  const std::string day = yesterday_utc();
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);

  const nlohmann::json injected = sim.stats().at("injected_faults");
  const int duplicates = injected.value("duplicated_candle", 0);
  ASSERT_GT(duplicates, 0) << injected.dump();
  EXPECT_EQ(injected.value("shuffled_page", 0), 3) << injected.dump();
  EXPECT_NE(run.out.find("check FAILED: ohlcv_no_duplicates (" + day +
                         "): {\"duplicates\":" + std::to_string(duplicates) + "}"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("check FAILED: ohlcv_no_gaps"), std::string::npos) << run.out;

  sim.set_faults({{"duplicate_rate", 0}, {"shuffle", false}});
  EXPECT_EQ(gold_series(harness, exchange, "1m"), binance_truth(sim, "1m", day));
  EXPECT_EQ(gold_series(harness, exchange, "1h"), binance_truth(sim, "1h", day));
  EXPECT_EQ(harness.query("SELECT rows, rejects, gaps FROM run_audit WHERE asset = "
                          "'transform_ohlcv'"),
            (std::vector<SqlRow>{{"1464", std::to_string(duplicates), "0"}}));
}

TEST_P(CandleFaultRuns, AMissingHourIsReportedAsAGapAndNotInvented) {
  const std::string exchange = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(exchange));
  write_fault_config(harness, {{exchange, sim.base_url(exchange)}}, "{max_attempts: 2}");
  const std::string day = yesterday_utc();
  const std::int64_t gap_from = day_start_ms(day) + 5 * kHourMs;
  sim.set_faults({{"gap_from_ms", gap_from}, {"gap_to_ms", gap_from + kHourMs}});
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  // 60 one-minute candles and one hourly candle.
  EXPECT_NE(run.out.find("check FAILED: ohlcv_no_gaps (" + day + "): {\"missing_candles\":61}"),
            std::string::npos)
      << run.out;
  EXPECT_EQ(run.out.find("check FAILED: ohlcv_no_duplicates"), std::string::npos) << run.out;

  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv WHERE open_time >= '" + iso_of(gap_from) +
                          "' AND open_time < '" + iso_of(gap_from + kHourMs) + "'")[0][0],
            "0");
  sim.set_faults({{"gap_from_ms", 0}, {"gap_to_ms", 0}});
  for (const std::string timeframe : {"1m", "1h"}) {
    std::vector<SqlRow> expected;
    for (SqlRow& row : binance_truth(sim, timeframe, day)) {
      if (row[0] < iso_of(gap_from) || row[0] >= iso_of(gap_from + kHourMs)) {
        expected.push_back(std::move(row));
      }
    }
    EXPECT_EQ(gold_series(harness, exchange, timeframe), expected) << timeframe;
  }

  // The silver manifest names the missing range of each series.
  for (const auto& [path, bytes] : harness.lake_files()) {
    if (path.rfind("silver/ohlcv/", 0) != 0 || !path.ends_with("manifest.json")) continue;
    const nlohmann::json manifest = nlohmann::json::parse(bytes);
    for (const nlohmann::json& series : manifest.at("series")) {
      ASSERT_EQ(series.at("gaps").size(), 1u) << series.dump();
      EXPECT_EQ(series.at("gaps")[0].at("missing"), series.at("timeframe") == "1m" ? 60 : 1);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(EveryExchange, CandleFaultRuns,
                         ::testing::Values("binance", "bybit", "gateio"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cryptopipe::testing
