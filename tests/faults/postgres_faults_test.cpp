// PostgreSQL faults in the middle of a load, through the real binary: a backend killed and a
// server restarted while cryptopipe merges a day into the warehouse. The failed load leaves the
// previous rows as they were (one transaction), says so in one line naming the warehouse without
// its password, leaves the lake untouched, and a re-run converges to the exchange's rows.
#include <gtest/gtest.h>

#include <future>

#include "support/postgres_pipeline.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kRows = static_cast<std::int64_t>(kOhlcvRowsPerDay);

class PostgresFaults : public PostgresPipelineTest {};

TEST_F(PostgresFaults, ABackendKilledMidLoadLeavesThePreviousRowsAndTheRerunConverges) {
  ASSERT_EQ(materialize(kOhlcvChain).exit_code, 0);
  const auto lake = harness_.lake_files();
  // Stale values the next load repairs, and a lock on its last row that stops it mid-merge.
  const PgSession blocker = session();
  blocker.query("UPDATE ohlcv SET close = close + 1 WHERE timeframe = '1m' AND "
                "open_time < '" + iso_of(day_start_ms(day_) + 3600'000) + "'");
  const PgRows stale = session().query(kOhlcvValuesAndVersions);
  blocker.query("BEGIN");
  blocker.query("SELECT 1 FROM ohlcv WHERE symbol = 'ETH/USDT' AND timeframe = '1m' AND "
                "open_time = '" + iso_of(day_start_ms(day_) + 1439 * 60'000) + "' FOR UPDATE");

  auto load = std::async(std::launch::async, [&] { return materialize(kLoadOhlcv); });
  const int pid = wait_until_cryptopipe_blocks();
  EXPECT_EQ(session().one("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), "t");
  const ProcessResult killed = load.get();
  EXPECT_EQ(killed.exit_code, 1) << context_of(killed);
  EXPECT_NE(killed.out.find(lost_connection_message()), std::string::npos) << killed.out;
  EXPECT_EQ((killed.out + killed.err).find(server_.password()), std::string::npos);
  blocker.query("ROLLBACK");
  EXPECT_EQ(session().query(kOhlcvValuesAndVersions), stale);  // rolled back: nothing half-merged

  const ProcessResult rerun = materialize(kLoadOhlcv);
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  EXPECT_EQ(load_counts(rerun), (LoadCounts{0, 120, kRows - 120})) << rerun.err;
  expect_rows_equal_the_exchange();
  EXPECT_EQ(harness_.lake_files(), lake);  // loads read the lake, never write it
}

TEST_F(PostgresFaults, AServerRestartMidRunFailsTheAssetClearlyAndTheRerunSucceeds) {
  ASSERT_EQ(materialize("+transform_ohlcv").exit_code, 0);
  const auto lake = harness_.lake_files();
  const PgSession blocker = session();
  blocker.query("BEGIN");
  blocker.query("LOCK TABLE ohlcv IN SHARE MODE");

  auto load = std::async(std::launch::async, [&] { return materialize(kLoadOhlcv); });
  wait_until_cryptopipe_blocks();
  server_.restart();
  const ProcessResult failed = load.get();
  EXPECT_EQ(failed.exit_code, 1) << context_of(failed);
  const std::string output = failed.out + failed.err;
  EXPECT_NE(output.find(lost_connection_message()), std::string::npos) << output;
  EXPECT_EQ(output.find(server_.password()), std::string::npos) << output;
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), "0");
  EXPECT_EQ(session().one("SELECT count(*) FROM run_audit WHERE asset = 'load_ohlcv_to_postgres' "
                          "AND status = 'success'"),
            "0");

  const ProcessResult rerun = materialize(kLoadOhlcv);
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  EXPECT_EQ(load_counts(rerun), (LoadCounts{kRows, 0, 0})) << rerun.err;
  expect_rows_equal_the_exchange();
  EXPECT_EQ(harness_.lake_files(), lake);
}

}  // namespace
}  // namespace cryptopipe::testing
