// Bybit's IP limit: requests per 5 s window across every /bybit route, then HTTP 403 and a ban.
#include <gtest/gtest.h>

#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// Frozen 2 s into a 5 s window, so the window cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706640002000;
const std::string kNow = std::to_string(kNowMs);
const std::string kTickers = "/bybit/v5/market/tickers?category=spot&symbol=BTCUSDT";
const std::string kTooManyVisits =
    R"({"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":)" + kNow +
    "}";

TEST(BybitRateLimit, OverTheLimitIs403AndLocksEveryRouteOut) {
  const Simulator simulator({"--now-ms", kNow, "--bybit-limit", "4"});
  for (const std::string& path :
       {kTickers, std::string("/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1"),
        std::string("/bybit/v5/market/orderbook?category=spot&symbol=NOPE"), kTickers}) {
    const auto result = simulator.get(path);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 200) << path << ": errors count against the limit too";
  }
  for (const std::string& path :
       {kTickers, std::string("/bybit/v5/market/instruments-info?category=spot")}) {
    const auto refused = simulator.get(path);
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 403) << path;
    EXPECT_EQ(refused->body, kTooManyVisits) << path;
    EXPECT_EQ(refused->get_header_value("Content-Type"), "application/json; charset=utf-8");
    // Bybit documents X-Bapi-Limit-* for its per-UID limits only; public calls get none here.
    EXPECT_FALSE(refused->has_header("X-Bapi-Limit"));
    EXPECT_FALSE(refused->has_header("X-Bapi-Limit-Status"));
    EXPECT_FALSE(refused->has_header("X-Bapi-Limit-Reset-Timestamp"));
  }
  const auto routes = simulator.stats()["routes"];
  EXPECT_EQ(routes["/bybit/v5/market/tickers"]["by_status"]["200"], 2);
  EXPECT_EQ(routes["/bybit/v5/market/tickers"]["by_status"]["403"], 1);
  EXPECT_EQ(routes["/bybit/v5/market/instruments-info"]["by_status"]["403"], 1);
}

TEST(BybitRateLimit, DefaultIs600RequestsPerWindow) {
  const Simulator simulator({"--now-ms", kNow});
  const std::string ping_like = "/bybit/v5/market/instruments-info?category=spot&symbol=ETHUSDT";
  int admitted = 0;
  for (int i = 0; i < 601; ++i) {
    const auto result = simulator.get(ping_like);
    ASSERT_TRUE(result);
    if (result->status != 200) {
      EXPECT_EQ(result->status, 403);
      break;
    }
    ++admitted;
  }
  EXPECT_EQ(admitted, 600);
}

TEST(BybitRateLimit, OtherExchangesAreNotCounted) {
  const Simulator simulator({"--now-ms", kNow, "--bybit-limit", "1"});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(simulator.get("/binance/api/v3/ping")->status, 200);
    EXPECT_EQ(simulator.get("/gateio/spot/currency_pairs")->status, 200);
  }
  EXPECT_EQ(simulator.get(kTickers)->status, 200);
  EXPECT_EQ(simulator.get(kTickers)->status, 403);
}

}  // namespace
}  // namespace cryptopipe::testing
