// Known secrets — the S3 secret key, the PostgreSQL password and the failure webhook's token —
// set for runs that succeed and runs that fail, appear nowhere in what the runs leave behind:
// stdout, stderr, every lake object (its bytes and its metadata) and every warehouse row of every
// table. Each secret is searched raw, URL-encoded and base64-encoded.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "cryptopipe/net/http_client.h"

#include "support/pipeline_harness.h"
#include "support/postgres_server.h"
#include "support/s3_server.h"

namespace cryptopipe::testing {
namespace {

namespace fs = std::filesystem;

constexpr const char* kBucket = "secret-lake";
constexpr const char* kWebhookToken = "T0KEN-whk-7c1f9e3a5b2d4c6e8f0a1b3c5d7e9f2a";

std::string base64(const std::string& text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(text[i]) << 16) |
                       (static_cast<unsigned char>(text[i + 1]) << 8) |
                       static_cast<unsigned char>(text[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  // The unpadded prefix is enough to find the secret in any base64 text that starts with it.
  return out;
}

class SecretsE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_.create_database("gold");
    secrets_ = {{"S3 secret key", s3_.secret_key()},
                {"PostgreSQL password", pg_.password()},
                {"webhook token", kWebhookToken}};
    harness_.set_lake(std::string("s3://") + kBucket + "/lake", true);
    // The password only in the environment, as a deployment passes it (PGPASSWORD).
    harness_.set_warehouse("postgresql://" + std::string(PostgresServer::kUser) + "@127.0.0.1:" +
                           std::to_string(pg_.port()) + "/gold");
    harness_.write_config({"BTC/USDT"}, {"1h"});
  }

  std::map<std::string, std::string> env() const {
    auto variables = s3_.aws_env();
    variables["PGPASSWORD"] = pg_.password();
    variables["CRYPTOPIPE_ALERT_WEBHOOK_URL"] =
        std::string("https://hooks.example.com/services/") + kWebhookToken + "?token=" + kWebhookToken;
    variables["CRYPTOPIPE_LOG_LEVEL"] = "debug";
    return variables;
  }

  ProcessResult run(const std::map<std::string, std::string>& changes = {},
                    const std::string& select = "*") {
    auto variables = env();
    for (const auto& [name, value] : changes) variables[name] = value;
    ProcessResult result = harness_.cryptopipe(
        {"materialize", "--select", select, "--partition", yesterday_utc()}, variables);
    outputs_.push_back({"run " + std::to_string(outputs_.size() + 1) + " stdout", result.out});
    outputs_.push_back({"run " + std::to_string(outputs_.size()) + " stderr", result.err});
    return result;
  }

  // Every object of the bucket with its metadata, read with the AWS CLI.
  void collect_lake() {
    TempDir copy;
    const ProcessResult sync =
        s3_.aws({"s3", "sync", std::string("s3://") + kBucket, copy.path().string()});
    ASSERT_EQ(sync.exit_code, 0) << context_of(sync);
    const ProcessResult listing =
        s3_.aws({"s3api", "list-objects-v2", "--bucket", kBucket, "--output", "json"});
    ASSERT_EQ(listing.exit_code, 0) << context_of(listing);
    const auto objects = nlohmann::json::parse(listing.out).value("Contents", nlohmann::json::array());
    ASSERT_GT(objects.size(), 0u);
    for (const auto& object : objects) {
      const std::string key = object.at("Key");
      std::ifstream in(copy.path() / key, std::ios::binary);
      ASSERT_TRUE(in) << key;
      outputs_.push_back({"lake object " + key, std::string((std::istreambuf_iterator<char>(in)),
                                                            std::istreambuf_iterator<char>())});
      const ProcessResult head =
          s3_.aws({"s3api", "head-object", "--bucket", kBucket, "--key", key, "--output", "json"});
      ASSERT_EQ(head.exit_code, 0) << context_of(head);
      outputs_.push_back({"metadata of " + key, head.out});
    }
    lake_objects_ = objects.size();
  }

  // Every row of every table in the warehouse database, as PostgreSQL's text of the row.
  void collect_warehouse() {
    const PgSession session(pg_.url("gold"));
    const auto tables = session.query(
        "SELECT table_schema || '.' || table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')");
    ASSERT_GT(tables.size(), 0u);
    for (const auto& table : tables) {
      for (const auto& row : session.query("SELECT t::text FROM " + table.at(0) + " t")) {
        outputs_.push_back({"warehouse row of " + table.at(0), row.at(0)});
        ++warehouse_rows_;
      }
    }
  }

  void expect_no_secret_anywhere() const {
    for (const auto& [secret_name, secret] : secrets_) {
      for (const std::string& form : {secret, net::url_encode(secret), base64(secret)}) {
        for (const auto& [where, text] : outputs_) {
          EXPECT_EQ(text.find(form), std::string::npos)
              << "the " << secret_name << " (as '" << form << "') is in " << where;
        }
      }
    }
  }

  Simulator sim_;
  S3Server s3_;
  PostgresServer pg_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::vector<std::pair<std::string, std::string>> secrets_;
  std::vector<std::pair<std::string, std::string>> outputs_;  // where → bytes
  std::size_t lake_objects_ = 0;
  std::size_t warehouse_rows_ = 0;
};

TEST_F(SecretsE2E, NoSecretInOutputLakeOrWarehouseOfRunsThatSucceedAndFail) {
  // A run that succeeds, all assets: bronze, silver, gold and the run audit.
  const ProcessResult ok = run();
  ASSERT_EQ(ok.exit_code, 0) << context_of(ok);

  // Runs that fail, each with its own error message: a bucket that does not exist, a wrong S3
  // secret, a wrong database password, the exchange failing, PostgreSQL restarted during a load.
  harness_.set_lake("s3://no-such-bucket-here/lake");
  harness_.write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult missing = run();
  EXPECT_EQ(missing.exit_code, 2) << context_of(missing);
  EXPECT_NE(missing.err.find("no-such-bucket-here"), std::string::npos) << context_of(missing);

  harness_.set_lake(std::string("s3://") + kBucket + "/lake", true);
  harness_.write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult bad_signature =
      run({{"AWS_SECRET_ACCESS_KEY", s3_.secret_key() + "-wrong"}});
  EXPECT_EQ(bad_signature.exit_code, 2) << context_of(bad_signature);
  secrets_.push_back({"wrong S3 secret key", s3_.secret_key() + "-wrong"});

  const ProcessResult bad_password = run({{"PGPASSWORD", pg_.password() + "-wrong"}});
  EXPECT_NE(bad_password.exit_code, 0) << context_of(bad_password);
  EXPECT_NE(bad_password.err.find("password authentication failed"), std::string::npos)
      << context_of(bad_password);
  secrets_.push_back({"wrong PostgreSQL password", pg_.password() + "-wrong"});

  // The password in the URL of the configuration file too, with the server refusing it.
  harness_.set_warehouse("postgresql://" + std::string(PostgresServer::kUser) + ":" +
                         pg_.password() + "-url@127.0.0.1:" + std::to_string(pg_.port()) + "/gold");
  harness_.write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult bad_url_password = run();
  EXPECT_NE(bad_url_password.exit_code, 0) << context_of(bad_url_password);
  secrets_.push_back({"PostgreSQL password in the URL", pg_.password() + "-url"});

  harness_.set_warehouse(pg_.url("gold"));
  harness_.write_config({"BTC/USDT"}, {"1h"});
  sim_.set_faults({{"malformed_rate", 1.0}});
  const ProcessResult exchange_broken = run();
  EXPECT_EQ(exchange_broken.exit_code, 1) << context_of(exchange_broken);
  sim_.set_faults({{"malformed_rate", 0.0}});

  std::thread restarter([this] { pg_.restart(); });
  const ProcessResult restarted = run();
  restarter.join();
  // Depending on when the restart lands: success, a failed load, or no warehouse; never a crash.
  EXPECT_LE(restarted.exit_code, 2) << context_of(restarted);

  collect_lake();
  collect_warehouse();
  EXPECT_GT(warehouse_rows_, 24u) << "the warehouse holds the loaded rows and the run audit";
  expect_no_secret_anywhere();
}

// The search itself finds a secret where one is.
TEST(SecretSearch, FindsEveryForm) {
  const std::string secret = "s3cr3t/with+odd=chars";
  EXPECT_NE(("x" + net::url_encode(secret)).find("s3cr3t%2Fwith%2Bodd%3Dchars"), std::string::npos);
  EXPECT_EQ(base64("abcdef"), "YWJjZGVm");
}

}  // namespace
}  // namespace cryptopipe::testing
