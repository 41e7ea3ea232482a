// Perpetual futures data through the real binaries, on every venue that has it: a day of the
// simulator's funding events and open-interest samples lands in gold exact and in base units
// whatever unit the venue counts in, re-runs and overlapping runs change nothing, a storm of
// failures loses nothing, and missing points fail the completeness checks without failing the
// run.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kPerpChain = "*load_funding_to_postgres,*load_open_interest_to_postgres";
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;

// The simulator's perpetual is the same on every venue: its funding events of the day as
// Binance's /fapi/v1/fundingRate serves them (time, rate), read here independently of the engine.
std::vector<SqlRow> simulator_funding(const Simulator& sim, std::int64_t day_start) {
  const nlohmann::json events = sim.get_json(
      "/binance/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1000&startTime=" +
      std::to_string(day_start) + "&endTime=" + std::to_string(day_start + kDayMs - 1));
  std::vector<SqlRow> rows;
  for (const nlohmann::json& event : events) {
    rows.push_back({iso_of(event.at("fundingTime").get<std::int64_t>()),
                    shortest_decimal(event.at("fundingRate").get<std::string>())});
  }
  return rows;
}

// Its 5-minute open interest of the day in base units (Binance's sumOpenInterest).
std::vector<SqlRow> simulator_open_interest(const Simulator& sim, std::int64_t day_start) {
  const nlohmann::json samples = sim.get_json(
      "/binance/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&limit=500&startTime=" +
      std::to_string(day_start) + "&endTime=" + std::to_string(day_start + kDayMs - 1));
  std::vector<SqlRow> rows;
  for (const nlohmann::json& sample : samples) {
    rows.push_back({iso_of(sample.at("timestamp").get<std::int64_t>()),
                    shortest_decimal(sample.at("sumOpenInterest").get<std::string>())});
  }
  return rows;
}

// The run's summary counts checks per transform: both of funding's and both of open interest's.
bool both_checks_pass(const ProcessResult& run) {
  const std::string line = "checks: 2 passed, 0 failed";
  const std::size_t first = run.out.find(line);
  return first != std::string::npos && run.out.find(line, first + 1) != std::string::npos &&
         run.out.find("FAILED") == std::string::npos;
}

class PerpetualsE2E : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { harness_.write_config({"BTC/USDT"}, {"1h"}, {}, {"BTC/USDT:USDT"}); }

  ProcessResult materialize(const std::string& day = yesterday_utc()) {
    return harness_.cryptopipe({"materialize", "--select", kPerpChain, "--partition", day});
  }

  std::vector<SqlRow> funding() const {
    return harness_.query("SELECT funding_time, funding_rate FROM funding_rates WHERE exchange = '" +
                          GetParam() + "' AND symbol = 'BTC/USDT:USDT' ORDER BY funding_time");
  }

  std::vector<SqlRow> open_interest() const {
    return harness_.query("SELECT ts, open_interest FROM open_interest WHERE exchange = '" +
                          GetParam() + "' AND symbol = 'BTC/USDT:USDT' AND period = '5m' "
                          "ORDER BY ts");
  }

  static std::vector<SqlRow> shortest(std::vector<SqlRow> rows) {
    for (SqlRow& row : rows) row[1] = shortest_decimal(row[1]);
    return rows;
  }

  nlohmann::json silver_manifest(const std::string& dataset) const {
    for (const auto& [key, bytes] : harness_.lake_files()) {
      if (key.starts_with("silver/" + dataset + "/") && key.ends_with("/_manifest.json")) {
        return nlohmann::json::parse(bytes);
      }
    }
    return nullptr;
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url(GetParam()), GetParam()};
};

TEST_P(PerpetualsE2E, ADayOfFundingAndOpenInterestLandsExactInBaseUnits) {
  const std::string day = yesterday_utc();
  const ProcessResult run = materialize(day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_TRUE(both_checks_pass(run)) << run.out;

  const std::vector<SqlRow> funding_truth = simulator_funding(sim_, day_start_ms(day));
  ASSERT_EQ(funding_truth.size(), 3u) << "funding every 8 hours";
  EXPECT_EQ(shortest(funding()), funding_truth);
  const std::vector<SqlRow> oi_truth = simulator_open_interest(sim_, day_start_ms(day));
  ASSERT_EQ(oi_truth.size(), 288u) << "a sample every 5 minutes";
  EXPECT_EQ(shortest(open_interest()), oi_truth);

  // Binance alone gives the mark price at funding and the open interest's value in USDT.
  const SqlRow extras = harness_.query(
      "SELECT count(mark_price), (SELECT count(open_interest_value) FROM open_interest) "
      "FROM funding_rates")[0];
  const bool binance = GetParam() == "binance";
  EXPECT_EQ(extras, (SqlRow{binance ? "3" : "0", binance ? "288" : "0"}));

  EXPECT_EQ(harness_.query("SELECT asset, status, rows FROM run_audit ORDER BY asset"),
            (std::vector<SqlRow>{{"extract_" + GetParam() + "_funding", "success", "3"},
                                 {"extract_" + GetParam() + "_open_interest", "success", "288"},
                                 {"load_funding_to_postgres", "success", "3"},
                                 {"load_open_interest_to_postgres", "success", "288"},
                                 {"transform_funding", "success", "3"},
                                 {"transform_open_interest", "success", "288"}}));
}

TEST_P(PerpetualsE2E, ASecondRunAddsAndChangesNothing) {
  ASSERT_EQ(materialize().exit_code, 0);
  const auto everything = [&] {
    return std::pair{
        harness_.query("SELECT exchange, symbol, funding_time, funding_rate, mark_price, loaded_at "
                       "FROM funding_rates ORDER BY funding_time"),
        harness_.query("SELECT exchange, symbol, period, ts, open_interest, open_interest_value, "
                       "loaded_at FROM open_interest ORDER BY ts")};
  };
  const auto first = everything();
  const ProcessResult again = materialize();
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  EXPECT_EQ(everything(), first);
}

TEST_P(PerpetualsE2E, AStormOfFailuresLosesNothing) {
  // Half the answers fail: with 6 attempts about one request in fifty would give up, the
  // threads' order deciding which; 10 make the storm one a run rides out.
  std::ofstream(harness_.config_path(), std::ios::app) << "http:\n  max_attempts: 10\n";
  sim_.set_faults({{"error_rate", 0.3}, {"rate_limit_every", 3}});
  const ProcessResult run = materialize();
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_TRUE(both_checks_pass(run)) << run.out;
  sim_.set_faults({{"error_rate", 0.0}, {"rate_limit_every", 0}});
  const std::int64_t day_start = day_start_ms(yesterday_utc());
  EXPECT_EQ(shortest(funding()), simulator_funding(sim_, day_start));
  EXPECT_EQ(shortest(open_interest()), simulator_open_interest(sim_, day_start));
  EXPECT_GT(sim_.stats().at("injected_faults").at("server_error").get<int>(), 0);
}

TEST_P(PerpetualsE2E, MissingPointsFailTheCompletenessChecksNotTheRun) {
  const std::string day = yesterday_utc();
  const std::int64_t gap_from = day_start_ms(day) + 7 * kHourMs;
  const std::int64_t gap_to = gap_from + 3 * kHourMs;  // the 08:00 funding and 36 samples
  sim_.set_faults({{"gap_from_ms", gap_from}, {"gap_to_ms", gap_to}});
  const ProcessResult run = materialize(day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_NE(run.out.find("check FAILED: funding_complete"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("check FAILED: open_interest_complete"), std::string::npos) << run.out;
  EXPECT_EQ(funding().size(), 2u);
  EXPECT_EQ(open_interest().size(), 288u - 36u);

  const nlohmann::json funding_market = silver_manifest("funding").at("findings").at("markets")[0];
  EXPECT_EQ(funding_market.at("missing"), 1);
  EXPECT_EQ(funding_market.at("missing_ranges")[0].at("first"), iso_of(day_start_ms(day) + 8 * kHourMs));
  const nlohmann::json oi_market =
      silver_manifest("open_interest").at("findings").at("markets")[0];
  EXPECT_EQ(oi_market.at("missing"), 36);
  ASSERT_EQ(oi_market.at("missing_ranges").size(), 1u);
  EXPECT_EQ(oi_market.at("missing_ranges")[0].at("first"), iso_of(gap_from));
  EXPECT_EQ(oi_market.at("missing_ranges")[0].at("last"), iso_of(gap_to - 5 * 60'000));
}

TEST_P(PerpetualsE2E, DuplicatedAndShuffledPointsLandOnceEach) {
  sim_.set_faults({{"duplicate_rate", 0.2}, {"shuffle", true}});
  const ProcessResult run = materialize();
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_TRUE(both_checks_pass(run)) << run.out;
  const nlohmann::json injected = sim_.stats().at("injected_faults");
  ASSERT_GT(injected.value("duplicated_candle", 0), 0) << injected.dump();
  sim_.set_faults({{"duplicate_rate", 0}, {"shuffle", false}});
  const std::int64_t day_start = day_start_ms(yesterday_utc());
  EXPECT_EQ(shortest(funding()), simulator_funding(sim_, day_start));
  EXPECT_EQ(shortest(open_interest()), simulator_open_interest(sim_, day_start));
  EXPECT_GT(silver_manifest("open_interest").at("findings").at("duplicates").get<int>(), 0);
}

TEST_P(PerpetualsE2E, MalformedAnswersFailTheExtractAndLeaveGoldAsItWas) {
  const std::string earlier = utc_day_ago(2);
  ASSERT_EQ(materialize(earlier).exit_code, 0);
  const auto gold_before = std::pair{funding(), open_interest()};
  sim_.set_faults({{"malformed_rate", 1.0}});
  const ProcessResult run = materialize(earlier);
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  EXPECT_NE(run.out.find("bad payload: " + GetParam() + ": "), std::string::npos) << run.out;
  EXPECT_EQ((std::pair{funding(), open_interest()}), gold_before);
  EXPECT_EQ(harness_.query("SELECT count(*) FROM run_audit WHERE status = 'failed'")[0][0], "2");
}

TEST_P(PerpetualsE2E, AnUnknownPerpetualIsAUsageErrorBeforeAnyExtraction) {
  harness_.write_config({"BTC/USDT"}, {"1h"}, {}, {"BTC/USDT:USDT", "NOPE/USDT:USDT"});
  const ProcessResult run = materialize();
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("unknown symbol NOPE/USDT:USDT on " + GetParam()), std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("BTC/USDT:USDT"), std::string::npos) << run.err;
  for (const auto& [key, bytes] : harness_.lake_files()) {
    EXPECT_EQ(key.find("bronze/"), std::string::npos) << "nothing was extracted: " << key;
  }
}

TEST_P(PerpetualsE2E, OverlappingRunsOfOneDayAllSucceedAndLandEachPointOnce) {
  std::vector<std::future<ProcessResult>> runs;
  for (int i = 0; i < 3; ++i) {
    runs.push_back(std::async(std::launch::async, [this] { return materialize(); }));
  }
  for (auto& run : runs) {
    const ProcessResult result = run.get();
    EXPECT_EQ(result.exit_code, 0) << context_of(result);
  }
  EXPECT_EQ(funding().size(), 3u);
  EXPECT_EQ(open_interest().size(), 288u);
  EXPECT_EQ(harness_.query("SELECT status, count(*) FROM run_audit GROUP BY status"),
            (std::vector<SqlRow>{{"success", "18"}}));
}

TEST_P(PerpetualsE2E, OpenInterestBeyondBinancesMonthIsAUsageError) {
  const std::string day = "2024-01-30";
  const ProcessResult run = materialize(day);
  if (GetParam() != "binance") {
    ASSERT_EQ(run.exit_code, 0) << context_of(run);
    EXPECT_EQ(open_interest().size(), 288u);
    return;
  }
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("binance serves only the last 30 days of open interest"),
            std::string::npos)
      << run.err;
  for (const auto& [key, bytes] : harness_.lake_files()) {
    EXPECT_EQ(key.find("/open_interest/"), std::string::npos) << "nothing was extracted: " << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Venues, PerpetualsE2E, ::testing::Values("binance", "bybit", "gateio"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace cryptopipe::testing
