// Public trades through the real binaries, on every venue that has them (Bybit's from its daily
// archive files, the others by REST): a day of the simulator's trades lands in gold complete
// and exact, re-runs change nothing, a storm of failures loses nothing, and missing trades fail
// the contiguity check without failing the run.
#include <gtest/gtest.h>

#include <fstream>
#include <future>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kTradesChain = "*load_trades_to_postgres";
constexpr std::int64_t kHourMs = 3'600'000;

// The simulator trades the same market the same way on every venue: its trades of the day as
// Binance's /api/v3/aggTrades serves them, paged here independently of the engine, as gold
// holds them: ts, price, amount, taker side.
std::vector<SqlRow> simulator_trades(const Simulator& sim, const std::string& market_id,
                                     std::int64_t day_start) {
  const std::int64_t day_end = day_start + 24 * kHourMs;
  const std::string base = "/binance/api/v3/aggTrades?symbol=" + market_id + "&limit=1000";
  nlohmann::json page = sim.get_json(base + "&startTime=" + std::to_string(day_start) +
                                     "&endTime=" + std::to_string(day_start + kHourMs - 1));
  std::vector<SqlRow> trades;
  // The first hour's trades by time, then on by aggregate id until the day is over.
  while (!page.empty()) {
    for (const nlohmann::json& trade : page) {
      const std::int64_t ts = trade.at("T").get<std::int64_t>();
      if (ts >= day_end) return trades;
      trades.push_back({iso_of(ts), shortest_decimal(trade.at("p").get<std::string>()),
                        shortest_decimal(trade.at("q").get<std::string>()),
                        trade.at("m").get<bool>() ? "sell" : "buy"});
    }
    page = sim.get_json(base + "&fromId=" + std::to_string(page.back().at("a").get<std::int64_t>() + 1));
  }
  return trades;
}

struct TradesCase {
  std::string exchange;
  bool numbered;  // whether the venue numbers a market's trades one by one (sequence)
  bool archive_only = false;  // its past trades come only from its archive site (Bybit)
};

void PrintTo(const TradesCase& c, std::ostream* out) { *out << c.exchange; }

class TradesE2E : public ::testing::TestWithParam<TradesCase> {
 protected:
  void SetUp() override {
    harness_.write_config({"BTC/USDT"}, {"1h"}, {"BTC/USDT"});
    if (GetParam().archive_only) {
      std::ofstream(harness_.config_path(), std::ios::app)
          << "    archive_url: " << sim_.base_url(GetParam().exchange + "-data") << "\n";
    }
  }

  // A trade every 30 s on average: 2880 a day, three Binance pages, thirty of OKX's. Archives
  // published as soon as their day is over, so that yesterday's is there.
  static std::vector<std::string> simulator_args() {
    std::vector<std::string> args = {"--trade-spacing-ms", "30000"};
    if (GetParam().archive_only) args.insert(args.end(), {"--archive-delay-ms", "0"});
    return args;
  }

  ProcessResult materialize(const std::string& day = yesterday_utc()) {
    return harness_.cryptopipe({"materialize", "--select", kTradesChain, "--partition", day});
  }

  std::vector<SqlRow> gold() const {
    return harness_.query(
        "SELECT ts, price, amount, side FROM trades WHERE exchange = '" + GetParam().exchange +
        "' AND symbol = 'BTC/USDT' ORDER BY ts, sequence, CAST(trade_id AS INTEGER)");
  }

  Simulator sim_{simulator_args()};
  PipelineHarness harness_{sim_.base_url(GetParam().exchange), GetParam().exchange};
};

TEST_P(TradesE2E, ADayOfTradesLandsCompleteAndExact) {
  const std::string day = yesterday_utc();
  const ProcessResult run = materialize(day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_NE(run.out.find("checks: 2 passed, 0 failed"), std::string::npos) << run.out;

  const std::vector<SqlRow> truth = simulator_trades(sim_, "BTCUSDT", day_start_ms(day));
  ASSERT_GT(truth.size(), 1000u) << "the day should span several pages";
  const std::vector<SqlRow> rows = gold();
  ASSERT_EQ(rows.size(), truth.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i][0], truth[i][0]) << "trade " << i;
    ASSERT_EQ(shortest_decimal(rows[i][1]), truth[i][1]) << "trade " << i;
    ASSERT_EQ(shortest_decimal(rows[i][2]), truth[i][2]) << "trade " << i;
    ASSERT_EQ(rows[i][3], truth[i][3]) << "trade " << i;
  }
  const SqlRow ids = harness_.query(
      "SELECT count(DISTINCT trade_id), count(sequence), max(sequence) - min(sequence) + 1 "
      "FROM trades")[0];
  EXPECT_EQ(ids[0], std::to_string(truth.size()));
  if (GetParam().numbered) {
    EXPECT_EQ(ids[1], std::to_string(truth.size()));
    EXPECT_EQ(ids[2], std::to_string(truth.size())) << "sequence numbers run without a hole";
  } else {
    EXPECT_EQ(ids[1], "0");
  }
  const auto audit = harness_.query(
      "SELECT asset, status, rows FROM run_audit ORDER BY asset");
  ASSERT_EQ(audit.size(), 3u);
  EXPECT_EQ(audit[0], (SqlRow{"extract_" + GetParam().exchange + "_trades", "success",
                              audit[0][2]}));
  EXPECT_EQ(audit[1], (SqlRow{"load_trades_to_postgres", "success", std::to_string(truth.size())}));
  EXPECT_EQ(audit[2], (SqlRow{"transform_trades", "success", std::to_string(truth.size())}));
}

TEST_P(TradesE2E, ASecondRunAddsAndChangesNothing) {
  ASSERT_EQ(materialize().exit_code, 0);
  const std::vector<SqlRow> first = harness_.query(
      "SELECT trade_id, ts, price, amount, side, sequence, loaded_at FROM trades ORDER BY trade_id");
  const ProcessResult again = materialize();
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  EXPECT_EQ(harness_.query("SELECT trade_id, ts, price, amount, side, sequence, loaded_at FROM "
                           "trades ORDER BY trade_id"),
            first);
}

TEST_P(TradesE2E, AStormOfFailuresLosesNoTrade) {
  // A venue that serves a day in one file is asked once a day: a week of days meets the storm.
  const int days = GetParam().archive_only ? 7 : 1;
  sim_.set_faults({{"error_rate", 0.3}, {"rate_limit_every", 7}});
  const ProcessResult run = harness_.cryptopipe({"materialize", "--select", kTradesChain, "--from",
                                                 utc_day_ago(days), "--to", yesterday_utc()});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_NE(run.out.find("checks: " + std::to_string(2 * days) + " passed, 0 failed"),
            std::string::npos)
      << run.out;
  sim_.set_faults({{"error_rate", 0.0}, {"rate_limit_every", 0}});
  std::size_t all = 0;
  for (int ago = 1; ago <= days; ++ago) {
    all += simulator_trades(sim_, "BTCUSDT", day_start_ms(utc_day_ago(ago))).size();
  }
  EXPECT_EQ(gold().size(), all);
  EXPECT_GT(sim_.stats().at("injected_faults").at("server_error").get<int>(), 0);
}

TEST_P(TradesE2E, MissingTradesFailTheContiguityCheckOrShowAsASilenceNotAFailedRun) {
  const std::string day = yesterday_utc();
  const std::int64_t gap_from = day_start_ms(day) + 2 * kHourMs;
  const std::int64_t gap_to = gap_from + 3 * kHourMs;  // three hours without a trade sent
  sim_.set_faults({{"gap_from_ms", gap_from}, {"gap_to_ms", gap_to}});
  const ProcessResult run = materialize(day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  sim_.set_faults({{"gap_from_ms", 0}, {"gap_to_ms", 0}});
  const std::size_t all = simulator_trades(sim_, "BTCUSDT", day_start_ms(day)).size();
  const std::size_t landed = gold().size();
  EXPECT_LT(landed, all - 300);

  nlohmann::json silver;
  for (const auto& [key, bytes] : harness_.lake_files()) {
    if (key.starts_with("silver/trades/") && key.ends_with("/_manifest.json")) {
      silver = nlohmann::json::parse(bytes);
    }
  }
  const nlohmann::json& market = silver.at("findings").at("markets").at(0);
  const nlohmann::json& completeness = market.at("completeness");
  if (GetParam().numbered) {
    // Proven: the venue's numbers of the missing trades, between the trades around the hole.
    EXPECT_NE(run.out.find("check FAILED: trades_contiguous"), std::string::npos) << run.out;
    EXPECT_EQ(completeness.at("missing").get<std::size_t>(), all - landed);
    ASSERT_EQ(completeness.at("gaps").size(), 1u);
    EXPECT_LT(completeness.at("gaps")[0].at("after").get<std::string>(), iso_of(gap_from));
    EXPECT_GE(completeness.at("gaps")[0].at("before").get<std::string>(), iso_of(gap_to));
  } else {
    // Not provable from OKX's ids: the check passes, the silence leads the report.
    EXPECT_NE(run.out.find("checks: 2 passed, 0 failed"), std::string::npos) << run.out;
    const nlohmann::json& longest = completeness.at("longest_silences").at(0);
    EXPECT_LT(longest.at("from").get<std::string>(), iso_of(gap_from));
    EXPECT_GE(longest.at("to").get<std::string>(), iso_of(gap_to));
    EXPECT_GE(longest.at("seconds").get<std::int64_t>(), 3 * 3600);
  }
}

TEST_P(TradesE2E, OverlappingRunsOfOneDayAllSucceedAndLandEachTradeOnce) {
  std::vector<std::future<ProcessResult>> runs;
  for (int i = 0; i < 4; ++i) {
    runs.push_back(std::async(std::launch::async, [this] { return materialize(); }));
  }
  for (auto& run : runs) {
    const ProcessResult result = run.get();
    EXPECT_EQ(result.exit_code, 0) << context_of(result);
  }
  const std::vector<SqlRow> rows = gold();
  EXPECT_EQ(rows.size(), simulator_trades(sim_, "BTCUSDT", day_start_ms(yesterday_utc())).size());
  EXPECT_EQ(harness_.query("SELECT status, count(*) FROM run_audit GROUP BY status"),
            (std::vector<SqlRow>{{"success", "12"}}));
}

TEST_P(TradesE2E, ADayBeyondTheVenuesReachIsAUsageErrorElseNoTradesAndNoFailure) {
  // The simulator lists its markets from 2019-01-01; Gate serves 30 days of trades, OKX 90.
  const ProcessResult run = materialize("2018-12-31");
  if (GetParam().archive_only) {
    // No file for the day: nothing can prove there were no trades, so the extract fails.
    EXPECT_EQ(run.exit_code, 1) << context_of(run);
    EXPECT_NE(run.out.find("that file is not published yet"), std::string::npos) << run.out;
    EXPECT_EQ(harness_.query("SELECT count(*) FROM trades")[0][0], "0");
    return;
  }
  if (GetParam().exchange == "binance") {
    ASSERT_EQ(run.exit_code, 0) << context_of(run);
    EXPECT_EQ(harness_.query("SELECT count(*) FROM trades")[0][0], "0");
    return;
  }
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find(GetParam().exchange + " serves only the last"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("partition 2018-12-31 is out of its reach"), std::string::npos);
  for (const auto& [key, bytes] : harness_.lake_files()) {
    EXPECT_EQ(key.find("/trades/"), std::string::npos) << "nothing was extracted: " << key;
  }
}

INSTANTIATE_TEST_SUITE_P(Venues, TradesE2E,
                         ::testing::Values(TradesCase{"binance", true}, TradesCase{"gateio", true},
                                           TradesCase{"okx", false},
                                           TradesCase{"bybit", true, true}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
