#include "cryptopipe/pipes/session.h"

#include <gtest/gtest.h>

#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "cryptopipe/pipes/encoding.h"
#include "unit/test_helpers.h"

namespace cryptopipe::pipes {
namespace {

const nlohmann::json kContext = nlohmann::json::parse(R"({
  "asset_keys": ["extract_binance_ohlcv", "transform_ohlcv"],
  "code_version_by_asset_key": {"extract_binance_ohlcv": null, "transform_ohlcv": null},
  "provenance_by_asset_key": {"extract_binance_ohlcv": null, "transform_ohlcv": null},
  "partition_key": "2026-11-25",
  "partition_key_range": {"start": "2026-11-25", "end": "2026-11-25"},
  "partition_time_window": {"start": "2026-11-25T00:00:00+00:00", "end": "2026-11-26T00:00:00+00:00"},
  "run_id": "6f1c2d3e-0000-4000-8000-000000000000", "job_name": "__ASSET_JOB", "retry_number": 2,
  "extras": {"partition_range": {"start": "2026-11-01", "end": "2026-11-03"}, "nothing": null},
  "a_key_from_a_later_protocol": 1})");

std::vector<nlohmann::json> messages_in(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<nlohmann::json> out;
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// A session writing to a messages file in a scratch folder, as PipesSubprocessClient sets up.
struct FileSession {
  unit::ScratchDir dir;
  std::filesystem::path messages = dir.path() / "messages";
  std::unique_ptr<PipesSession> session;

  explicit FileSession(const nlohmann::json& context = kContext) {
    std::ofstream(dir.path() / "context") << context.dump();
    std::ofstream(messages).flush();
    session = PipesSession::open(encode_param({{"path", (dir.path() / "context").string()}}),
                                 encode_param({{"path", messages.string()}}));
  }
};

TEST(PipesContext, ReadsEveryFieldAndIgnoresUnknownOnes) {
  const PipesContext context = PipesContext::from_json(kContext);
  ASSERT_TRUE(context.asset_keys);
  EXPECT_EQ(*context.asset_keys,
            (std::vector<std::string>{"extract_binance_ohlcv", "transform_ohlcv"}));
  EXPECT_EQ(context.partition_key, "2026-11-25");
  ASSERT_TRUE(context.partition_key_range);
  EXPECT_EQ(context.partition_key_range->end, "2026-11-25");
  ASSERT_TRUE(context.partition_time_window);
  EXPECT_EQ(context.partition_time_window->start, "2026-11-25T00:00:00+00:00");
  EXPECT_EQ(context.run_id, "6f1c2d3e-0000-4000-8000-000000000000");
  EXPECT_EQ(context.job_name, "__ASSET_JOB");
  EXPECT_EQ(context.retry_number, 2);
  ASSERT_NE(context.extra("partition_range"), nullptr);
  EXPECT_EQ(context.extra("partition_range")->at("start"), "2026-11-01");
  EXPECT_EQ(context.extra("nothing"), nullptr);
  EXPECT_EQ(context.extra("absent"), nullptr);
}

TEST(PipesContext, NullsMeanAbsent) {
  const PipesContext context = PipesContext::from_json({{"asset_keys", nullptr},
                                                        {"partition_key", nullptr},
                                                        {"partition_key_range", nullptr},
                                                        {"partition_time_window", nullptr},
                                                        {"run_id", "r"},
                                                        {"job_name", nullptr},
                                                        {"retry_number", 0},
                                                        {"extras", nlohmann::json::object()}});
  EXPECT_FALSE(context.asset_keys);
  EXPECT_FALSE(context.partition_key);
  EXPECT_FALSE(context.partition_key_range);
  EXPECT_FALSE(context.partition_time_window);
  EXPECT_FALSE(context.job_name);
}

TEST(PipesContext, RejectsAMissingRunIdAndWrongTypes) {
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesContext::from_json({{"asset_keys", {"a"}}});
      },
      ErrorKind::kConfig, {"run_id is missing"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesContext::from_json({{"run_id", "r"}, {"partition_key", 5}});
      },
      ErrorKind::kConfig, {"partition_key"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesContext::from_json({{"run_id", "r"}, {"partition_key_range", {{"start", "a"}}}});
      },
      ErrorKind::kConfig, {"partition_key_range"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesContext::from_json({{"run_id", "r"}, {"extras", {1, 2}}});
      },
      ErrorKind::kConfig, {"extras"}));
}

TEST(LoadContext, InlineDataAndFilesAndNothingElse) {
  EXPECT_EQ(load_context({{"data", kContext}}).run_id, "6f1c2d3e-0000-4000-8000-000000000000");
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        load_context({{"path", "/nonexistent/context"}});
      },
      ErrorKind::kConfig, {"cannot read /nonexistent/context"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        load_context({{"bucket", "b"}, {"key", "k"}});
      },
      ErrorKind::kConfig, {"no path and no data", "bucket, key"}));
  unit::ScratchDir dir;
  std::ofstream(dir.path() / "context") << "{not json";
  EXPECT_TRUE(unit::ThrowsError(
      [&] {
        load_context({{"path", (dir.path() / "context").string()}});
      },
      ErrorKind::kConfig, {"does not hold JSON"}));
}

TEST(OpenChannel, FileStdioBufferedOrAClearError) {
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        open_channel({{"path", "/nonexistent/messages"}});
      },
      ErrorKind::kConfig, {"cannot open /nonexistent/messages"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        open_channel({{"stdio", "stdlog"}});
      },
      ErrorKind::kConfig, {"stdio", "stdout"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        open_channel({{"bucket", "b"}, {"key_prefix", "p"}});
      },
      ErrorKind::kConfig, {"unsupported message channel"}));
  EXPECT_NE(open_channel({{"stdio", "stderr"}}), nullptr);
  EXPECT_NE(open_channel({{"buffered_stdio", "stdout"}}), nullptr);
}

TEST(PipesSession, OpenedFirstThenReportsThenClosedLast) {
  FileSession file;
  file.session->log(LogLevel::kWarn, "slow exchange");
  file.session->report_materialization(
      "transform_ohlcv", {{"rows", MetadataValue::integer(2880)},
                          {"seconds", MetadataValue::floating(1.0)},
                          {"note", MetadataValue::text("caf\u00e9")},
                          {"manifest", MetadataValue::path("/lake/silver/manifest.json")},
                          {"lake", MetadataValue::url("file:///lake")},
                          {"summary", MetadataValue::markdown("| rows |\n|---|\n| 1 |")},
                          {"at", MetadataValue::timestamp(1764028800.5)},
                          {"reasons", MetadataValue::json({{"duplicate", 0}})}});
  file.session->report_check("transform_ohlcv", "ohlcv_no_gaps", false, CheckSeverity::kWarn,
                             {{"missing_candles", MetadataValue::integer(3)}});
  file.session->close();

  const auto messages = messages_in(file.messages);
  ASSERT_EQ(messages.size(), 5u);
  for (const auto& message : messages) {
    EXPECT_EQ(message.size(), 3u) << message;
    EXPECT_EQ(message.at("__dagster_pipes_version"), "0.1");
  }
  EXPECT_EQ(messages[0].at("method"), "opened");
  EXPECT_EQ(messages[0].at("params"), nlohmann::json({{"extras", nlohmann::json::object()}}));
  EXPECT_EQ(messages[1].at("params"),
            nlohmann::json({{"message", "slow exchange"}, {"level", "WARNING"}}));
  const nlohmann::json& materialization = messages[2].at("params");
  EXPECT_EQ(messages[2].at("method"), "report_asset_materialization");
  EXPECT_EQ(materialization.at("asset_key"), "transform_ohlcv");
  EXPECT_TRUE(materialization.at("data_version").is_null());
  const nlohmann::json& metadata = materialization.at("metadata");
  EXPECT_EQ(metadata.at("rows"), nlohmann::json({{"raw_value", 2880}, {"type", "int"}}));
  EXPECT_EQ(metadata.at("seconds").at("type"), "float");
  EXPECT_EQ(metadata.at("manifest").at("type"), "path");
  EXPECT_EQ(metadata.at("lake").at("type"), "url");
  EXPECT_EQ(metadata.at("summary").at("type"), "md");
  EXPECT_EQ(metadata.at("at").at("type"), "timestamp");
  EXPECT_EQ(metadata.at("reasons").at("type"), "json");
  EXPECT_EQ(metadata.at("note").at("raw_value"), "caf\u00e9");
  EXPECT_EQ(messages[3].at("params"),
            nlohmann::json::parse(R"({"asset_key": "transform_ohlcv", "check_name": "ohlcv_no_gaps",
              "passed": false, "severity": "WARN",
              "metadata": {"missing_candles": {"raw_value": 3, "type": "int"}}})"));
  EXPECT_EQ(messages[4].at("method"), "closed");
  EXPECT_EQ(messages[4].at("params"), nlohmann::json::object());
}

// Dagster's float check refuses a JSON integer; non-ASCII travels escaped, one line each.
TEST(PipesSession, LinesAreCompactAsciiWithFloatsWrittenAsFloats) {
  FileSession file;
  file.session->report_materialization("transform_ohlcv", {{"s", MetadataValue::floating(2.0)},
                                                           {"t", MetadataValue::text("\u20ac\n")}});
  file.session->close();
  std::ifstream in(file.messages);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  EXPECT_NE(line.find(R"("raw_value":2.0)"), std::string::npos) << line;
  EXPECT_NE(line.find(R"(\u20ac\n)"), std::string::npos) << line;
  for (const char c : line) EXPECT_GT(static_cast<unsigned char>(c), 0x1f) << line;
}

TEST(PipesSession, RefusesWhatDagsterWouldReject) {
  FileSession file;
  PipesSession& session = *file.session;
  EXPECT_TRUE(
      unit::ThrowsError([&] { session.report_materialization("load_ohlcv_to_postgres", {}); },
                        ErrorKind::kInvalidInput, {"load_ohlcv_to_postgres", "not among"}));
  session.report_materialization("transform_ohlcv", {});
  EXPECT_TRUE(unit::ThrowsError([&] { session.report_materialization("transform_ohlcv", {}); },
                                ErrorKind::kInvalidInput, {"already reported"}));
  EXPECT_TRUE(
      unit::ThrowsError([] { MetadataValue::floating(std::numeric_limits<double>::quiet_NaN()); },
                        ErrorKind::kInvalidInput, {"finite"}));
  EXPECT_TRUE(unit::ThrowsError([] { MetadataValue::json(3); }, ErrorKind::kInvalidInput,
                                {"object or an array"}));
  session.close();
  session.close();  // a no-op
  EXPECT_TRUE(unit::ThrowsError([&] { session.log(LogLevel::kInfo, "late"); },
                                ErrorKind::kInvalidInput, {"after closed"}));
  EXPECT_EQ(messages_in(file.messages).size(), 3u);  // opened, the materialization, closed
}

TEST(PipesSession, ClosedCarriesTheFailureAndItsCause) {
  FileSession file;
  try {
    try {
      throw Error(ErrorKind::kTransient, "GET http://127.0.0.1/binance/api/v3/klines: HTTP 503");
    } catch (...) {
      std::throw_with_nested(std::runtime_error("extract_binance_ohlcv failed"));
    }
  } catch (...) {
    file.session->close(std::current_exception());
  }
  const auto messages = messages_in(file.messages);
  ASSERT_EQ(messages.size(), 2u);
  const nlohmann::json& exception = messages[1].at("params").at("exception");
  for (const char* key : {"name", "message", "stack", "cause", "context"}) {
    EXPECT_TRUE(exception.contains(key)) << key;
  }
  EXPECT_EQ(exception.at("message"), "extract_binance_ohlcv failed");
  EXPECT_TRUE(exception.at("stack").is_array());
  EXPECT_TRUE(exception.at("context").is_null());
  EXPECT_EQ(exception.at("cause").at("name"), "cryptopipe::Error(transient error)");
  EXPECT_EQ(exception.at("cause").at("message"),
            "GET http://127.0.0.1/binance/api/v3/klines: HTTP 503");
}

TEST(PipesSession, TheDestructorClosesASessionLeftOpen) {
  FileSession file;
  file.session.reset();
  const auto messages = messages_in(file.messages);
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[1].at("method"), "closed");
}

TEST(PipesSession, OpenNamesTheVariableThatIsWrong) {
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesSession::open("not-base64!", encode_param({{"stdio", "stderr"}}));
      },
      ErrorKind::kConfig, {"DAGSTER_PIPES_CONTEXT"}));
  EXPECT_TRUE(unit::ThrowsError(
      [] {
        PipesSession::open(encode_param({{"data", kContext}}), "eJyrVipILMlQslJQ0i/JL");
      },
      ErrorKind::kConfig, {"DAGSTER_PIPES_MESSAGES"}));
}

}  // namespace
}  // namespace cryptopipe::pipes
