// KuCoin spot as the simulator serves it: the {code, data} envelope, candle bounds in seconds,
// row order and the 1500-row cap, tickers, books at 20 and 100, the symbols, currencies,
// timestamp and status that ccxt's load_markets and helpers ask for, business errors in
// HTTP 200, and the weighted public pool with its gw-ratelimit-* headers and 429000.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

// 2024-01-30 16:00:00.5 UTC.
constexpr std::int64_t kNowMs = 1706630400500;
constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kHour = 60 * kMinute;
const std::string kNow = std::to_string(kNowMs);
const std::string kApi = "/kucoin/api";

std::int64_t seconds_of(const nlohmann::json& row) {
  return std::stoll(row[0].get<std::string>());
}

class KuCoinSim : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path_and_query) const {
    return sim_.get_json(kApi + path_and_query);
  }
  Simulator sim_{{"--now-ms", kNow}};
};

TEST_F(KuCoinSim, CandlesOpenInStartAtInclusiveToEndAtExclusiveNewestFirst) {
  const std::int64_t start_s = (kNowMs - kNowMs % kMinute - 10 * kMinute) / 1000;
  const auto page = get("/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=" +
                        std::to_string(start_s) + "&endAt=" + std::to_string(start_s + 300));
  EXPECT_EQ(page.at("code"), "200000");
  const auto& data = page.at("data");
  ASSERT_EQ(data.size(), 5u);
  for (std::size_t i = 0; i < data.size(); ++i) {
    EXPECT_EQ(seconds_of(data[i]), start_s + static_cast<std::int64_t>(4 - i) * 60);
    ASSERT_EQ(data[i].size(), 7u);
    for (const auto& field : data[i]) EXPECT_TRUE(field.is_string());
  }
  // One second past the last open keeps it, whatever KuCoin's own endAt does.
  EXPECT_EQ(get("/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=" +
                std::to_string(start_s) + "&endAt=" + std::to_string(start_s + 301))
                .at("data")
                .size(),
            6u);
}

TEST_F(KuCoinSim, AWideWindowKeepsTheNewest1500) {
  const auto data = get("/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=1600000000")
                        .at("data");
  ASSERT_EQ(data.size(), 1500u);
  EXPECT_EQ(seconds_of(data[0]) * 1000, kNowMs - kNowMs % kMinute);  // the open one
}

TEST_F(KuCoinSim, TheSameCandlesAsEveryOtherVenue) {
  const std::int64_t start = kNowMs - kNowMs % kHour - 10 * kHour;
  const auto kucoin = get("/v1/market/candles?symbol=ETH-USDT&type=1hour&startAt=" +
                          std::to_string(start / 1000) + "&endAt=" +
                          std::to_string(start / 1000 + 5 * 3600))
                          .at("data");
  const auto bybit = sim_.get_json("/bybit/v5/market/kline?category=spot&symbol=ETHUSDT&interval=60"
                                   "&start=" + std::to_string(start) + "&end=" +
                                   std::to_string(start + 4 * kHour))
                         .at("result")
                         .at("list");
  ASSERT_EQ(kucoin.size(), 5u);
  ASSERT_EQ(bybit.size(), 5u);
  for (std::size_t i = 0; i < kucoin.size(); ++i) {  // both newest first
    EXPECT_EQ(seconds_of(kucoin[i]) * 1000, std::stoll(bybit[i][0].get<std::string>()));
    EXPECT_EQ(kucoin[i][1], bybit[i][1]);  // open
    EXPECT_EQ(kucoin[i][2], bybit[i][4]);  // close comes second on KuCoin
    EXPECT_EQ(kucoin[i][3], bybit[i][2]);  // high
    EXPECT_EQ(kucoin[i][4], bybit[i][3]);  // low
    EXPECT_EQ(kucoin[i][5], bybit[i][5]);  // volume
    EXPECT_EQ(kucoin[i][6], bybit[i][6]);  // turnover
  }
}

TEST_F(KuCoinSim, BusinessErrorsComeWithHttp200) {
  const auto unknown = sim_.get(kApi + "/v1/market/candles?symbol=NOPE-USDT&type=1min");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 200);
  EXPECT_EQ(unknown->body, R"({"code":"900001","msg":"symbol not exists"})");
  EXPECT_EQ(get("/v1/market/candles?symbol=btc-usdt&type=1min").at("code"), "900001");
  EXPECT_EQ(get("/v1/market/candles?symbol=BTC-USDT&type=2min").at("code"), "400100");
  EXPECT_EQ(get("/v1/market/candles?type=1min").at("code"), "400100");
  EXPECT_EQ(get("/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=x").at("code"), "400100");
  EXPECT_EQ(get("/v1/market/orderbook/level2_20?symbol=NOPE-USDT").at("code"), "900001");
}

TEST_F(KuCoinSim, TickersAndBooks) {
  const auto all = get("/v1/market/allTickers").at("data");
  EXPECT_EQ(all.at("time"), kNowMs - kNowMs % 1000);
  ASSERT_FALSE(all.at("ticker").empty());
  const auto& btc = all.at("ticker")[0];
  EXPECT_EQ(btc.at("symbol"), "BTC-USDT");
  for (const char* key : {"buy", "sell", "last", "vol", "volValue", "changeRate", "high"}) {
    EXPECT_TRUE(btc.at(key).is_string()) << key;
  }
  const auto stats = get("/v1/market/stats?symbol=BTC-USDT").at("data");
  EXPECT_EQ(stats.at("last"), btc.at("last"));
  const auto small = get("/v1/market/orderbook/level2_20?symbol=BTC-USDT").at("data");
  EXPECT_EQ(small.at("bids").size(), 20u);
  EXPECT_EQ(small.at("asks").size(), 20u);
  EXPECT_EQ(small.at("bids")[0][0], btc.at("buy"));
  EXPECT_TRUE(small.at("sequence").is_string());
  const auto large = get("/v1/market/orderbook/level2_100?symbol=BTC-USDT").at("data");
  EXPECT_EQ(large.at("asks").size(), 100u);
  EXPECT_EQ(large.at("time"), kNowMs - kNowMs % 1000);
}

TEST_F(KuCoinSim, WhatCcxtLoadsMarketsFrom) {
  const auto symbols = get("/v2/symbols").at("data");
  ASSERT_FALSE(symbols.empty());
  EXPECT_EQ(symbols[0].at("symbol"), "BTC-USDT");
  EXPECT_EQ(symbols[0].at("baseCurrency"), "BTC");
  EXPECT_EQ(symbols[0].at("enableTrading"), true);
  const auto currencies = get("/v3/currencies").at("data");
  bool has_usdt = false;
  for (const auto& currency : currencies) has_usdt |= currency.at("currency") == "USDT";
  EXPECT_TRUE(has_usdt);
  EXPECT_EQ(get("/v1/timestamp").at("data"), kNowMs);
  EXPECT_EQ(get("/v1/status").at("data").at("status"), "open");
}

TEST(KuCoinSimRateLimit, ThePublicPoolIsWeightedAndSaysSoInItsHeaders) {
  const Simulator sim({"--now-ms", kNow, "--kucoin-limit", "20"});
  const auto first = sim.get(kApi + "/v1/market/allTickers");  // weight 15
  ASSERT_TRUE(first);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(first->get_header_value("gw-ratelimit-limit"), "20");
  EXPECT_EQ(first->get_header_value("gw-ratelimit-remaining"), "5");
  // 2024-01-30 16:00:00.5 is 0.5 s into a 30 s window.
  EXPECT_EQ(first->get_header_value("gw-ratelimit-reset"), "29500");
  EXPECT_EQ(sim.get(kApi + "/v1/market/candles?symbol=BTC-USDT&type=1min")->status, 200);  // 3
  const auto limited = sim.get(kApi + "/v1/market/candles?symbol=BTC-USDT&type=1min");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"code":"429000","msg":"Too Many Requests"})");
  EXPECT_EQ(limited->get_header_value("gw-ratelimit-remaining"), "0");
}

TEST(KuCoinSimFaults, InjectedFailuresAreWordedAsKuCoin) {
  const Simulator sim({"--now-ms", kNow, "--rate-limit-every", "1", "--retry-after", "2"});
  const auto limited = sim.get(kApi + "/v1/market/allTickers");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(nlohmann::json::parse(limited->body).at("code"), "429000");
  EXPECT_EQ(limited->get_header_value_count("gw-ratelimit-reset"), 1u);
  EXPECT_EQ(limited->get_header_value("gw-ratelimit-remaining"), "0");
  EXPECT_EQ(limited->get_header_value("gw-ratelimit-reset"), "2000");  // --retry-after, in ms
  sim.set_faults({{"rate_limit_every", 0}, {"error_rate", 1.0}});
  const auto failed = sim.get(kApi + "/v1/market/allTickers");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(nlohmann::json::parse(failed->body).at("code"), "500000");
}

TEST(KuCoinSimFaults, CandleFaultsReachTheDataRowsAndGzipIsServed) {
  const Simulator sim({"--now-ms", kNow, "--duplicate-rate", "1"});
  const auto data = sim.get_json(kApi + "/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=" +
                                 std::to_string(kNowMs / 1000 - 120))
                        .at("data");
  ASSERT_EQ(data.size(), 6u);
  EXPECT_EQ(data[0], data[1]);
  const auto zipped = sim.get(kApi + "/v1/market/allTickers", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(zipped);
  EXPECT_EQ(zipped->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
