// The cryptopipe binary as a Dagster Pipes external process, launched the way
// PipesSubprocessClient launches it (bootstrap variables, a context file, a messages file),
// without Dagster: what it reads, what it writes, and that it never fails silently.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "cryptopipe/pipes/encoding.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kDagsterRunId = "0b5e3f5c-8a3e-4c1e-9d0c-3f1e2d4c5b6a";

class PipesE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.write_config({"BTC/USDT"}, {"1h"});
    std::ofstream(messages_path()).flush();
  }

  std::filesystem::path messages_path() const { return harness_.dir() / "messages"; }

  std::map<std::string, std::string> pipes_env(const nlohmann::json& context) const {
    std::ofstream(harness_.dir() / "context") << context.dump();
    return {{"DAGSTER_PIPES_CONTEXT",
             pipes::encode_param({{"path", (harness_.dir() / "context").string()}})},
            {"DAGSTER_PIPES_MESSAGES", pipes::encode_param({{"path", messages_path().string()}})}};
  }

  static nlohmann::json context_for(const std::vector<std::string>& keys,
                                    const nlohmann::json& partition,
                                    const nlohmann::json& extras = nlohmann::json::object()) {
    return {{"asset_keys", keys},        {"partition_key", partition}, {"run_id", kDagsterRunId},
            {"job_name", "__ASSET_JOB"}, {"retry_number", 0},          {"extras", extras}};
  }

  std::vector<nlohmann::json> messages() const {
    std::ifstream in(messages_path());
    std::vector<nlohmann::json> out;
    for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
    return out;
  }

  static std::vector<std::string> methods(const std::vector<nlohmann::json>& messages) {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.at("method"));
    return out;
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url("binance")};
};

TEST_F(PipesE2E, TheContextDrivesTheRunAndTheResultsGoBack) {
  const std::string day = yesterday_utc();
  const auto run = harness_.cryptopipe(
      {"materialize"}, pipes_env(context_for({"extract_binance_ohlcv", "transform_ohlcv"}, day)));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  const auto sent = messages();
  ASSERT_GE(sent.size(), 4u);
  EXPECT_EQ(sent.front().at("method"), "opened");
  EXPECT_EQ(sent.back().at("method"), "closed");
  EXPECT_EQ(sent.back().at("params"), nlohmann::json::object());
  std::map<std::string, nlohmann::json> materialized;
  std::set<std::string> checks;
  std::size_t logs = 0;
  for (const auto& message : sent) {
    const nlohmann::json& params = message.at("params");
    if (message.at("method") == "report_asset_materialization") {
      materialized[params.at("asset_key")] = params.at("metadata");
    } else if (message.at("method") == "report_asset_check") {
      checks.insert(params.at("check_name").get<std::string>());
      EXPECT_EQ(params.at("asset_key"), "transform_ohlcv");
    } else if (message.at("method") == "log") {
      ++logs;
    }
  }
  ASSERT_EQ(materialized.size(), 2u);
  EXPECT_EQ(materialized["transform_ohlcv"].at("rows"),
            nlohmann::json({{"raw_value", 24}, {"type", "int"}}));
  EXPECT_EQ(materialized["transform_ohlcv"].at("seconds").at("type"), "float");
  EXPECT_EQ(materialized["transform_ohlcv"].at("silver_manifest").at("type"), "path");
  EXPECT_EQ(materialized["extract_binance_ohlcv"].at("lake").at("type"), "url");
  EXPECT_EQ(checks,
            (std::set<std::string>{"ohlcv_no_gaps", "ohlcv_no_rejects", "ohlcv_no_duplicates"}));
  EXPECT_LE(logs, 10u);  // milestones, not a line per request or row

  const auto audit = harness_.query("SELECT DISTINCT run_id FROM run_audit");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_TRUE(audit[0][0].ends_with(std::string("-") + kDagsterRunId)) << audit[0][0];
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "0");  // load was not selected
}

TEST_F(PipesE2E, APartitionRangeComesThroughExtras) {
  const std::string first = utc_day_ago(3);
  const std::string last = utc_day_ago(2);
  const auto run = harness_.cryptopipe(
      {"materialize"},
      pipes_env(context_for({"extract_binance_ohlcv", "transform_ohlcv", "load_ohlcv_to_postgres"},
                            nullptr, {{"partition_range", {{"start", first}, {"end", last}}}})));
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "48");
  const auto sent = messages();
  for (const auto& message : sent) {
    if (message.at("method") == "report_asset_materialization" &&
        message.at("params").at("asset_key") == "load_ohlcv_to_postgres") {
      EXPECT_EQ(message.at("params").at("metadata").at("partitions").at("raw_value"), 2);
    }
  }
}

TEST_F(PipesE2E, AFailedAssetClosesWithTheErrorAndExitsNonZero) {
  Simulator failing({"--error-rate", "1"});
  PipelineHarness harness(failing.base_url("binance"));
  harness.write_config({"BTC/USDT"}, {"1h"});
  std::ofstream(harness.config_path(), std::ios::app) << "http:\n  max_attempts: 1\n";
  std::ofstream(harness.dir() / "messages").flush();
  std::ofstream(harness.dir() / "context")
      << context_for({"extract_binance_ohlcv"}, yesterday_utc()).dump();
  const auto run = harness.cryptopipe(
      {"materialize"}, {{"DAGSTER_PIPES_CONTEXT",
                         pipes::encode_param({{"path", (harness.dir() / "context").string()}})},
                        {"DAGSTER_PIPES_MESSAGES",
                         pipes::encode_param({{"path", (harness.dir() / "messages").string()}})}});
  EXPECT_EQ(run.exit_code, 1) << run.out << run.err;
  std::ifstream in(harness.dir() / "messages");
  std::string line, last;
  bool error_logged = false;
  while (std::getline(in, line)) {
    const auto message = nlohmann::json::parse(line);
    EXPECT_NE(message.at("method"), "report_asset_materialization");
    if (message.at("method") == "log" && message.at("params").at("level") == "ERROR")
      error_logged = true;
    last = line;
  }
  EXPECT_TRUE(error_logged);
  const auto closed = nlohmann::json::parse(last);
  ASSERT_EQ(closed.at("method"), "closed");
  const std::string message = closed.at("params").at("exception").at("message");
  EXPECT_NE(message.find("extract_binance_ohlcv failed: transient error:"), std::string::npos)
      << message;
}

TEST_F(PipesE2E, WithoutTheVariablesItRunsStandaloneAndSilent) {
  const auto run = harness_.cryptopipe(
      {"materialize", "--select", "extract_binance_ohlcv", "--partition", yesterday_utc()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(messages().empty());
  EXPECT_EQ(run.out.find("__dagster_pipes_version"), std::string::npos);
  EXPECT_EQ(run.err.find("__dagster_pipes_version"), std::string::npos);
}

// A process that ignored unusable variables would show as a green step in Dagster.
TEST_F(PipesE2E, UnusableVariablesAreAClearErrorNeverASilentSuccess) {
  const auto good_messages = pipes::encode_param({{"path", messages_path().string()}});
  const auto good_context =
      pipes::encode_param({{"data", context_for({"extract_binance_ohlcv"}, yesterday_utc())}});
  struct Case {
    std::map<std::string, std::string> env;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{{"DAGSTER_PIPES_CONTEXT", "{\"path\": \"/tmp/x\"}"},
        {"DAGSTER_PIPES_MESSAGES", good_messages}},
       "DAGSTER_PIPES_CONTEXT: bad base64"},
      {{{"DAGSTER_PIPES_CONTEXT", good_context}},
       "DAGSTER_PIPES_CONTEXT is set but DAGSTER_PIPES_MESSAGES is not"},
      {{{"DAGSTER_PIPES_CONTEXT", pipes::encode_param({{"path", "/nonexistent/context"}})},
        {"DAGSTER_PIPES_MESSAGES", good_messages}},
       "cannot read /nonexistent/context"},
      {{{"DAGSTER_PIPES_CONTEXT", good_context},
        {"DAGSTER_PIPES_MESSAGES", pipes::encode_param({{"path", "/nonexistent/messages"}})}},
       "cannot open /nonexistent/messages"},
      {{{"DAGSTER_PIPES_CONTEXT", good_context},
        {"DAGSTER_PIPES_MESSAGES", pipes::encode_param({{"bucket", "b"}, {"key_prefix", "p"}})}},
       "unsupported message channel"},
  };
  for (const Case& c : cases) {
    const auto run = harness_.cryptopipe({"materialize"}, c.env);
    EXPECT_EQ(run.exit_code, 2) << c.says;
    EXPECT_NE(run.err.find(c.says), std::string::npos) << run.err;
  }
  EXPECT_FALSE(std::filesystem::exists(harness_.lake_dir() / "bronze"));
}

TEST_F(PipesE2E, FlagsThatContradictTheContextAreRefused) {
  const auto env = pipes_env(context_for({"extract_binance_ohlcv"}, yesterday_utc()));
  auto run = harness_.cryptopipe({"materialize", "--partition", utc_day_ago(2)}, env);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("the partition comes from Dagster's Pipes context"), std::string::npos)
      << run.err;
  run = harness_.cryptopipe({"materialize", "--select", "transform_ohlcv"}, env);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("not an asset of this Dagster step"), std::string::npos) << run.err;
  // Both runs told Dagster why before exiting.
  const auto sent = messages();
  ASSERT_EQ(methods(sent), (std::vector<std::string>{"opened", "closed", "opened", "closed"}));
  EXPECT_TRUE(sent[1].at("params").contains("exception"));
}

// Dagster cancels a run with SIGINT: the engine says so in closed and exits promptly.
TEST_F(PipesE2E, ACancelledRunClosesWithTheSignalAndExits130) {
  Simulator slow({"--latency-ms", "5000"});
  PipelineHarness harness(slow.base_url("binance"));
  harness.write_config({"BTC/USDT"}, {"1h"});
  const std::filesystem::path messages = harness.dir() / "messages";
  std::ofstream(messages).flush();
  std::ofstream(harness.dir() / "context")
      << context_for({"extract_binance_ohlcv"}, yesterday_utc()).dump();
  SpawnOptions options;
  options.working_dir = harness.dir().string();
  options.env_overrides = {
      {"DAGSTER_PIPES_CONTEXT",
       pipes::encode_param({{"path", (harness.dir() / "context").string()}})},
      {"DAGSTER_PIPES_MESSAGES", pipes::encode_param({{"path", messages.string()}})},
      {"CRYPTOPIPE_CONFIG", harness.config_path().string()}};
  ChildProcess engine({build_path("cryptopipe"), "materialize"}, options);
  for (int i = 0; i < 100 && std::filesystem::file_size(messages) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_GT(std::filesystem::file_size(messages), 0u) << "no opened message";
  engine.send_signal(SIGINT);
  const std::optional<int> exit_code = engine.wait_for(10'000);
  ASSERT_TRUE(exit_code) << "still running 10 s after SIGINT";
  EXPECT_EQ(*exit_code, 130);
  std::ifstream in(messages);
  std::string line, last;
  while (std::getline(in, line)) last = line;
  const auto closed = nlohmann::json::parse(last);
  ASSERT_EQ(closed.at("method"), "closed");
  const std::string message = closed.at("params").at("exception").at("message");
  EXPECT_NE(message.find("SIGINT"), std::string::npos) << message;
}

}  // namespace
}  // namespace cryptopipe::testing
