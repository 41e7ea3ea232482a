// Faults of the S3 lake through the real binary: the server stopped in the middle of a run, and
// a server answering 503 SlowDown, for a while or longer than the retry budget. Each case checks
// the bucket (no manifest naming a missing object, no object rewritten) and the warehouse, and
// that a run that must fail says why in one line naming the endpoint and the bucket, never the
// secret.
#include <gtest/gtest.h>

#include <future>

#include "fault_support.h"
#include "support/faulty_proxy.h"
#include "support/lake_audit.h"
#include "support/pipeline_harness.h"
#include "support/s3_server.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kBucket = "pipeline-lake";
constexpr const char* kPrefix = "crypto";
constexpr const char* kLakeUrl = "s3://pipeline-lake/crypto";
constexpr const char* kTickerValues =
    "SELECT exchange, symbol, ts, ts_source, last, bid, bid_size, ask, ask_size, open, high, low, "
    "base_volume, quote_volume, change_percent FROM tickers ORDER BY exchange, symbol, ts";
// The books carry no exchange time on Binance, so their ts is the fetch time of each run.
constexpr const char* kBookValues =
    "SELECT exchange, symbol, side, level, price, amount, sequence, ts_source "
    "FROM orderbook_levels ORDER BY exchange, symbol, side, level";
constexpr std::size_t kOhlcvRowsPerDay = 2 * (1440 + 24);
// The retry budget of the runs that must fail: the fault outlasts it all the same.
constexpr int kAttempts = 3;

std::string gave_up() { return " (gave up after " + std::to_string(kAttempts) + " attempts)"; }

class StorageFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.set_lake(kLakeUrl, /*create_bucket=*/true);
    harness_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  }

  // The same configuration on a folder lake and a SQLite warehouse of its own, never disturbed.
  std::unique_ptr<PipelineHarness> undisturbed(const std::vector<std::string>& args) const {
    auto reference = std::make_unique<PipelineHarness>(sim_.base_url("binance"));
    reference->write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
    const ProcessResult run = reference->cryptopipe(args);
    EXPECT_EQ(run.exit_code, 0) << context_of(run);
    return reference;
  }

  LakeObjects bucket() const { return server_.objects(kBucket, kPrefix); }

  void expect_no_secret(const ProcessResult& run) const {
    EXPECT_EQ((run.out + run.err).find(server_.secret_key()), std::string::npos)
        << context_of(run);
  }

  // Every market figure frozen at one instant, so two runs see the same tickers and books.
  Simulator sim_{{"--now-ms", std::to_string(now_ms())}};
  S3Server server_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
};

TEST_F(StorageFaults, AServerStoppedMidRunFailsInOneLineAndTheRerunConverges) {
  const std::vector<std::string> args = {"materialize", "--select", kOhlcvChain, "--partition",
                                         day_};
  set_max_attempts(harness_, kAttempts);
  const auto watch = open_s3_lake(server_, kLakeUrl);
  // Each exchange answer takes a second: the run is surely still extracting when the first
  // page is in the bucket, with every 1m series' second page still to come (the server closes
  // its port within milliseconds of SIGTERM).
  sim_.set_faults({{"latency_ms", 1000}});
  auto running = std::async(std::launch::async,
                            [&] { return harness_.cryptopipe(args, server_.aws_env()); });
  ASSERT_TRUE(eventually([&] { return bronze_page_count(*watch) > 0; }));
  server_.stop();
  const ProcessResult failed = running.get();

  EXPECT_EQ(failed.exit_code, 1) << context_of(failed);
  EXPECT_NE(failed.out.find("extract_binance_ohlcv      FAILED"), std::string::npos) << failed.out;
  const std::string error =
      line_with(failed.out, "  error: storage error: PUT bronze/binance/ohlcv/");
  EXPECT_NE(error.find(std::string(kLakeUrl) + " at " + server_.endpoint() +
                       ": the S3 endpoint failed"),
            std::string::npos)
      << context_of(failed);
  EXPECT_NE(error.find("Couldn't connect to server" + gave_up()), std::string::npos) << error;
  EXPECT_NE(failed.out.find("load_ohlcv_to_postgres     skipped"), std::string::npos) << failed.out;
  expect_no_secret(failed);
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "0");

  server_.restart();
  const LakeObjects killed = bucket();
  EXPECT_FALSE(bronze_pages(killed).empty());
  for (const auto& [key, bytes] : killed) {
    // The extraction never completed, so it published no manifest: its pages are never read.
    EXPECT_EQ(key.find("/_extractions/"), std::string::npos) << key;
  }

  sim_.set_faults({{"latency_ms", 0}});
  const ProcessResult rerun = harness_.cryptopipe(args, server_.aws_env());
  ASSERT_EQ(rerun.exit_code, 0) << context_of(rerun);
  const LakeObjects after = bucket();
  EXPECT_EQ(changed_objects(killed, after), std::vector<std::string>{});
  EXPECT_EQ(dangling_references(after), std::vector<std::string>{});
  const auto gold = harness_.query(kOhlcvValues);
  EXPECT_EQ(gold.size(), kOhlcvRowsPerDay);
  EXPECT_EQ(gold, undisturbed(args)->query(kOhlcvValues));
}

// The run reaches the server only through a proxy that makes it busy or loses its answers.
class S3ProxyFaults : public StorageFaults {
 protected:
  std::map<std::string, std::string> proxied_env() const {
    auto env = server_.aws_env();
    env["AWS_ENDPOINT_URL"] = proxy_.endpoint();
    return env;
  }

  FaultyProxy proxy_{server_.port(), [](const std::string&) { return false; }};
};

TEST_F(S3ProxyFaults, AServerSlowingDownThroughoutAWholeRunIsRetriedToTheSameRows) {
  const std::vector<std::string> args = {"materialize", "--select", "*", "--partition", day_};
  proxy_.slow_down_every(3);
  const ProcessResult run = harness_.cryptopipe(args, proxied_env());
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(proxy_.slowed_down(), 10);
  expect_no_secret(run);

  proxy_.slow_down_every(0);
  const LakeObjects lake = bucket();
  EXPECT_EQ(dangling_references(lake), std::vector<std::string>{});
  const auto reference = undisturbed(args);
  EXPECT_EQ(bronze_pages(lake).size(), bronze_pages(objects_of(reference->lake_files())).size());
  const auto ohlcv = harness_.query(kOhlcvValues);
  EXPECT_EQ(ohlcv.size(), kOhlcvRowsPerDay);
  EXPECT_EQ(ohlcv, reference->query(kOhlcvValues));
  const auto tickers = harness_.query(kTickerValues);
  EXPECT_EQ(tickers.size(), 2u);
  EXPECT_EQ(tickers, reference->query(kTickerValues));
  const auto books = harness_.query(kBookValues);
  EXPECT_EQ(books.size(), 2u * 2 * 20);
  EXPECT_EQ(books, reference->query(kBookValues));
}

TEST_F(S3ProxyFaults, ASlowDownStormLongerThanTheRetryBudgetFailsAndLeavesTheWarehouseAsItWas) {
  ASSERT_EQ(harness_.cryptopipe({"materialize", "--select", "*", "--partition", day_},
                                proxied_env())
                .exit_code,
            0);
  const std::vector<std::string> gold_tables = {"ohlcv", "tickers", "orderbook_levels"};
  std::map<std::string, std::vector<SqlRow>> gold;
  for (const std::string& table : gold_tables) {
    gold[table] = harness_.query("SELECT * FROM " + table);
  }
  const LakeObjects lake = bucket();
  const auto watch = open_s3_lake(server_, kLakeUrl);
  const std::size_t pages_before = bronze_page_count(*watch);

  set_max_attempts(harness_, kAttempts);
  // The storm starts once the next day's extraction has stored its first page, and outlasts
  // every retry. At a second an exchange answer, the second page of each 1m series is still to
  // come then, so the extraction cannot complete.
  sim_.set_faults({{"latency_ms", 1000}});
  auto running = std::async(std::launch::async, [&] {
    return harness_.cryptopipe(
        {"materialize", "--select", kOhlcvChain, "--partition", utc_day_ago(2)}, proxied_env());
  });
  ASSERT_TRUE(eventually([&] { return bronze_page_count(*watch) > pages_before; }));
  proxy_.slow_down_next(1'000'000);
  const ProcessResult failed = running.get();
  proxy_.slow_down_next(0);

  EXPECT_EQ(failed.exit_code, 1) << context_of(failed);
  const std::string error = line_with(failed.out, "  error: storage error: ");
  EXPECT_NE(error.find(std::string(kLakeUrl) + " at " + proxy_.endpoint() +
                       ": the S3 endpoint failed"),
            std::string::npos)
      << context_of(failed);
  EXPECT_NE(error.find("HTTP 503 SlowDown" + gave_up()), std::string::npos)
      << error;
  EXPECT_NE(failed.out.find("load_ohlcv_to_postgres     skipped"), std::string::npos) << failed.out;
  expect_no_secret(failed);
  for (const std::string& table : gold_tables) {
    EXPECT_EQ(harness_.query("SELECT * FROM " + table), gold[table]) << table;
  }
  const LakeObjects after = bucket();
  EXPECT_EQ(changed_objects(lake, after), std::vector<std::string>{});
  EXPECT_EQ(dangling_references(after), std::vector<std::string>{});
}

TEST_F(S3ProxyFaults, APageStoredButWhoseAnswerWasLostCountsAsStoredOnTheRetry) {
  const std::vector<std::string> args = {"materialize", "--select", kOhlcvChain, "--partition",
                                         day_};
  proxy_.lose_answers(1, [](const std::string& request_line) {
    return request_line.rfind("PUT /pipeline-lake/crypto/bronze/", 0) == 0;
  });
  const ProcessResult run = harness_.cryptopipe(args, proxied_env());
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_EQ(proxy_.lost_answers(), 1);

  const LakeObjects lake = bucket();
  EXPECT_EQ(dangling_references(lake), std::vector<std::string>{});
  const auto reference = undisturbed(args);
  EXPECT_EQ(bronze_pages(lake).size(), bronze_pages(objects_of(reference->lake_files())).size());
  const auto gold = harness_.query(kOhlcvValues);
  EXPECT_EQ(gold.size(), kOhlcvRowsPerDay);
  EXPECT_EQ(gold, reference->query(kOhlcvValues));
}

}  // namespace
}  // namespace cryptopipe::testing
