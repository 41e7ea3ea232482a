// The whole pipeline with its lake on a real S3 server (SeaweedFS on loopback), through the real
// binary: the same warehouse rows as with the folder lake, and clear errors — without the
// secret — when the bucket, the credentials or the server are wrong.
#include <gtest/gtest.h>


#include "support/pipeline_harness.h"
#include "support/s3_server.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvRows =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume, "
    "trade_count, is_closed FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";
// The books carry no exchange time on Binance, so their ts is the fetch time of each run.
constexpr const char* kBookRows =
    "SELECT exchange, symbol, side, level, price, amount, sequence, ts_source "
    "FROM orderbook_levels ORDER BY exchange, symbol, side, level";

class S3LakeE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.set_lake("s3://pipeline-lake/crypto", /*create_bucket=*/true);
    harness_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  }

  ProcessResult materialize(const PipelineHarness& harness,
                            const std::map<std::string, std::string>& env = {}) const {
    return harness.cryptopipe({"materialize", "--select", "*", "--partition", day_}, env);
  }

  // The secret must appear nowhere a user or a log collector could see it.
  void expect_no_secret(const ProcessResult& run) const {
    for (const std::string& secret : {server_.secret_key(), std::string("wrong-secret-4f1d")}) {
      EXPECT_EQ(run.out.find(secret), std::string::npos) << context_of(run);
      EXPECT_EQ(run.err.find(secret), std::string::npos) << context_of(run);
    }
  }

  // Every market figure frozen at one instant, so two runs see the same tickers and books.
  Simulator sim_{{"--now-ms", std::to_string(now_ms())}};
  S3Server server_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
};

TEST_F(S3LakeE2E, TheWholePipelineOnS3GivesTheSameRowsAsOnAFolder) {
  const ProcessResult on_s3 = materialize(harness_, server_.aws_env());
  ASSERT_EQ(on_s3.exit_code, 0) << context_of(on_s3);
  EXPECT_NE(on_s3.out.find("lake: s3://pipeline-lake/crypto"), std::string::npos) << on_s3.out;
  expect_no_secret(on_s3);

  PipelineHarness on_folder(sim_.base_url("binance"));
  on_folder.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  const ProcessResult folder_run = materialize(on_folder);
  ASSERT_EQ(folder_run.exit_code, 0) << context_of(folder_run);

  const auto ohlcv = harness_.query(kOhlcvRows);
  EXPECT_EQ(ohlcv.size(), 2u * (1440 + 24));
  EXPECT_EQ(ohlcv, on_folder.query(kOhlcvRows));
  const auto tickers = harness_.query(kTickerRows);
  EXPECT_EQ(tickers.size(), 2u);
  EXPECT_EQ(tickers, on_folder.query(kTickerRows));
  const auto books = harness_.query(kBookRows);
  EXPECT_EQ(books.size(), 2u * 2 * 20);
  EXPECT_EQ(books, on_folder.query(kBookRows));

  // The lake is in the bucket, with the same keys as in the folder (run ids and fetch times
  // aside), and nothing is left on the local disk.
  EXPECT_TRUE(harness_.lake_files().empty());
  const auto listed = server_.aws({"s3", "ls", "--recursive", "s3://pipeline-lake/crypto/"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::size_t bronze = 0;
  for (std::size_t at = listed.out.find("crypto/bronze/"); at != std::string::npos;
       at = listed.out.find("crypto/bronze/", at + 1)) {
    ++bronze;
  }
  std::size_t folder_bronze = 0;
  for (const auto& [path, bytes] : on_folder.lake_files()) {
    if (path.rfind("bronze/", 0) == 0) ++folder_bronze;
  }
  EXPECT_EQ(bronze, folder_bronze) << listed.out;

  // A re-run from the lake alone (no exchange) converges to the same rows.
  sim_.stop();
  const ProcessResult replay =
      harness_.cryptopipe({"materialize", "--select", "transform_ohlcv+", "--partition", day_},
                          server_.aws_env());
  ASSERT_EQ(replay.exit_code, 0) << context_of(replay);
  EXPECT_EQ(harness_.query(kOhlcvRows), ohlcv);
}

TEST_F(S3LakeE2E, CredentialsRegionAndEndpointComeFromAnAwsCliProfile) {
  // The profile is written by the AWS CLI itself (`aws configure set`), into files of its own.
  const TempDir aws_home;
  const std::map<std::string, std::string> files = {
      {"AWS_SHARED_CREDENTIALS_FILE", (aws_home.path() / "credentials").string()},
      {"AWS_CONFIG_FILE", (aws_home.path() / "config").string()}};
  for (const auto& [setting, value] :
       std::map<std::string, std::string>{{"aws_access_key_id", server_.access_key()},
                                          {"aws_secret_access_key", server_.secret_key()},
                                          {"region", "us-east-1"},
                                          {"endpoint_url", server_.endpoint()}}) {
    const ProcessResult set =
        run_process({"/usr/bin/aws", "configure", "set", setting, value, "--profile", "lake"},
                    files);
    ASSERT_EQ(set.exit_code, 0) << set.err;
  }
  // No AWS_* variable but the profile's name and files reaches the run (the harness sees to it).
  auto env = files;
  env["AWS_PROFILE"] = "lake";
  const ProcessResult run = harness_.cryptopipe(
      {"materialize", "--select", "extract_binance_ohlcv", "--partition", day_}, env);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  expect_no_secret(run);
  EXPECT_FALSE(server_.objects("pipeline-lake", "crypto/bronze/binance/ohlcv/").empty());

  env["AWS_PROFILE"] = "nobody";
  const ProcessResult unknown = harness_.cryptopipe(
      {"materialize", "--select", "extract_binance_ohlcv", "--partition", day_}, env);
  EXPECT_EQ(unknown.exit_code, 2) << context_of(unknown);
  EXPECT_NE(unknown.err.find("AWS_PROFILE 'nobody'"), std::string::npos) << context_of(unknown);
}

TEST_F(S3LakeE2E, AWrongSecretExitsWithAClearLineAndNoSecret) {
  auto env = server_.aws_env();
  env["AWS_SECRET_ACCESS_KEY"] = "wrong-secret-4f1d";
  const ProcessResult run = materialize(harness_, env);
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("cryptopipe: error: opening the lake on s3://pipeline-lake/crypto at " +
                         server_.endpoint()),
            std::string::npos)
      << context_of(run);
  EXPECT_NE(run.err.find("check AWS_SECRET_ACCESS_KEY"), std::string::npos) << context_of(run);
  expect_no_secret(run);
  EXPECT_EQ(sim_.stats()["total"], 0) << "nothing is fetched when the lake cannot be opened";
}

TEST_F(S3LakeE2E, AMissingBucketExitsWithAClearLineUnlessCreationIsAsked) {
  harness_.set_lake("s3://no-such-bucket/crypto", /*create_bucket=*/false);
  harness_.write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult run = materialize(harness_, server_.aws_env());
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("bucket 'no-such-bucket' does not exist"), std::string::npos)
      << context_of(run);
  EXPECT_NE(run.err.find(server_.endpoint()), std::string::npos) << context_of(run);
  EXPECT_NE(run.err.find("lake_create_bucket: true"), std::string::npos) << context_of(run);
  expect_no_secret(run);
}

TEST_F(S3LakeE2E, AStoppedServerExitsWithAClearLineNamingTheEndpoint) {
  server_.stop();
  const ProcessResult run = materialize(harness_, server_.aws_env());
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("s3://pipeline-lake/crypto at " + server_.endpoint()), std::string::npos)
      << context_of(run);
  EXPECT_NE(run.err.find("the S3 endpoint failed"), std::string::npos) << context_of(run);
  EXPECT_NE(run.err.find("Couldn't connect to server"), std::string::npos) << context_of(run);
  expect_no_secret(run);
}

}  // namespace
}  // namespace cryptopipe::testing
