#include "cryptopipe/core/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe {
namespace {

using unit::CapturedOutput;
using unit::contains;
using unit::ThrowsError;

// 2026-11-25T10:15:00.123Z
bool looks_like_iso8601(const std::string& text) {
  if (text.size() != 24) return false;
  const std::string pattern = "dddd-dd-ddTdd:dd:dd.dddZ";
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != pattern[i]) return false;
  }
  return true;
}

TEST(Logger, JsonWritesOneObjectPerLineWithTheStandardFieldsFirst) {
  CapturedOutput out;
  const Logger logger("run-42", LogFormat::kJson, LogLevel::kDebug, out.file());
  logger.info("fetched page", {{"rows", 1000}, {"symbol", "BTC/USDT"}});
  logger.warn("slow");

  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 2u) << out.text();
  const auto first = nlohmann::ordered_json::parse(lines[0]);
  ASSERT_TRUE(first.is_object());
  std::vector<std::string> keys;
  for (const auto& [key, value] : first.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"ts", "level", "run_id", "msg", "rows", "symbol"}));
  EXPECT_TRUE(looks_like_iso8601(first["ts"].get<std::string>())) << first["ts"];
  EXPECT_EQ(first["level"], "info");
  EXPECT_EQ(first["run_id"], "run-42");
  EXPECT_EQ(first["msg"], "fetched page");
  EXPECT_EQ(first["rows"], 1000);
  EXPECT_EQ(first["symbol"], "BTC/USDT");

  const auto second = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(second["level"], "warn");
  EXPECT_EQ(second["msg"], "slow");
  EXPECT_EQ(second["run_id"], "run-42");
}

TEST(Logger, WithAddsFieldsToEveryLineAndSharesTheSink) {
  CapturedOutput out;
  const Logger root("r1", LogFormat::kJson, LogLevel::kInfo, out.file());
  const Logger asset = root.with({{"asset", "transform_ohlcv"}});
  const Logger partition = asset.with({{"partition", "2026-11-25"}});
  partition.info("done", {{"rows", 3}});
  asset.error("failed");
  root.info("plain");

  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 3u) << out.text();
  const auto a = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(a["asset"], "transform_ohlcv");
  EXPECT_EQ(a["partition"], "2026-11-25");
  EXPECT_EQ(a["rows"], 3);
  EXPECT_EQ(a["run_id"], "r1");
  const auto b = nlohmann::json::parse(lines[1]);
  EXPECT_EQ(b["asset"], "transform_ohlcv");
  EXPECT_FALSE(b.contains("partition"));
  EXPECT_EQ(b["level"], "error");
  const auto c = nlohmann::json::parse(lines[2]);
  EXPECT_FALSE(c.contains("asset"));
  EXPECT_EQ(partition.run_id(), "r1");
}

TEST(Logger, DropsLinesBelowTheMinimumLevel) {
  CapturedOutput out;
  const Logger logger("r", LogFormat::kJson, LogLevel::kWarn, out.file());
  logger.debug("d");
  logger.info("i");
  logger.warn("w");
  logger.error("e");
  logger.log(LogLevel::kInfo, "i2");
  logger.log(LogLevel::kError, "e2");
  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 3u) << out.text();
  EXPECT_EQ(nlohmann::json::parse(lines[0])["msg"], "w");
  EXPECT_EQ(nlohmann::json::parse(lines[1])["msg"], "e");
  EXPECT_EQ(nlohmann::json::parse(lines[2])["msg"], "e2");
}

TEST(Logger, DebugLevelKeepsEverything) {
  CapturedOutput out;
  const Logger logger("r", LogFormat::kJson, LogLevel::kDebug, out.file());
  logger.debug("d");
  ASSERT_EQ(out.lines().size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(out.lines()[0])["level"], "debug");
}

TEST(Logger, TextFormatIsOneReadableLineWithTheRunId) {
  CapturedOutput out;
  const Logger logger("20261127T050102123Z-1a2b3c", LogFormat::kText, LogLevel::kInfo, out.file());
  logger.with({{"asset", "extract_binance_ohlcv"}}).info("fetched page", {{"rows", 7}});
  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 1u) << out.text();
  EXPECT_TRUE(contains(lines[0], "20261127T050102123Z-1a2b3c")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "fetched page")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "info")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "rows=7")) << lines[0];
  EXPECT_TRUE(contains(lines[0], "extract_binance_ohlcv")) << lines[0];
  EXPECT_FALSE(contains(lines[0], "{")) << "not JSON: " << lines[0];
}

TEST(Logger, MessagesWithQuotesAndNewlinesStayOnOneJsonLine) {
  CapturedOutput out;
  const Logger logger("r", LogFormat::kJson, LogLevel::kInfo, out.file());
  logger.info("line one\nline \"two\"", {{"body", "a\nb"}});
  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), 1u) << out.text();
  const auto record = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(record["msg"], "line one\nline \"two\"");
  EXPECT_EQ(record["body"], "a\nb");
}

TEST(Logger, ConcurrentWritersNeverInterleaveLines) {
  CapturedOutput out;
  const Logger logger("r", LogFormat::kJson, LogLevel::kInfo, out.file());
  constexpr int kThreads = 4;
  constexpr int kLines = 200;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&logger, t] {
      const Logger mine = logger.with({{"thread", t}});
      for (int i = 0; i < kLines; ++i) mine.info(std::string(100, 'x'), {{"i", i}});
    });
  }
  for (auto& thread : threads) thread.join();
  const std::vector<std::string> lines = out.lines();
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kThreads * kLines));
  std::vector<int> per_thread(kThreads, 0);
  for (const std::string& line : lines) {
    const auto record = nlohmann::json::parse(line);  // throws on an interleaved line
    ++per_thread[record["thread"].get<int>()];
  }
  for (const int count : per_thread) EXPECT_EQ(count, kLines);
}

TEST(LogSettings, ParsesLevelsAndFormats) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::kDebug);
  EXPECT_EQ(parse_log_level("info"), LogLevel::kInfo);
  EXPECT_EQ(parse_log_level("warn"), LogLevel::kWarn);
  EXPECT_EQ(parse_log_level("error"), LogLevel::kError);
  EXPECT_EQ(parse_log_format("json"), LogFormat::kJson);
  EXPECT_EQ(parse_log_format("text"), LogFormat::kText);
}

TEST(LogSettings, RefusesUnknownValuesNamingThem) {
  for (const char* text : {"verbose", "INFO", "", "warning"}) {
    EXPECT_TRUE(ThrowsError([&] { parse_log_level(text); }, ErrorKind::kConfig,
                            {"'" + std::string(text) + "'"}));
  }
  for (const char* text : {"yaml", "JSON", ""}) {
    EXPECT_TRUE(ThrowsError([&] { parse_log_format(text); }, ErrorKind::kConfig,
                            {"'" + std::string(text) + "'"}));
  }
}

}  // namespace
}  // namespace cryptopipe
