// Binance's request-weight accounting: X-MBX-USED-WEIGHT-1M, then 429, then a 418 ban.
#include <gtest/gtest.h>

#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// The clock is frozen 20 s into a minute so the weight window cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706640020000;
const std::string kNow = std::to_string(kNowMs);
const std::string kKlines = "/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1";

int used_weight(const httplib::Result& result) {
  return std::stoi(result->get_header_value("X-MBX-USED-WEIGHT-1M"));
}

TEST(RateLimit, UsedWeightHeaderAddsEachEndpointsWeight) {
  const Simulator simulator({"--now-ms", kNow});
  const auto ping = simulator.get("/binance/api/v3/ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, "{}");
  EXPECT_EQ(used_weight(ping), 1);
  EXPECT_EQ(used_weight(simulator.get("/binance/api/v3/time")), 2);
  EXPECT_EQ(used_weight(simulator.get(kKlines)), 4);
  EXPECT_EQ(used_weight(simulator.get("/binance/api/v3/exchangeInfo")), 24);
  EXPECT_EQ(used_weight(simulator.get(kKlines)), 26);
}

TEST(RateLimit, OverTheLimitIs429ThenPersistingIsA418Ban) {
  const Simulator simulator({"--now-ms", kNow, "--weight-limit", "10"});
  for (int i = 1; i <= 5; ++i) {
    const auto result = simulator.get(kKlines);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(used_weight(result), 2 * i);
  }
  // The first three over-limit requests are warned with 429 until the next minute...
  for (int i = 0; i < 3; ++i) {
    const auto limited = simulator.get(kKlines);
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429);
    EXPECT_EQ(limited->get_header_value("Retry-After"), "40");
    EXPECT_EQ(used_weight(limited), 10);
    EXPECT_EQ(
        limited->body,
        R"({"code":-1003,"msg":"Too many requests; current limit of IP(127.0.0.1) is 10 requests per minute. Please use the websocket for live updates to avoid polling the API."})");
  }
  // ...and the one after that earns a ban that covers every route.
  const std::string ban_body =
      R"({"code":-1003,"msg":"Way too many requests; IP(127.0.0.1) banned until )" +
      std::to_string(kNowMs + 120'000) +
      R"(. Please use the websocket for live updates to avoid bans."})";
  for (const char* path : {kKlines.c_str(), "/binance/api/v3/ping"}) {
    const auto banned = simulator.get(path);
    ASSERT_TRUE(banned);
    EXPECT_EQ(banned->status, 418) << path;
    EXPECT_EQ(banned->get_header_value("Retry-After"), "120");
    EXPECT_EQ(banned->body, ban_body);
  }

  const auto by_status = simulator.stats()["routes"]["/binance/api/v3/klines"]["by_status"];
  EXPECT_EQ(by_status["200"], 5);
  EXPECT_EQ(by_status["429"], 3);
  EXPECT_EQ(by_status["418"], 1);
}

TEST(RateLimit, BanLengthFollowsBanSeconds) {
  const Simulator simulator({"--now-ms", kNow, "--weight-limit", "1", "--ban-seconds", "5"});
  int status = 0;
  for (int i = 0; i < 10 && status != 418; ++i) {
    status = simulator.get("/binance/api/v3/ping")->status;
  }
  const auto banned = simulator.get("/binance/api/v3/ping");
  EXPECT_EQ(banned->status, 418);
  EXPECT_EQ(banned->get_header_value("Retry-After"), "5");
}

TEST(RateLimit, ExchangeInfoReportsTheConfiguredWeightLimit) {
  const Simulator simulator({"--weight-limit", "1234"});
  const auto info = simulator.get_json("/binance/api/v3/exchangeInfo");
  bool found = false;
  for (const auto& limit : info["rateLimits"]) {
    if (limit["rateLimitType"] == "REQUEST_WEIGHT") {
      EXPECT_EQ(limit["limit"], 1234);
      EXPECT_EQ(limit["interval"], "MINUTE");
      EXPECT_EQ(limit["intervalNum"], 1);
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace cryptopipe::testing
