// SIGKILL of cryptopipe in the middle of a run, on a folder lake with SQLite and on an S3 lake
// with PostgreSQL: nothing the killed run stored is rewritten, no manifest names a missing
// object, and a re-run exits 0 with exactly the gold rows of an undisturbed run in a lake and a
// warehouse of its own.
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>

#include "fault_support.h"
#include "support/lake_audit.h"
#include "support/pipeline_harness.h"
#include "support/postgres_server.h"
#include "support/s3_server.h"

namespace cryptopipe::testing {
namespace {

// Three days of BTC/USDT and ETH/USDT, 1m and 1h.
constexpr std::size_t kOhlcvRows = 3 * 2 * (1440 + 24);
// Pages stored before the kill: the run is well under way, and (at 300 ms an answer, 18 pages
// in all) far from done.
constexpr std::size_t kPagesBeforeKill = 4;

class CrashFaults : public ::testing::Test {
 protected:
  void SetUp() override { sim_.set_faults({{"latency_ms", 300}}); }

  std::vector<std::string> run_args() const {
    return {"materialize", "--select", kOhlcvChain, "--from", utc_day_ago(4), "--to",
            utc_day_ago(2)};
  }

  // Starts the run, waits until `pages()` reaches kPagesBeforeKill, kills it with SIGKILL and
  // makes sure it was still running then. Later runs get answers without delay.
  void kill_mid_run(const PipelineHarness& harness, const std::map<std::string, std::string>& env,
                    const std::function<std::size_t()>& pages) {
    const auto run = harness.start_cryptopipe(run_args(), env);
    ASSERT_TRUE(eventually([&] { return pages() >= kPagesBeforeKill || run->wait_for(0); }));
    run->send_signal(SIGKILL);
    ASSERT_EQ(run->wait(), 128 + SIGKILL) << "the run ended before it could be killed";
    sim_.set_faults({{"latency_ms", 0}});
  }

  Simulator sim_;
};

TEST_F(CrashFaults, AKilledRunOnAFolderAndSqliteIsRerunToTheUndisturbedRows) {
  PipelineHarness harness(sim_.base_url("binance"));
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  kill_mid_run(harness, {}, [&] { return bronze_pages(objects_of(harness.lake_files())).size(); });
  // Every file of the lake, the store's own metadata and temporary files included.
  const LakeObjects killed = harness.lake_files();
  ASSERT_GE(bronze_pages(objects_of(killed)).size(), kPagesBeforeKill);
  EXPECT_EQ(dangling_references(objects_of(killed)), std::vector<std::string>{});

  const ProcessResult rerun = harness.cryptopipe(run_args());
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  const LakeObjects after = harness.lake_files();
  EXPECT_EQ(changed_objects(killed, after), std::vector<std::string>{});
  EXPECT_EQ(dangling_references(objects_of(after)), std::vector<std::string>{});

  PipelineHarness undisturbed(sim_.base_url("binance"));
  undisturbed.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const ProcessResult reference = undisturbed.cryptopipe(run_args());
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);
  const auto gold = harness.query(kOhlcvValues);
  EXPECT_EQ(gold.size(), kOhlcvRows);
  EXPECT_EQ(gold, undisturbed.query(kOhlcvValues));
}

TEST_F(CrashFaults, AKilledRunOnS3AndPostgresIsRerunToTheUndisturbedRows) {
  S3Server s3;
  PostgresServer postgres;
  postgres.create_database("gold");
  postgres.create_database("undisturbed");
  PipelineHarness harness(sim_.base_url("binance"));
  harness.set_lake("s3://killed-run/lake", /*create_bucket=*/true);
  harness.set_warehouse(postgres.url("gold"));
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const auto watch = open_s3_lake(s3, "s3://killed-run/lake");
  kill_mid_run(harness, s3.aws_env(), [&] { return bronze_page_count(*watch); });
  const LakeObjects killed = s3.objects("killed-run", "lake");
  ASSERT_GE(bronze_pages(killed).size(), kPagesBeforeKill);
  EXPECT_EQ(dangling_references(killed), std::vector<std::string>{});

  const ProcessResult rerun = harness.cryptopipe(run_args(), s3.aws_env());
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  const LakeObjects after = s3.objects("killed-run", "lake");
  EXPECT_EQ(changed_objects(killed, after), std::vector<std::string>{});
  EXPECT_EQ(dangling_references(after), std::vector<std::string>{});

  PipelineHarness undisturbed(sim_.base_url("binance"));
  undisturbed.set_lake("s3://undisturbed/lake", /*create_bucket=*/true);
  undisturbed.set_warehouse(postgres.url("undisturbed"));
  undisturbed.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const ProcessResult reference = undisturbed.cryptopipe(run_args(), s3.aws_env());
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);
  const auto gold = PgSession(postgres.url("gold")).query(kOhlcvValues);
  EXPECT_EQ(gold.size(), kOhlcvRows);
  EXPECT_EQ(gold, PgSession(postgres.url("undisturbed")).query(kOhlcvValues));
}

}  // namespace
}  // namespace cryptopipe::testing
