// Bitget v2 spot as the simulator serves it: the envelope, history-candles before an exclusive
// endTime oldest first, the recent candles endpoint and its reach, page limits, tickers, books,
// the symbols and coins ccxt's load_markets reads, errors with HTTP 400, and the per-endpoint
// budget with 429.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// 2024-01-30 16:00:00.5 UTC, early in a 1 s window so that it cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706630400500;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
constexpr std::int64_t kDay = 24 * kHour;
const std::string kNow = std::to_string(kNowMs);
const std::string kApi = "/bitget/api/v2/spot";

std::int64_t ts_of(const nlohmann::json& row) { return std::stoll(row[0].get<std::string>()); }

class BitgetSim : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path_and_query) const {
    return sim_.get_json(kApi + path_and_query);
  }
  Simulator sim_{{"--now-ms", kNow}};
};

TEST_F(BitgetSim, HistoryCandlesServeTheLimitBeforeEndTimeOldestFirst) {
  const std::int64_t end = kNowMs - kNowMs % kMinute - 10 * kMinute;
  const auto page = get("/market/history-candles?symbol=BTCUSDT&granularity=1min&endTime=" +
                        std::to_string(end) + "&limit=5");
  EXPECT_EQ(page.at("code"), "00000");
  EXPECT_EQ(page.at("msg"), "success");
  EXPECT_EQ(page.at("requestTime"), kNowMs);
  const auto& data = page.at("data");
  ASSERT_EQ(data.size(), 5u);
  for (std::size_t i = 0; i < data.size(); ++i) {
    // endTime is exclusive: the newest row opens a minute before it.
    EXPECT_EQ(ts_of(data[i]), end - static_cast<std::int64_t>(5 - i) * kMinute);
    ASSERT_EQ(data[i].size(), 8u);
    for (const auto& field : data[i]) EXPECT_TRUE(field.is_string());
    EXPECT_EQ(data[i][6], data[i][7]) << "usdtVol and quoteVol agree on a USDT market";
  }
}

TEST_F(BitgetSim, HistoryReachesAnyPastDayWhileCandlesReachAMonthOfMinutes) {
  const std::int64_t old_end = kNowMs - kNowMs % kDay - 400 * kDay;
  const auto old_page = get("/market/history-candles?symbol=BTCUSDT&granularity=1min&endTime=" +
                            std::to_string(old_end) + "&limit=200");
  EXPECT_EQ(old_page.at("data").size(), 200u);
  const auto recent = get("/market/candles?symbol=BTCUSDT&granularity=1min&startTime=" +
                          std::to_string(old_end - kDay) + "&endTime=" + std::to_string(old_end));
  EXPECT_TRUE(recent.at("data").empty());
  const auto hours = get("/market/candles?symbol=BTCUSDT&granularity=1h&limit=3");
  ASSERT_EQ(hours.at("data").size(), 3u);
  EXPECT_EQ(ts_of(hours.at("data")[2]), kNowMs - kNowMs % kHour);  // the open hour, last
}

TEST_F(BitgetSim, UtcGranularitiesAlignToUtcAndTheRestAreRefused) {
  const auto days = get("/market/history-candles?symbol=BTCUSDT&granularity=1Dutc&endTime=" +
                        kNow + "&limit=3").at("data");
  ASSERT_EQ(days.size(), 3u);
  for (const auto& row : days) EXPECT_EQ(ts_of(row) % kDay, 0);
  const auto refused = sim_.get(kApi + "/market/history-candles?symbol=BTCUSDT&granularity=8h"
                                       "&endTime=" + kNow);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(nlohmann::json::parse(refused->body).at("code"), "400172");
}

TEST_F(BitgetSim, LimitsAndRequiredParametersAreChecked) {
  const std::string history = kApi + "/market/history-candles?symbol=BTCUSDT&granularity=1min";
  EXPECT_EQ(sim_.get(history + "&endTime=" + kNow + "&limit=201")->status, 400);
  EXPECT_EQ(sim_.get(history)->status, 400) << "endTime is required";
  EXPECT_EQ(get("/market/history-candles?symbol=BTCUSDT&granularity=1min&endTime=" + kNow)
                .at("data")
                .size(),
            100u);
  EXPECT_EQ(sim_.get(kApi + "/market/candles?symbol=BTCUSDT&granularity=1min&limit=1001")->status,
            400);
  EXPECT_EQ(get("/market/candles?symbol=BTCUSDT&granularity=1min&limit=1000").at("data").size(),
            1000u);
}

TEST_F(BitgetSim, AnUnknownSymbolIs40034WithHttp400) {
  const auto unknown = sim_.get(kApi + "/market/orderbook?symbol=BTCUSD");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(unknown->body, R"({"code":"40034","msg":"Parameter does not exist","requestTime":)" +
                               kNow + R"(,"data":null})");
  EXPECT_EQ(sim_.get(kApi + "/market/tickers?symbol=btcusdt")->status, 400);
}

TEST_F(BitgetSim, TickersOfEveryMarketAgreeWithTheBook) {
  const auto all = get("/market/tickers").at("data");
  const auto symbols = get("/public/symbols").at("data");
  ASSERT_EQ(all.size(), symbols.size());
  const auto btc = get("/market/tickers?symbol=BTCUSDT").at("data");
  ASSERT_EQ(btc.size(), 1u);
  const auto book = get("/market/orderbook?symbol=BTCUSDT&type=step0&limit=1").at("data");
  EXPECT_EQ(btc[0].at("bidPr"), book.at("bids")[0][0]);
  EXPECT_EQ(btc[0].at("askSz"), book.at("asks")[0][1]);
  EXPECT_EQ(btc[0].at("ts"), book.at("ts"));
  EXPECT_TRUE(btc[0].at("change24h").is_string());
}

TEST_F(BitgetSim, BooksHoldUpTo150LevelsBestFirst) {
  const auto book = get("/market/orderbook?symbol=ETHUSDT&type=step0&limit=150").at("data");
  ASSERT_EQ(book.at("bids").size(), 150u);
  ASSERT_EQ(book.at("asks").size(), 150u);
  EXPECT_EQ(get("/market/orderbook?symbol=ETHUSDT").at("data").at("asks").size(), 100u);
  EXPECT_EQ(sim_.get(kApi + "/market/orderbook?symbol=ETHUSDT&limit=151")->status, 400);
}

TEST_F(BitgetSim, SymbolsAndCoinsForCcxtsLoadMarkets) {
  const auto symbols = get("/public/symbols").at("data");
  ASSERT_FALSE(symbols.empty());
  EXPECT_EQ(symbols[0].at("status"), "online");
  EXPECT_TRUE(symbols[0].at("pricePrecision").is_string());
  const auto coins = get("/public/coins").at("data");
  ASSERT_FALSE(coins.empty());
  EXPECT_TRUE(coins[0].at("chains").is_array());
  EXPECT_TRUE(sim_.get_json("/bitget/api/v2/margin/currencies").at("data").empty());
}

TEST_F(BitgetSim, TheSameCandlesAsEveryOtherVenue) {
  const std::int64_t start = kNowMs - kNowMs % kHour - 10 * kHour;
  const auto bitget = get("/market/history-candles?symbol=ETHUSDT&granularity=1h&endTime=" +
                          std::to_string(start + 5 * kHour) + "&limit=5")
                          .at("data");
  const auto bybit = sim_.get_json("/bybit/v5/market/kline?category=spot&symbol=ETHUSDT&interval=60"
                                   "&start=" + std::to_string(start) + "&end=" +
                                   std::to_string(start + 4 * kHour))
                         .at("result")
                         .at("list");
  ASSERT_EQ(bitget.size(), 5u);
  ASSERT_EQ(bybit.size(), 5u);
  for (std::size_t i = 0; i < bitget.size(); ++i) {  // Bybit newest first
    for (std::size_t field = 0; field < 7; ++field) {
      EXPECT_EQ(bitget[i][field], bybit[4 - i][field]);
    }
  }
}

TEST(BitgetSimRateLimit, EachEndpointHasItsBudgetThen429) {
  const Simulator sim({"--now-ms", kNow, "--bitget-limit", "2"});
  const std::string tickers = kApi + "/market/tickers?symbol=BTCUSDT";
  EXPECT_EQ(sim.get(tickers)->status, 200);
  EXPECT_EQ(sim.get(tickers)->status, 200);
  const auto limited = sim.get(tickers);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"code":"429","msg":"Too Many Requests","requestTime":)" + kNow +
                               R"(,"data":null})");
  EXPECT_EQ(sim.get(kApi + "/market/orderbook?symbol=BTCUSDT")->status, 200);
}

TEST(BitgetSimFaults, InjectedFailuresAreWordedAsBitget) {
  const Simulator sim({"--now-ms", kNow, "--rate-limit-every", "1"});
  const auto limited = sim.get(kApi + "/market/tickers");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(nlohmann::json::parse(limited->body).at("code"), "429");
  sim.set_faults({{"rate_limit_every", 0}, {"error_rate", 1.0}});
  const auto failed = sim.get(kApi + "/market/tickers");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(nlohmann::json::parse(failed->body).at("code"), "40015");
}

TEST(BitgetSimFaults, CandleFaultsReachTheDataRows) {
  const Simulator sim({"--now-ms", kNow, "--duplicate-rate", "1"});
  const auto data = sim.get_json(kApi + "/market/history-candles?symbol=BTCUSDT&granularity=1min"
                                        "&endTime=" + kNow + "&limit=3")
                        .at("data");
  ASSERT_EQ(data.size(), 6u);
  EXPECT_EQ(data[0], data[1]);
}

TEST(BitgetSimFaults, AnswersAreGzippedOnRequest) {
  const Simulator sim({"--now-ms", kNow});
  const auto result = sim.get(kApi + "/market/tickers", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
