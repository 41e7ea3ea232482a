// Gate.io's public limit: requests per endpoint per 10 s window, X-Gate-RateLimit-* headers on
// every answer, and 429 TOO_MANY_REQUESTS over the limit.
#include <gtest/gtest.h>

#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// Frozen 3 s into a 10 s window, so the window cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706640003000;
const std::string kNow = std::to_string(kNowMs);
const std::string kWindowEnd = std::to_string(1706640010000);
const std::string kTickers = "/gateio/spot/tickers?currency_pair=BTC_USDT";

TEST(GateRateLimit, HeadersCountDownThen429) {
  const Simulator simulator({"--now-ms", kNow, "--gate-limit", "3"});
  for (const std::string remain : {"2", "1", "0"}) {
    const auto result = simulator.get(kTickers);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200);
    EXPECT_EQ(result->get_header_value("X-Gate-RateLimit-Requests-Remain"), remain);
    EXPECT_EQ(result->get_header_value("X-Gate-RateLimit-Limit"), "3");
    EXPECT_EQ(result->get_header_value("X-Gate-RateLimit-Reset-Timestamp"), kWindowEnd);
  }
  const auto limited = simulator.get(kTickers);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body,
            R"({"label":"TOO_MANY_REQUESTS","message":"Request Rate limit Exceeded"})");
  EXPECT_EQ(limited->get_header_value("X-Gate-RateLimit-Requests-Remain"), "0");
  EXPECT_EQ(limited->get_header_value("X-Gate-RateLimit-Reset-Timestamp"), kWindowEnd);
  EXPECT_FALSE(limited->has_header("Retry-After")) << "Gate documents none";
  EXPECT_EQ(simulator.stats()["routes"]["/gateio/spot/tickers"]["by_status"]["429"], 1);
}

TEST(GateRateLimit, EachEndpointHasItsOwnBudget) {
  const Simulator simulator({"--now-ms", kNow, "--gate-limit", "1"});
  EXPECT_EQ(simulator.get(kTickers)->status, 200);
  EXPECT_EQ(simulator.get(kTickers)->status, 429);
  const auto other = simulator.get("/gateio/spot/order_book?currency_pair=BTC_USDT");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->get_header_value("X-Gate-RateLimit-Requests-Remain"), "0");
  EXPECT_EQ(simulator.get("/gateio/spot/currency_pairs")->status, 200);
}

TEST(GateRateLimit, DefaultIs200RequestsPer10Seconds) {
  const Simulator simulator({"--now-ms", kNow});
  int admitted = 0;
  for (int i = 0; i < 201; ++i) {
    const auto result = simulator.get("/gateio/spot/currency_pairs");
    ASSERT_TRUE(result);
    if (result->status != 200) {
      EXPECT_EQ(result->status, 429);
      break;
    }
    EXPECT_EQ(result->get_header_value("X-Gate-RateLimit-Limit"), "200");
    ++admitted;
  }
  EXPECT_EQ(admitted, 200);
}

}  // namespace
}  // namespace cryptopipe::testing
