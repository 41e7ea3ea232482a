// OKX v5 spot as the simulator serves it: the envelope, candle bounds and order, the UTC and Hong
// Kong bars, page limits, the recent-only candles endpoint, tickers, books, the instruments of
// every type ccxt's load_markets asks for, business errors in HTTP 200, and the per-endpoint
// budgets with 429 and code 50011.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// 2024-01-30 16:00:00.5 UTC, early in a 2 s window so that it cannot roll over mid-test.
constexpr std::int64_t kNowMs = 1706630400500;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
const std::string kNow = std::to_string(kNowMs);
const std::string kApi = "/okx/api/v5";

std::int64_t ts_of(const nlohmann::json& row) { return std::stoll(row[0].get<std::string>()); }

class OkxSim : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path_and_query) const {
    return sim_.get_json(kApi + path_and_query);
  }
  Simulator sim_{{"--now-ms", kNow}};
};

TEST_F(OkxSim, HistoryCandlesServeTheOpenWindowBetweenBeforeAndAfterNewestFirst) {
  const std::int64_t start = kNowMs - kNowMs % kMinute - 10 * kMinute;
  const auto page = get("/market/history-candles?instId=BTC-USDT&bar=1m&before=" +
                        std::to_string(start - 1) + "&after=" +
                        std::to_string(start + 5 * kMinute) + "&limit=100");
  EXPECT_EQ(page.at("code"), "0");
  EXPECT_EQ(page.at("msg"), "");
  const auto& data = page.at("data");
  ASSERT_EQ(data.size(), 5u);
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_EQ(ts_of(data[i]), start + static_cast<std::int64_t>(4 - i) * kMinute);
    ASSERT_EQ(data[i].size(), 9u);
    for (const auto& field : data[i]) EXPECT_TRUE(field.is_string());
    EXPECT_EQ(data[i][6], data[i][7]) << "volCcy and volCcyQuote are both quote on spot";
    EXPECT_EQ(data[i][8], "1");
  }
  // `before` is exclusive: asking from `start` itself leaves `start` out.
  const auto later = get("/market/history-candles?instId=BTC-USDT&bar=1m&before=" +
                         std::to_string(start) + "&after=" + std::to_string(start + 2 * kMinute));
  ASSERT_EQ(later.at("data").size(), 1u);
  EXPECT_EQ(ts_of(later.at("data")[0]), start + kMinute);
}

TEST_F(OkxSim, AWiderWindowKeepsTheNewestRowsAndTheOpenCandleIsUnconfirmed) {
  const auto page = get("/market/history-candles?instId=BTC-USDT&bar=1H&limit=3");
  const auto& data = page.at("data");
  ASSERT_EQ(data.size(), 3u);
  EXPECT_EQ(ts_of(data[0]), kNowMs - kNowMs % kHour);
  EXPECT_EQ(data[0][8], "0");
  EXPECT_EQ(data[1][8], "1");
  const auto only_before = get("/market/history-candles?instId=BTC-USDT&bar=1H&limit=2&before=0");
  EXPECT_EQ(ts_of(only_before.at("data")[0]), kNowMs - kNowMs % kHour)
      << "before alone still serves the latest rows";
}

TEST_F(OkxSim, UtcBarsOpenAtMidnightUtcAndPlainOnesAtMidnightHongKong) {
  const std::int64_t utc_midnight = kNowMs - kNowMs % (24 * kHour);
  const auto utc = get("/market/candles?instId=BTC-USDT&bar=1Dutc&limit=1");
  EXPECT_EQ(ts_of(utc.at("data")[0]), utc_midnight);
  const auto hk = get("/market/candles?instId=BTC-USDT&bar=1D&limit=1");
  EXPECT_EQ(ts_of(hk.at("data")[0]), utc_midnight + 16 * kHour) << "16:00 UTC is 00:00 UTC+8";
  const auto six = get("/market/candles?instId=BTC-USDT&bar=6Hutc&limit=1");
  EXPECT_EQ(ts_of(six.at("data")[0]), utc_midnight + 12 * kHour);
}

TEST_F(OkxSim, RecentCandlesReachBack1440BarsAndHistoryFurther) {
  const std::int64_t old_after = kNowMs - kNowMs % kMinute - 2000 * kMinute;
  const std::string window = "&bar=1m&after=" + std::to_string(old_after) + "&limit=10";
  EXPECT_TRUE(get("/market/candles?instId=BTC-USDT" + window).at("data").empty());
  EXPECT_EQ(get("/market/history-candles?instId=BTC-USDT" + window).at("data").size(), 10u);
}

TEST_F(OkxSim, PagesDefaultTo100AndHoldUpTo300) {
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT&limit=300").at("data").size(), 300u);
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT").at("data").size(), 100u);
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT&limit=301").at("code"), "51000");
  EXPECT_EQ(get("/market/history-candles?instId=BTC-USDT").at("data").size(), 100u);
  EXPECT_EQ(get("/market/history-candles?instId=BTC-USDT&limit=300").at("data").size(), 300u);
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT&limit=0").at("code"), "51000");
  const auto over = sim_.get(kApi + "/market/history-candles?instId=BTC-USDT&limit=301");
  ASSERT_TRUE(over);
  EXPECT_EQ(over->status, 200);
  EXPECT_EQ(over->body, R"({"code":"51000","data":[],"msg":"Parameter limit error"})");
}

TEST_F(OkxSim, BusinessErrorsComeWithHttp200) {
  const auto unknown = sim_.get(kApi + "/market/books?instId=BTC-USD");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 200);
  EXPECT_EQ(unknown->body, R"({"code":"51001","data":[],"msg":"Instrument ID does not exist"})");
  EXPECT_EQ(get("/market/books?instId=btc-usdt").at("code"), "51001");
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT&bar=1h").at("msg"), "Parameter bar error");
  EXPECT_EQ(get("/market/candles?instId=BTC-USDT&after=yesterday").at("msg"),
            "Parameter after error");
  EXPECT_EQ(get("/market/candles?bar=1m").at("code"), "50014");
  EXPECT_EQ(get("/market/tickers").at("msg"), "Parameter instType can not be empty.");
  EXPECT_EQ(get("/market/tickers?instType=PERP").at("code"), "51000");
}

TEST_F(OkxSim, TickersOfEverySpotMarketAgreeWithTheBook) {
  const auto tickers = get("/market/tickers?instType=SPOT").at("data");
  ASSERT_GE(tickers.size(), 2u);
  const auto& btc = tickers[0];
  EXPECT_EQ(btc.at("instType"), "SPOT");
  EXPECT_EQ(btc.at("instId"), "BTC-USDT");
  for (const char* key : {"last", "lastSz", "askPx", "askSz", "bidPx", "bidSz", "open24h",
                          "high24h", "low24h", "volCcy24h", "vol24h", "ts", "sodUtc0", "sodUtc8"}) {
    EXPECT_TRUE(btc.at(key).is_string()) << key;
  }
  EXPECT_EQ(btc.at("ts"), std::to_string(kNowMs - kNowMs % 1000));
  const auto book = get("/market/books?instId=BTC-USDT").at("data");
  ASSERT_EQ(book.size(), 1u);
  EXPECT_EQ(book[0].at("bids").size(), 1u) << "sz defaults to 1";
  EXPECT_EQ(book[0].at("bids")[0][0], btc.at("bidPx"));
  EXPECT_EQ(book[0].at("asks")[0][0], btc.at("askPx"));
  EXPECT_TRUE(get("/market/tickers?instType=SWAP").at("data").empty());
  EXPECT_EQ(get("/market/ticker?instId=BTC-USDT").at("data")[0], btc);
  // sodUtc0 is the open of today's UTC day candle.
  const auto day = get("/market/candles?instId=BTC-USDT&bar=1Dutc&limit=1").at("data")[0];
  EXPECT_EQ(btc.at("sodUtc0"), day[1]);
}

TEST_F(OkxSim, BooksHaveFourFieldLevelsUpTo400And5000InBooksFull) {
  const auto book = get("/market/books?instId=BTC-USDT&sz=400").at("data")[0];
  ASSERT_EQ(book.at("asks").size(), 400u);
  ASSERT_EQ(book.at("asks")[0].size(), 4u);
  EXPECT_EQ(book.at("asks")[0][2], "0");
  EXPECT_EQ(book.at("ts"), std::to_string(kNowMs - kNowMs % 1000));
  EXPECT_EQ(get("/market/books?instId=BTC-USDT&sz=401").at("msg"), "Parameter sz error");
  EXPECT_EQ(get("/market/books-full?instId=BTC-USDT&sz=1000").at("data")[0].at("asks").size(),
            1000u);
}

TEST_F(OkxSim, InstrumentsOfEveryTypeCcxtAsksFor) {
  const auto spot = get("/public/instruments?instType=SPOT").at("data");
  ASSERT_GE(spot.size(), 2u);
  EXPECT_EQ(spot[0].at("instId"), "BTC-USDT");
  EXPECT_EQ(spot[0].at("baseCcy"), "BTC");
  EXPECT_EQ(spot[0].at("quoteCcy"), "USDT");
  EXPECT_EQ(spot[0].at("state"), "live");
  for (const char* type : {"FUTURES", "SWAP", "MARGIN"}) {
    const auto other = get(std::string("/public/instruments?instType=") + type);
    EXPECT_EQ(other.at("code"), "0") << type;
    EXPECT_TRUE(other.at("data").empty()) << type;
  }
  EXPECT_TRUE(get("/public/instruments?instType=OPTION&uly=BTC-USD").at("data").empty());
  EXPECT_EQ(get("/public/instruments?instType=SPOT&instId=ETH-USDT").at("data").size(), 1u);
  EXPECT_EQ(get("/public/time").at("data")[0].at("ts"), kNow);
}

TEST_F(OkxSim, TheSameCandlesAsEveryOtherVenue) {
  const std::int64_t start = kNowMs - kNowMs % kHour - 10 * kHour;
  const auto okx = get("/market/history-candles?instId=ETH-USDT&bar=1H&before=" +
                       std::to_string(start - 1) + "&after=" + std::to_string(start + 5 * kHour))
                       .at("data");
  const auto bybit = sim_.get_json("/bybit/v5/market/kline?category=spot&symbol=ETHUSDT&interval=60"
                                   "&start=" + std::to_string(start) + "&end=" +
                                   std::to_string(start + 4 * kHour))
                         .at("result")
                         .at("list");
  ASSERT_EQ(okx.size(), 5u);
  ASSERT_EQ(bybit.size(), 5u);
  for (std::size_t i = 0; i < okx.size(); ++i) {  // both newest first
    for (std::size_t field = 0; field < 6; ++field) EXPECT_EQ(okx[i][field], bybit[i][field]);
    EXPECT_EQ(okx[i][7], bybit[i][6]) << "volCcyQuote is Bybit's turnover";
  }
}

TEST(OkxSimRateLimit, EachEndpointHasItsBudgetThen429With50011) {
  const Simulator sim({"--now-ms", kNow, "--okx-history-limit", "2"});
  const std::string history = kApi + "/market/history-candles?instId=BTC-USDT&limit=1";
  EXPECT_EQ(sim.get(history)->status, 200);
  EXPECT_EQ(sim.get(history)->status, 200);
  const auto limited = sim.get(history);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"code":"50011","data":[],"msg":"Too Many Requests"})");
  EXPECT_FALSE(limited->has_header("Retry-After"));
  EXPECT_EQ(sim.get(kApi + "/market/candles?instId=BTC-USDT&limit=1")->status, 200);
  // Tickers: 20 per 2 s.
  int admitted = 0;
  while (admitted < 25 && sim.get(kApi + "/market/tickers?instType=SPOT")->status == 200) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 20);
}

TEST(OkxSimFaults, InjectedFailuresAreWordedAsOkx) {
  const Simulator sim({"--now-ms", kNow, "--rate-limit-every", "1"});
  const auto limited = sim.get(kApi + "/market/tickers?instType=SPOT");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(nlohmann::json::parse(limited->body).at("code"), "50011");
  sim.set_faults({{"rate_limit_every", 0}, {"error_rate", 1.0}});
  const auto failed = sim.get(kApi + "/market/tickers?instType=SPOT");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(nlohmann::json::parse(failed->body).at("code"), "50026");
}

TEST(OkxSimFaults, CandleFaultsReachTheDataRows) {
  const Simulator sim({"--now-ms", kNow, "--duplicate-rate", "1"});
  const auto data =
      sim.get_json(kApi + "/market/history-candles?instId=BTC-USDT&limit=3").at("data");
  ASSERT_EQ(data.size(), 6u);
  EXPECT_EQ(data[0], data[1]);
}

TEST(OkxSimFaults, AnswersAreGzippedOnRequest) {
  const Simulator sim({"--now-ms", kNow});
  const auto result = sim.get(kApi + "/market/tickers?instType=SPOT",
                              {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
