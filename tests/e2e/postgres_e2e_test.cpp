// The whole pipeline into a real PostgreSQL server started for the test: exact decimals,
// idempotent re-runs (xmin unchanged), candles that close, concurrent runs, and bad connection
// settings. A killed backend and a restarted server are in the fault-injection suite
// (tests/faults/postgres_faults_test.cpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <future>

#include "support/postgres_pipeline.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kRows = static_cast<std::int64_t>(kOhlcvRowsPerDay);

class PostgresE2E : public PostgresPipelineTest {};

TEST_F(PostgresE2E, ADayLandsDecimalExactAndARerunRewritesNoRow) {
  const ProcessResult run = materialize(kOhlcvChain);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_EQ(load_counts(run), (LoadCounts{kRows, 0, 0})) << run.err;
  expect_rows_equal_the_exchange();
  EXPECT_NE(run.out.find("warehouse: postgresql://cryptopipe@127.0.0.1:" +
                         std::to_string(server_.port()) + "/gold"),
            std::string::npos)
      << run.out;
  const PgRows before = session().query(kOhlcvValuesAndVersions);

  const ProcessResult again = materialize(kOhlcvChain);
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  EXPECT_EQ(load_counts(again), (LoadCounts{0, 0, kRows})) << again.err;
  // Same rows, same xmin, same loaded_at.
  EXPECT_EQ(session().query(kOhlcvValuesAndVersions), before);
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
  const PgRows earlier = session().query(
      "SELECT open_time, xmin::text FROM ohlcv WHERE open_time < '" + iso_of(noon) +
      "' ORDER BY open_time");
  const std::string open_version = session().one("SELECT xmin::text FROM ohlcv WHERE " + at_noon);

  const ProcessResult second = fetch_at(noon + 9 * 60'000 + 30'000);
  ASSERT_EQ(second.exit_code, 0) << context_of(second);
  EXPECT_EQ(load_counts(second), (LoadCounts{9, 1, 720})) << second.err;
  EXPECT_EQ(session().one("SELECT is_closed FROM ohlcv WHERE " + at_noon), "t");
  EXPECT_NE(session().one("SELECT xmin::text FROM ohlcv WHERE " + at_noon), open_version);
  EXPECT_EQ(session().query("SELECT open_time, xmin::text FROM ohlcv WHERE open_time < '" +
                            iso_of(noon) + "' ORDER BY open_time"),
            earlier);
}

TEST_F(PostgresE2E, TwoConcurrentMaterializationsOfAPartitionAgree) {
  const ProcessResult upstream = materialize("+transform_ohlcv");
  ASSERT_EQ(upstream.exit_code, 0) << context_of(upstream);

  auto one = std::async(std::launch::async, [&] { return materialize(kLoadOhlcv); });
  auto two = std::async(std::launch::async, [&] { return materialize(kLoadOhlcv); });
  const ProcessResult first = one.get();
  const ProcessResult second = two.get();
  ASSERT_EQ(first.exit_code, 0) << context_of(first);
  ASSERT_EQ(second.exit_code, 0) << context_of(second);
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), std::to_string(kOhlcvRowsPerDay));
  EXPECT_EQ(session().one("SELECT count(*) FROM (SELECT DISTINCT exchange, symbol, timeframe, "
                          "open_time FROM ohlcv) keys"),
            std::to_string(kOhlcvRowsPerDay));
  expect_rows_equal_the_exchange();
  // One inserted every row, the other found them all there.
  std::vector<LoadCounts> counts = {load_counts(first), load_counts(second)};
  std::sort(counts.begin(), counts.end());
  EXPECT_EQ(counts, (std::vector<LoadCounts>{{0, 0, kRows}, {kRows, 0, 0}}));
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
