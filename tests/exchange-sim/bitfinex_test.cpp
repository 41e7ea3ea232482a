// Bitfinex v2 in the simulator: candles as JSON numbers with inclusive ms bounds and both sort
// orders, tickers and books in their array layouts, the conf lists ccxt loads markets and
// currencies from, the ["error", 10020, ...] answers, the per-endpoint limit with its block, the
// injected faults in Bitfinex's words, the candle switches and gzip.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z, a whole minute
const std::string kNow = std::to_string(kNowMs);
const std::string kV2 = "/bitfinex/v2/";

class BitfinexSim : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path_and_query) const {
    return simulator_.get_json(kV2 + path_and_query);
  }
  // Status and body of a request expected to fail.
  std::pair<int, std::string> fail(const std::string& path_and_query) const {
    const auto result = simulator_.get(kV2 + path_and_query);
    return {result ? result->status : 0, result ? result->body : ""};
  }

  const Simulator simulator_{{"--now-ms", kNow}};
};

TEST_F(BitfinexSim, CandleBoundsAreInclusiveMillisecondsAndSortOneIsOldestFirst) {
  const std::int64_t start = kNowMs - 10 * 60'000;
  const auto rows = get("candles/trade:1m:tBTCUST/hist?sort=1&start=" + std::to_string(start) +
                        "&end=" + std::to_string(start + 2 * 60'000) + "&limit=10000");
  ASSERT_EQ(rows.size(), 3u) << rows.dump();
  EXPECT_EQ(rows[0][0], start);
  EXPECT_EQ(rows[2][0], start + 2 * 60'000);
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 6u);
    for (const auto& field : row) EXPECT_TRUE(field.is_number()) << row.dump();
    // [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]: the high tops open and close, the low is below.
    EXPECT_GE(row[3].get<double>(), std::max(row[1].get<double>(), row[2].get<double>()));
    EXPECT_LE(row[4].get<double>(), std::min(row[1].get<double>(), row[2].get<double>()));
  }
  // A start inside a candle begins at the next one.
  const auto inside = get("candles/trade:1m:tBTCUST/hist?sort=1&limit=1&start=" +
                          std::to_string(start + 1));
  EXPECT_EQ(inside[0][0], start + 60'000);
}

TEST_F(BitfinexSim, TheDefaultIsTheNewestHundredNewestFirst) {
  const auto rows = get("candles/trade:1m:tBTCUST/hist");
  ASSERT_EQ(rows.size(), 100u);
  EXPECT_EQ(rows[0][0], kNowMs);  // the candle still open
  EXPECT_EQ(rows[99][0], kNowMs - 99 * 60'000);
  const auto limited = get("candles/trade:1h:tBTCUST/hist?limit=2&end=" +
                           std::to_string(kNowMs - 3'600'000));
  ASSERT_EQ(limited.size(), 2u);
  EXPECT_GT(limited[0][0].get<std::int64_t>(), limited[1][0].get<std::int64_t>());
  EXPECT_EQ(limited[0][0], 1706634000000);  // 17:00, the hour holding the end
  const auto last = get("candles/trade:1m:tBTCUST/last");
  ASSERT_EQ(last.size(), 6u) << "one flat row";
  EXPECT_EQ(last[0], kNowMs);
}

TEST_F(BitfinexSim, LongCodesTakeTheColonAndUsdtIsUst) {
  EXPECT_EQ(get("candles/trade:1D:tDOGE:UST/hist?limit=1").size(), 1u);
  EXPECT_EQ(get("candles/trade:1W:tATOUST/hist?limit=1").size(), 1u);
  EXPECT_EQ(fail("candles/trade:1m:tBTCUSDT/hist"),
            std::make_pair(500, std::string(R"(["error",10020,"symbol: invalid"])")));
  EXPECT_EQ(fail("candles/trade:1m:tDOGEUST/hist").first, 500);
}

TEST_F(BitfinexSim, InvalidParametersAnswer10020WithHttp500) {
  EXPECT_EQ(fail("candles/trade:4h:tBTCUST/hist"),
            std::make_pair(500, std::string(R"(["error",10020,"time_frame: invalid"])")));
  EXPECT_EQ(fail("candles/trade:1m:tBTCUST/hist?limit=10001").second,
            R"(["error",10020,"limit: invalid"])");
  EXPECT_EQ(fail("candles/trade:1m:tBTCUST/hist?start=abc").second,
            R"(["error",10020,"start: invalid"])");
  EXPECT_EQ(fail("tickers").second, R"(["error",10020,"symbols: invalid"])");
  EXPECT_EQ(fail("book/tBTCUST/P0?len=20").second, R"(["error",10020,"len: invalid"])");
  EXPECT_EQ(fail("book/tNOPE/P0").second, R"(["error",10020,"symbol: invalid"])");
  EXPECT_EQ(get("candles/trade:1m:tBTCUST/hist?limit=10000").size(), 10000u);
}

TEST_F(BitfinexSim, TickersOfAListOrAllWithFunding) {
  const auto some = get("tickers?symbols=tBTCUST,tLINK:UST,tNOPE");
  ASSERT_EQ(some.size(), 2u) << "unknown symbols are left out";
  EXPECT_EQ(some[0][0], "tBTCUST");
  EXPECT_EQ(some[1][0], "tLINK:UST");
  ASSERT_EQ(some[0].size(), 11u);
  // BID < LAST_PRICE < ASK, LOW <= LAST_PRICE <= HIGH.
  EXPECT_LT(some[0][1].get<double>(), some[0][3].get<double>());
  EXPECT_LE(some[0][10].get<double>(), some[0][7].get<double>());
  EXPECT_GE(some[0][9].get<double>(), some[0][7].get<double>());
  const auto one = get("ticker/tBTCUST");
  ASSERT_EQ(one.size(), 10u) << "the single ticker has no symbol";
  EXPECT_EQ(one[6], some[0][7]);
  EXPECT_EQ(fail("ticker/tNOPE").second, R"(["error",10020,"symbol: invalid"])");
  const auto all = get("tickers?symbols=ALL");
  ASSERT_EQ(all.size(), 22u) << "20 pairs and two funding tickers";
  EXPECT_EQ(all[20][0], "fUSD");
  EXPECT_EQ(all[20].size(), 17u);
}

TEST_F(BitfinexSim, BooksMixBothSidesSignedBidsFirst) {
  const auto book = get("book/tBTCUST/P0?len=25");
  ASSERT_EQ(book.size(), 50u);
  for (std::size_t i = 0; i < book.size(); ++i) {
    ASSERT_EQ(book[i].size(), 3u);
    const bool bid = i < 25;
    EXPECT_EQ(book[i][2].get<double>() > 0, bid) << i;
    EXPECT_GE(book[i][1].get<int>(), 1);
  }
  EXPECT_GT(book[0][0].get<double>(), book[24][0].get<double>()) << "bids best first";
  EXPECT_LT(book[25][0].get<double>(), book[49][0].get<double>()) << "asks best first";
  EXPECT_LT(book[0][0].get<double>(), book[25][0].get<double>());
  EXPECT_EQ(get("book/tBTCUST/P0?len=1").size(), 2u);
  EXPECT_EQ(get("book/tBTCUST/P0").size(), 50u) << "25 a side by default";
  const auto raw = get("book/tBTCUST/R0?len=1");
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0][1], book[0][0]) << "R0: [ORDER_ID, PRICE, AMOUNT]";
}

TEST_F(BitfinexSim, ConfServesWhatCcxtLoadsMarketsAndCurrenciesFrom) {
  const auto exchange = get("conf/pub:list:pair:exchange");
  ASSERT_EQ(exchange.size(), 1u);
  ASSERT_EQ(exchange[0].size(), 20u);
  EXPECT_EQ(exchange[0][0], "BTCUST");
  const auto markets =
      get("conf/pub:info:pair,pub:info:pair:futures,pub:list:pair:securities,pub:list:pair:margin");
  ASSERT_EQ(markets.size(), 4u);
  EXPECT_EQ(markets[0][0][0], "BTCUST");
  EXPECT_EQ(markets[0][0][1].size(), 12u);
  EXPECT_TRUE(markets[0][0][1][3].is_string()) << "the minimum order size";
  EXPECT_EQ(markets[1], nlohmann::json::array());
  const auto currencies = get(
      "conf/pub:list:currency,pub:map:currency:sym,pub:map:currency:label,pub:map:currency:unit,"
      "pub:map:currency:undl,pub:map:currency:pool,pub:map:currency:explorer,"
      "pub:map:currency:tx:fee,pub:map:tx:method,pub:info:tx:status,pub:list:currency:margin");
  ASSERT_EQ(currencies.size(), 11u);
  EXPECT_NE(std::find(currencies[0].begin(), currencies[0].end(), "UST"), currencies[0].end());
  EXPECT_EQ(currencies[1][0], nlohmann::json::array({"UST", "USDt"}));
  EXPECT_TRUE(get("conf/pub:nothing")[0].is_null());
}

TEST(BitfinexSimLimit, OverTheMinutesBudgetTheEndpointIsBlocked) {
  const Simulator simulator({"--now-ms", kNow, "--bitfinex-candle-limit", "2",
                             "--bitfinex-block-seconds", "60"});
  const std::string candles = kV2 + "candles/trade:1m:tBTCUST/hist?limit=1";
  EXPECT_EQ(simulator.get(candles)->status, 200);
  EXPECT_EQ(simulator.get(candles)->status, 200);
  const auto limited = simulator.get(candles);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"error":"ERR_RATE_LIMIT"})");
  EXPECT_FALSE(limited->has_header("Retry-After"));
  EXPECT_EQ(simulator.get(kV2 + "tickers?symbols=ALL")->status, 200) << "its own budget";
}

TEST(BitfinexSimLimit, DefaultsAreThirtyCandleRequestsAMinute) {
  const Simulator simulator({"--now-ms", kNow});
  int admitted = 0;
  for (int i = 0; i < 31; ++i) {
    if (simulator.get(kV2 + "candles/trade:1m:tBTCUST/hist?limit=1")->status == 200) ++admitted;
  }
  EXPECT_EQ(admitted, 30);
}

TEST(BitfinexSimFaults, InjectedFailuresAreWordedAsBitfinex) {
  const Simulator simulator({"--now-ms", kNow, "--rate-limit-every", "1", "--retry-after", "7"});
  const auto limited = simulator.get(kV2 + "tickers?symbols=ALL");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"error":"ERR_RATE_LIMIT"})");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "7");
  const Simulator failing({"--now-ms", kNow, "--error-rate", "1"});
  const auto error = failing.get(kV2 + "tickers?symbols=ALL");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 500);
  EXPECT_EQ(error->body, R"(["error",10000,"unknown error"])");
}

TEST(BitfinexSimFaults, CandleSwitchesAndGzip) {
  const Simulator simulator({"--now-ms", kNow});
  const std::int64_t start = kNowMs - 5 * 60'000;
  simulator.set_faults({{"gap_from_ms", start + 60'000}, {"gap_to_ms", start + 3 * 60'000}});
  const auto rows = simulator.get_json(kV2 + "candles/trade:1m:tBTCUST/hist?sort=1&start=" +
                                       std::to_string(start) + "&end=" +
                                       std::to_string(start + 4 * 60'000));
  ASSERT_EQ(rows.size(), 3u) << rows.dump();
  EXPECT_EQ(rows[0][0], start);
  EXPECT_EQ(rows[1][0], start + 3 * 60'000) << "the two candles of the gap are left out";
  const auto compressed = simulator.get(kV2 + "tickers?symbols=ALL", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->status, 200);
  EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
