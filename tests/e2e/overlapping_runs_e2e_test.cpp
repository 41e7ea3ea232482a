// Runs of one partition that overlap: normal operation under Dagster (a schedule fires while a
// backfill of the same day runs; a retry starts while a slow run is still finishing). Eight
// cryptopipe processes started together on the same partition, on a folder lake with SQLite and
// on an S3 lake with PostgreSQL: every one exits 0, gold equals an undisturbed run's, no lake
// object is overwritten or claimed by a run that did not fetch it, and every manifest names only
// objects that exist. Issue 11: with bronze keys made of fetch time, page number and body hash,
// two runs that fetched the same page in the same millisecond collided and one failed.
#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <nlohmann/json.hpp>

#include "cryptopipe/lake/content_hash.h"
#include "support/lake_audit.h"
#include "support/pipeline_harness.h"
#include "support/postgres_server.h"
#include "support/s3_server.h"

namespace cryptopipe::testing {
namespace {

constexpr int kOverlappingRuns = 8;
// Each run takes a book snapshot of its own (Binance's books carry no exchange time, so ts is
// the fetch time): the runs add snapshots, and the levels they hold are the undisturbed run's.
constexpr const char* kDistinctBookLevels =
    "SELECT DISTINCT exchange, symbol, side, level, price, amount, sequence, ts_source "
    "FROM orderbook_levels ORDER BY exchange, symbol, side, level";
constexpr const char* kAuditStatuses =
    "SELECT status, count(*) FROM run_audit GROUP BY status ORDER BY status";

// Starts kOverlappingRuns runs of `args` at once and waits for all of them.
std::vector<ProcessResult> run_together(const PipelineHarness& harness,
                                        const std::vector<std::string>& args,
                                        const std::map<std::string, std::string>& env = {}) {
  std::vector<std::future<ProcessResult>> runs;
  for (int i = 0; i < kOverlappingRuns; ++i) {
    runs.push_back(std::async(std::launch::async, [&] { return harness.cryptopipe(args, env); }));
  }
  std::vector<ProcessResult> results;
  for (auto& run : runs) results.push_back(run.get());
  return results;
}

// "manifest → key: why" for every page an extraction manifest names that its run did not
// write: the key must carry the manifest's run id and hold bytes whose SHA-256 the key names.
// Together with a store that refuses to replace a key, this shows that no run's page was
// overwritten by another's and that no run took another's page for its own.
std::vector<std::string> pages_not_of_their_run(const LakeObjects& lake) {
  std::vector<std::string> wrong;
  for (const auto& [key, bytes] : lake) {
    if (key.find("/_extractions/") == std::string::npos) continue;
    const nlohmann::json manifest = nlohmann::json::parse(bytes);
    const std::string run_id = manifest.at("run_id").get<std::string>();
    for (const nlohmann::json& page : manifest.at("pages")) {
      const std::string page_key = page.at("key").get<std::string>();
      const auto stored = lake.find(page_key);
      if (stored == lake.end()) continue;  // dangling_references() reports it
      if (page_key.find("-" + run_id + "-") == std::string::npos) {
        wrong.push_back(key + " → " + page_key + ": not a key of run " + run_id);
      }
      const std::string sha12 = page_key.substr(page_key.size() - 17, 12);
      if (lake::sha256_hex(stored->second).substr(0, 12) != sha12) {
        wrong.push_back(key + " → " + page_key + ": bytes other than the fetched ones");
      }
      if (stored->second.size() != page.at("bytes").get<std::size_t>()) {
        wrong.push_back(key + " → " + page_key + ": size differs from the manifest's");
      }
    }
  }
  return wrong;
}

void expect_all_succeeded(const std::vector<ProcessResult>& runs) {
  for (const ProcessResult& run : runs) {
    EXPECT_EQ(run.exit_code, 0) << context_of(run);
    EXPECT_EQ(run.err.find("already exists"), std::string::npos) << context_of(run);
  }
}

using Query = std::function<std::vector<SqlRow>(const std::string& sql)>;

// Gold after two waves of overlapping runs: the candles and tickers of the undisturbed run, the
// levels of its books, and every materialization of every run audited as a success.
void expect_gold_of_the_undisturbed_run(const Query& gold, const Query& undisturbed) {
  const auto ohlcv = gold(kOhlcvValues);
  EXPECT_EQ(ohlcv.size(), 2u * (1440 + 24));
  EXPECT_EQ(ohlcv, undisturbed(kOhlcvValues));
  EXPECT_EQ(gold(kTickerRows), undisturbed(kTickerRows));
  EXPECT_EQ(gold(kDistinctBookLevels), undisturbed(kDistinctBookLevels));
  const std::size_t audited = 2 * kOverlappingRuns * undisturbed("SELECT 1 FROM run_audit").size();
  EXPECT_EQ(gold(kAuditStatuses), (std::vector<SqlRow>{{"success", std::to_string(audited)}}));
}

class OverlappingRuns : public ::testing::Test {
 protected:
  std::vector<std::string> args() const {
    return {"materialize", "--select", "*", "--partition", day_};
  }

  // Every market figure frozen at one instant, so every run sees the same tickers and books.
  Simulator sim_{{"--now-ms", std::to_string(now_ms())}};
  std::string day_ = yesterday_utc();
};

TEST_F(OverlappingRuns, EightRunsOfOnePartitionOnAFolderAndSqliteAllSucceed) {
  PipelineHarness harness(sim_.base_url("binance"));
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  PipelineHarness undisturbed(sim_.base_url("binance"));
  undisturbed.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const ProcessResult reference = undisturbed.cryptopipe(args());
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);

  const std::vector<ProcessResult> first = run_together(harness, args());
  expect_all_succeeded(first);
  const LakeObjects after_first = harness.lake_files();
  // A second wave over the lake the first one left: nothing already stored is touched.
  const std::vector<ProcessResult> second = run_together(harness, args());
  expect_all_succeeded(second);
  const LakeObjects after_second = harness.lake_files();
  EXPECT_EQ(changed_objects(after_first, after_second), std::vector<std::string>{});

  const LakeObjects lake = objects_of(after_second);
  EXPECT_EQ(dangling_references(lake), std::vector<std::string>{});
  EXPECT_EQ(pages_not_of_their_run(lake), std::vector<std::string>{});
  // Every run stored pages of its own: two waves of eight runs, each the undisturbed run's.
  EXPECT_EQ(bronze_pages(lake).size(),
            2 * kOverlappingRuns * bronze_pages(objects_of(undisturbed.lake_files())).size());
  // The folder store's provenance of each page names the run whose key it has.
  for (const std::string& page : bronze_pages(lake)) {
    const nlohmann::json meta = nlohmann::json::parse(after_second.at(".meta/" + page + ".json"));
    EXPECT_NE(page.find("-" + meta.at("run_id").get<std::string>() + "-"), std::string::npos)
        << page;
  }

  expect_gold_of_the_undisturbed_run(
      [&](const std::string& sql) { return harness.query(sql); },
      [&](const std::string& sql) { return undisturbed.query(sql); });
}

TEST_F(OverlappingRuns, EightRunsOfOnePartitionOnS3AndPostgresAllSucceed) {
  S3Server s3;
  PostgresServer postgres;
  postgres.create_database("gold");
  postgres.create_database("undisturbed");
  PipelineHarness harness(sim_.base_url("binance"));
  harness.set_lake("s3://overlapping/lake", /*create_bucket=*/true);
  harness.set_warehouse(postgres.url("gold"));
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  PipelineHarness undisturbed(sim_.base_url("binance"));
  undisturbed.set_lake("s3://undisturbed/lake", /*create_bucket=*/true);
  undisturbed.set_warehouse(postgres.url("undisturbed"));
  undisturbed.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const ProcessResult reference = undisturbed.cryptopipe(args(), s3.aws_env());
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);

  // The bucket is created by the first run that needs it, the schema by the first to connect:
  // the eight race for both.
  const std::vector<ProcessResult> first = run_together(harness, args(), s3.aws_env());
  expect_all_succeeded(first);
  const LakeObjects after_first = s3.objects("overlapping", "lake");
  const std::vector<ProcessResult> second = run_together(harness, args(), s3.aws_env());
  expect_all_succeeded(second);
  const LakeObjects lake = s3.objects("overlapping", "lake");
  EXPECT_EQ(changed_objects(after_first, lake), std::vector<std::string>{});
  EXPECT_EQ(dangling_references(lake), std::vector<std::string>{});
  EXPECT_EQ(pages_not_of_their_run(lake), std::vector<std::string>{});
  EXPECT_EQ(bronze_pages(lake).size(),
            2 * kOverlappingRuns * bronze_pages(s3.objects("undisturbed", "lake")).size());

  const PgSession gold(postgres.url("gold"));
  const PgSession reference_gold(postgres.url("undisturbed"));
  expect_gold_of_the_undisturbed_run(
      [&](const std::string& sql) { return gold.query(sql); },
      [&](const std::string& sql) { return reference_gold.query(sql); });
}

// Regression (issue 11): a run whose audit row could not be written (the warehouse refused it)
// died with SIGABRT and no error line, because the exception escaped a worker thread.
TEST_F(OverlappingRuns, AnAuditRowTheWarehouseRefusesFailsTheAssetWithOneClearLine) {
  PipelineHarness harness(sim_.base_url("binance"));
  harness.write_config({"BTC/USDT"}, {"1h"});
  const std::vector<std::string> extract = {"materialize", "--select", "extract_binance_ohlcv",
                                            "--partition", day_};
  const ProcessResult created = harness.cryptopipe(extract);
  ASSERT_EQ(created.exit_code, 0) << context_of(created);
  {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(harness.warehouse_path().c_str(), &db), SQLITE_OK);
    const int rc = sqlite3_exec(db,
                                "CREATE TRIGGER refuse_audit BEFORE INSERT ON run_audit BEGIN "
                                "SELECT RAISE(ABORT, 'audit refused by a trigger'); END",
                                nullptr, nullptr, nullptr);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK);
  }

  const ProcessResult run = harness.cryptopipe(extract);
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  EXPECT_NE(run.out.find("extract_binance_ohlcv      FAILED"), std::string::npos)
      << context_of(run);
  EXPECT_NE(run.out.find("\n  error: the run audit (table run_audit of sqlite://" +
                         harness.warehouse_path().string() +
                         ") could not record it: "),
            std::string::npos)
      << context_of(run);
  EXPECT_NE(run.out.find("audit refused by a trigger"), std::string::npos) << context_of(run);
  EXPECT_EQ(run.err.find("internal error"), std::string::npos) << context_of(run);
  // What the run fetched was committed before the audit failed: its manifest names its pages.
  EXPECT_EQ(dangling_references(objects_of(harness.lake_files())), std::vector<std::string>{});
}

}  // namespace
}  // namespace cryptopipe::testing
