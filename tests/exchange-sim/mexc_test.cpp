// MEXC spot v3 as the simulator serves it: 8-field klines with 60m/1W tokens and an exclusive
// endTime, the 500-row page, fractional ticker change, books with a timestamp, exchangeInfo's
// status "1", the endpoints ccxt's load_markets calls, Binance-shaped errors, the 10 s weight
// budget with 429 and the 418 ban, injected faults and gzip.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// 2024-01-30 16:00:00.5 UTC, early in a 10 s window so that it cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706630400500;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
const std::string kNow = std::to_string(kNowMs);
const std::string kApi = "/mexc/api/v3";

class MexcSim : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path_and_query) const {
    return sim_.get_json(kApi + path_and_query);
  }
  Simulator sim_{{"--now-ms", kNow}};
};

TEST_F(MexcSim, KlinesAreEightFieldRowsOldestFirstWithAnExclusiveEnd) {
  const std::int64_t start = kNowMs - kNowMs % kHour - 5 * kHour;
  const auto rows = get("/klines?symbol=BTCUSDT&interval=60m&startTime=" + std::to_string(start) +
                        "&endTime=" + std::to_string(start + 3 * kHour) + "&limit=10");
  ASSERT_EQ(rows.size(), 3u) << "the candle opening at endTime is left out";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& row = rows[i];
    ASSERT_EQ(row.size(), 8u);
    EXPECT_EQ(row[0], start + static_cast<std::int64_t>(i) * kHour);
    EXPECT_EQ(row[6], row[0].get<std::int64_t>() + kHour) << "closeTime is the next open";
    for (const int decimal : {1, 2, 3, 4, 5, 7}) {
      ASSERT_TRUE(row[decimal].is_string());
      EXPECT_NE(row[decimal].get<std::string>().back(), '0') << "no trailing zeros: " << row;
    }
  }
  const auto one_more = get("/klines?symbol=BTCUSDT&interval=60m&startTime=" +
                            std::to_string(start) + "&endTime=" +
                            std::to_string(start + 3 * kHour + 1));
  EXPECT_EQ(one_more.size(), 4u);
}

TEST_F(MexcSim, IntervalTokensAreMexcsOwn) {
  EXPECT_EQ(get("/klines?symbol=BTCUSDT&interval=1W&limit=2").size(), 2u);
  EXPECT_EQ(get("/klines?symbol=BTCUSDT&interval=1M&limit=2").size(), 2u);
  const auto hour = sim_.get(kApi + "/klines?symbol=BTCUSDT&interval=1h&limit=2");
  ASSERT_TRUE(hour);
  EXPECT_EQ(hour->status, 400);
  EXPECT_EQ(hour->body, R"({"code":-1120,"msg":"Invalid interval."})");
}

TEST_F(MexcSim, PagesHoldAtMost500RowsAndTheLatestWithoutAStart) {
  EXPECT_EQ(get("/klines?symbol=BTCUSDT&interval=1m").size(), 500u);
  EXPECT_EQ(get("/klines?symbol=BTCUSDT&interval=1m&limit=1000").size(), 500u);
  const auto latest = get("/klines?symbol=BTCUSDT&interval=1m&limit=1");
  EXPECT_EQ(latest[0][0], kNowMs - kNowMs % kMinute);
}

TEST_F(MexcSim, UnknownSymbolsAreBinanceShapedErrors) {
  for (const std::string path : {"/klines?symbol=NOPEUSDT&interval=1m", "/depth?symbol=NOPEUSDT",
                                 "/ticker/24hr?symbol=NOPEUSDT"}) {
    const auto answer = sim_.get(kApi + path);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 400) << path;
    EXPECT_EQ(answer->body, R"({"code":-1121,"msg":"Invalid symbol."})") << path;
  }
}

TEST_F(MexcSim, TickersCarryAFractionalChangeForOneOrEveryMarket) {
  const auto one = get("/ticker/24hr?symbol=BTCUSDT");
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(one.at("symbol"), "BTCUSDT");
  EXPECT_TRUE(one.at("count").is_null());
  EXPECT_TRUE(one.at("closeTime").is_number_integer());
  const double open = std::stod(one.at("openPrice").get<std::string>());
  const double last = std::stod(one.at("lastPrice").get<std::string>());
  const double fraction = std::stod(one.at("priceChangePercent").get<std::string>());
  EXPECT_NEAR(fraction, (last - open) / open, 0.0001) << "a fraction, not a percentage";
  const auto all = get("/ticker/24hr");
  ASSERT_TRUE(all.is_array());
  EXPECT_GT(all.size(), 10u);
  EXPECT_EQ(all[0], one);
}

TEST_F(MexcSim, BooksCarryTheirTimestampAndClampTo5000) {
  const auto book = get("/depth?symbol=BTCUSDT&limit=3");
  EXPECT_EQ(book.at("bids").size(), 3u);
  EXPECT_EQ(book.at("asks").size(), 3u);
  EXPECT_TRUE(book.at("lastUpdateId").is_number_integer());
  EXPECT_EQ(book.at("timestamp"), kNowMs - kNowMs % 1000);
  EXPECT_LT(std::stod(book["bids"][0][0].get<std::string>()),
            std::stod(book["asks"][0][0].get<std::string>()));
  EXPECT_EQ(get("/depth?symbol=BTCUSDT").at("bids").size(), 100u);
  EXPECT_LE(get("/depth?symbol=BTCUSDT&limit=6000").at("bids").size(), 5000u);
}

TEST_F(MexcSim, WhatCcxtLoadsMarketsFrom) {
  const auto info = get("/exchangeInfo");
  const auto& symbols = info.at("symbols");
  ASSERT_GT(symbols.size(), 10u);
  for (const auto& market : symbols) {
    EXPECT_EQ(market.at("status"), "1");
    EXPECT_EQ(market.at("isSpotTradingAllowed"), true);
    const std::string base = market.at("baseAsset");
    const std::string quote = market.at("quoteAsset");
    EXPECT_EQ(market.at("symbol"), base + quote);
  }
  const auto defaults = get("/defaultSymbols");
  EXPECT_EQ(defaults.at("data").size(), symbols.size());
  const auto contracts = sim_.get_json("/mexc/api/v1/contract/detail");
  EXPECT_EQ(contracts.at("success"), true);
  EXPECT_TRUE(contracts.at("data").empty());
  EXPECT_EQ(get("/time").at("serverTime"), kNowMs);
  EXPECT_TRUE(get("/ping").empty());
}

TEST(MexcRateLimit, WeightPerEndpointPerTenSecondsThen429ThenA418Ban) {
  const Simulator sim({"--now-ms", kNow, "--mexc-limit", "41", "--mexc-ban-seconds", "60"});
  const auto all = sim.get(kApi + "/ticker/24hr");  // weight 40
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  EXPECT_FALSE(all->has_header("X-MBX-USED-WEIGHT-1M")) << "MEXC reports no used weight";
  EXPECT_EQ(sim.get(kApi + "/ticker/24hr?symbol=BTCUSDT")->status, 200);  // weight 1: 41
  EXPECT_EQ(sim.get(kApi + "/depth?symbol=BTCUSDT&limit=5")->status, 200)
      << "each endpoint has a budget of its own";
  for (int refused = 0; refused < 3; ++refused) {
    const auto limited = sim.get(kApi + "/ticker/24hr?symbol=BTCUSDT");
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->status, 429);
    EXPECT_EQ(limited->body, R"({"code":429,"msg":"Too many requests"})");
    EXPECT_EQ(limited->get_header_value("Retry-After"), "10") << "to the end of the 10 s window";
  }
  const auto banned = sim.get(kApi + "/ticker/24hr?symbol=BTCUSDT");
  ASSERT_TRUE(banned);
  EXPECT_EQ(banned->status, 418);
  EXPECT_EQ(banned->get_header_value("Retry-After"), "60");
}

TEST(MexcFaults, InjectedFailuresAreWordedAsMexcAndGzipIsServed) {
  const Simulator sim({"--now-ms", kNow, "--rate-limit-every", "2"});
  std::vector<int> statuses;
  for (int i = 0; i < 2; ++i) statuses.push_back(sim.get(kApi + "/ping")->status);
  EXPECT_NE(std::find(statuses.begin(), statuses.end(), 429), statuses.end());
  const auto zipped = sim.get(kApi + "/ticker/24hr", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
