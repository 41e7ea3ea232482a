// The whole pipeline into a real PostgreSQL server started for the test: exact decimals,
// idempotent re-runs (xmin unchanged), candles that close, concurrent runs, a killed backend,
// a restarted server, and bad connection settings.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <sstream>
#include <thread>

#include "support/pipeline_harness.h"
#include "support/binance_klines.h"
#include "support/postgres_server.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvChain = "*load_ohlcv_to_postgres";
constexpr const char* kLoad = "load_ohlcv_to_postgres";
constexpr const char* kValues =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume, "
    "trade_count, is_closed FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";
constexpr const char* kValuesAndVersions =
    "SELECT exchange, symbol, timeframe, open_time, close, xmin::text, loaded_at FROM ohlcv "
    "ORDER BY exchange, symbol, timeframe, open_time";
constexpr std::size_t kRowsPerDay = 2 * (1440 + 24);  // BTC/USDT and ETH/USDT, 1m and 1h
constexpr auto kBlockedTimeout = std::chrono::seconds(60);

using Rows = std::vector<std::vector<std::string>>;

// {inserted, updated, unchanged} of the run's "loaded ohlcv" log line; empty if there is none.
std::vector<std::int64_t> load_counts(const ProcessResult& run) {
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_object() && record.value("msg", "") == "loaded ohlcv") {
      return {record.at("inserted").get<std::int64_t>(), record.at("updated").get<std::int64_t>(),
              record.at("unchanged").get<std::int64_t>()};
    }
  }
  return {};
}

using Counts = std::vector<std::int64_t>;
constexpr std::int64_t kRows = static_cast<std::int64_t>(kRowsPerDay);

class PostgresE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.create_database("gold");
    harness_.set_warehouse(server_.url("gold"));
    harness_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  }

  ProcessResult materialize(const std::string& select) const {
    return harness_.cryptopipe({"materialize", "--select", select, "--partition", day_});
  }
  PgSession session() const { return PgSession(server_.url("gold")); }

  // Every gold row of the day equals, as a decimal, what the simulator serves.
  void expect_rows_equal_the_exchange() const {
    const std::int64_t start = day_start_ms(day_);
    for (const auto& [symbol, market_id] : std::vector<std::pair<std::string, std::string>>{
             {"BTC/USDT", "BTCUSDT"}, {"ETH/USDT", "ETHUSDT"}}) {
      for (const std::string timeframe : {"1m", "1h"}) {
        const Rows gold = session().query(
            "SELECT to_char(open_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
            "open, high, low, close, volume, quote_volume, trade_count, is_closed FROM ohlcv "
            "WHERE exchange = 'binance' AND symbol = '" + symbol + "' AND timeframe = '" +
            timeframe + "' ORDER BY open_time");
        const auto truth = simulator_day(sim_, market_id, timeframe, start);
        ASSERT_EQ(gold.size(), truth.size()) << symbol << " " << timeframe;
        ASSERT_EQ(gold.size(), timeframe == "1m" ? 1440u : 24u);
        for (std::size_t i = 0; i < gold.size(); ++i) {
          const nlohmann::json& k = truth[i];
          const std::string where = symbol + " " + timeframe + " row " + std::to_string(i);
          ASSERT_EQ(gold[i][0], iso_of(k[0].get<std::int64_t>())) << where;
          for (const auto& [column, field] : std::vector<std::pair<int, int>>{
                   {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 7}}) {
            ASSERT_EQ(decimal_units(gold[i][column]), decimal_units(k[field].get<std::string>()))
                << where << " column " << column;
          }
          ASSERT_EQ(gold[i][7], std::to_string(k[8].get<std::int64_t>())) << where;
          ASSERT_EQ(gold[i][8], "t") << where;
        }
      }
    }
  }

  // The pid of the cryptopipe backend once it waits on a lock the test holds.
  int wait_until_cryptopipe_blocks() const {
    const PgSession observer = session();
    const auto deadline = std::chrono::steady_clock::now() + kBlockedTimeout;
    while (std::chrono::steady_clock::now() < deadline) {
      const Rows blocked = observer.query(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'cryptopipe' "
          "AND wait_event_type = 'Lock'");
      if (!blocked.empty()) return std::stoi(blocked[0][0]);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("cryptopipe never waited on the test's lock");
  }

  Simulator sim_;
  PostgresServer server_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
};

TEST_F(PostgresE2E, ADayLandsDecimalExactAndARerunRewritesNoRow) {
  const ProcessResult run = materialize(kOhlcvChain);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_EQ(load_counts(run), (Counts{kRows, 0, 0})) << run.err;
  expect_rows_equal_the_exchange();
  EXPECT_NE(run.out.find("warehouse: postgresql://cryptopipe@127.0.0.1:" +
                         std::to_string(server_.port()) + "/gold"),
            std::string::npos)
      << run.out;
  const Rows before = session().query(kValuesAndVersions);

  const ProcessResult again = materialize(kOhlcvChain);
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  EXPECT_EQ(load_counts(again), (Counts{0, 0, kRows})) << again.err;
  EXPECT_EQ(session().query(kValuesAndVersions), before);  // same rows, same xmin, same loaded_at
  EXPECT_EQ(session().one("SELECT count(DISTINCT run_id) FROM run_audit"), "2");
  EXPECT_EQ(session().one("SELECT count(*) FROM run_audit WHERE status = 'success'"), "6");
  for (const ProcessResult* r : {&run, &again}) {
    EXPECT_EQ((r->out + r->err).find(server_.password()), std::string::npos);
  }
}

TEST_F(PostgresE2E, TheStillOpenCandleIsUpdatedWhenItCloses) {
  // Gate.io flags unfinished candles itself: two fetches of yesterday from simulators whose
  // clocks stand at 12:00:30 and then at 12:09:30, the first seeing the 12:00 candle still open.
  const std::int64_t noon = day_start_ms(day_) + 12LL * 3600 * 1000;
  const auto fetch_at = [&](std::int64_t now_ms) {
    Simulator sim({"--now-ms", std::to_string(now_ms)});
    PipelineHarness harness(sim.base_url("gateio"), "gateio");
    harness.set_warehouse(server_.url("gold"));
    harness.write_config({"BTC/USDT"}, {"1m"});
    return harness.cryptopipe({"materialize", "--select", kOhlcvChain, "--partition", day_});
  };
  const std::string at_noon = "open_time = '" + iso_of(noon) + "'";
  const ProcessResult first = fetch_at(noon + 30'000);
  ASSERT_EQ(first.exit_code, 0) << context_of(first);
  EXPECT_EQ(session().one("SELECT is_closed FROM ohlcv WHERE " + at_noon), "f");
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), "721");
  const Rows earlier = session().query(
      "SELECT open_time, xmin::text FROM ohlcv WHERE open_time < '" + iso_of(noon) +
      "' ORDER BY open_time");
  const std::string open_version = session().one("SELECT xmin::text FROM ohlcv WHERE " + at_noon);

  const ProcessResult second = fetch_at(noon + 9 * 60'000 + 30'000);
  ASSERT_EQ(second.exit_code, 0) << context_of(second);
  EXPECT_EQ(load_counts(second), (Counts{9, 1, 720})) << second.err;
  EXPECT_EQ(session().one("SELECT is_closed FROM ohlcv WHERE " + at_noon), "t");
  EXPECT_NE(session().one("SELECT xmin::text FROM ohlcv WHERE " + at_noon), open_version);
  EXPECT_EQ(session().query("SELECT open_time, xmin::text FROM ohlcv WHERE open_time < '" +
                            iso_of(noon) + "' ORDER BY open_time"),
            earlier);
}

TEST_F(PostgresE2E, TwoConcurrentMaterializationsOfAPartitionAgree) {
  const ProcessResult upstream = materialize("+transform_ohlcv");
  ASSERT_EQ(upstream.exit_code, 0) << context_of(upstream);

  auto one = std::async(std::launch::async, [&] { return materialize(kLoad); });
  auto two = std::async(std::launch::async, [&] { return materialize(kLoad); });
  const ProcessResult first = one.get();
  const ProcessResult second = two.get();
  ASSERT_EQ(first.exit_code, 0) << context_of(first);
  ASSERT_EQ(second.exit_code, 0) << context_of(second);
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), std::to_string(kRowsPerDay));
  EXPECT_EQ(session().one("SELECT count(*) FROM (SELECT DISTINCT exchange, symbol, timeframe, "
                          "open_time FROM ohlcv) keys"),
            std::to_string(kRowsPerDay));
  expect_rows_equal_the_exchange();
  // One inserted every row, the other found them all there.
  std::vector<Counts> counts = {load_counts(first), load_counts(second)};
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<Counts>{{0, 0, kRows}, {kRows, 0, 0}}));
}

TEST_F(PostgresE2E, ABackendKilledMidLoadLeavesThePreviousRowsAndTheRerunConverges) {
  ASSERT_EQ(materialize(kOhlcvChain).exit_code, 0);
  // Stale values the next load repairs, and a lock on its last row that stops it mid-merge.
  const PgSession blocker = session();
  blocker.query("UPDATE ohlcv SET close = close + 1 WHERE timeframe = '1m' AND "
                "open_time < '" + iso_of(day_start_ms(day_) + 3600'000) + "'");
  const Rows stale = session().query(kValuesAndVersions);
  blocker.query("BEGIN");
  blocker.query("SELECT 1 FROM ohlcv WHERE symbol = 'ETH/USDT' AND timeframe = '1m' AND "
                "open_time = '" + iso_of(day_start_ms(day_) + 1439 * 60'000) + "' FOR UPDATE");

  auto load = std::async(std::launch::async, [&] { return materialize(kLoad); });
  const int pid = wait_until_cryptopipe_blocks();
  EXPECT_EQ(session().one("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "t");
  const ProcessResult killed = load.get();
  EXPECT_EQ(killed.exit_code, 1) << context_of(killed);
  EXPECT_NE(killed.out.find("lost the connection to the PostgreSQL warehouse "
                            "postgresql://cryptopipe@127.0.0.1:" +
                            std::to_string(server_.port()) + "/gold"),
            std::string::npos)
      << killed.out;
  blocker.query("ROLLBACK");
  EXPECT_EQ(session().query(kValuesAndVersions), stale);  // rolled back: nothing half-merged

  const ProcessResult rerun = materialize(kLoad);
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  EXPECT_EQ(load_counts(rerun), (Counts{0, 120, kRows - 120})) << rerun.err;
  expect_rows_equal_the_exchange();
}

TEST_F(PostgresE2E, AServerRestartMidRunFailsTheAssetClearlyAndTheRerunSucceeds) {
  ASSERT_EQ(materialize("+transform_ohlcv").exit_code, 0);
  const PgSession blocker = session();
  blocker.query("BEGIN");
  blocker.query("LOCK TABLE ohlcv IN SHARE MODE");

  auto load = std::async(std::launch::async, [&] { return materialize(kLoad); });
  wait_until_cryptopipe_blocks();
  server_.restart();
  const ProcessResult failed = load.get();
  EXPECT_EQ(failed.exit_code, 1) << context_of(failed);
  const std::string output = failed.out + failed.err;
  EXPECT_NE(output.find("lost the connection to the PostgreSQL warehouse "
                        "postgresql://cryptopipe@127.0.0.1:" +
                        std::to_string(server_.port()) + "/gold"),
            std::string::npos)
      << output;
  EXPECT_EQ(output.find(server_.password()), std::string::npos) << output;
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), "0");

  const ProcessResult rerun = materialize(kLoad);
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  expect_rows_equal_the_exchange();
}

TEST_F(PostgresE2E, BadConnectionSettingsGiveOneClearLineWithoutThePassword) {
  const std::string port = std::to_string(server_.port());
  const std::string secret = "Sup3r-s3cret-pw";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"postgresql://cryptopipe:" + secret + "@127.0.0.1:" + port + "/gold",
       "password authentication failed for user \"cryptopipe\""},
      {"postgresql://cryptopipe:" + secret + "@127.0.0.1:" + std::to_string(free_loopback_port()) +
           "/gold",
       "Connection refused"},
      {"postgresql://cryptopipe:" + server_.password() + "@127.0.0.1:" + port + "/missing",
       "database \"missing\" does not exist"},
  };
  for (const auto& [url, expected] : cases) {
    const ProcessResult run =
        harness_.cryptopipe({"--warehouse", url, "materialize", "--select", kOhlcvChain,
                             "--partition", day_});
    EXPECT_EQ(run.exit_code, 2) << context_of(run);
    EXPECT_EQ(run.out, "") << context_of(run);
    EXPECT_EQ(run.err.rfind("cryptopipe: error: cannot connect to the PostgreSQL warehouse "
                            "postgresql://cryptopipe@127.0.0.1:",
                            0),
              0u)
        << run.err;
    EXPECT_NE(run.err.find(expected), std::string::npos) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_EQ(run.err.find(secret), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(server_.password()), std::string::npos) << run.err;
  }
  EXPECT_TRUE(harness_.lake_files().empty());  // nothing was run
}

}  // namespace
}  // namespace cryptopipe::testing
