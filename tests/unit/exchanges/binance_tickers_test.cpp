// Binance's 24hr ticker response read by parse_tickers (the recorded cases are in
// ticker_conformance_test.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::TestBinance;
using unit::ThrowsError;

// One FULL 24hr ticker as the live API writes it: decimals quoted, times and counts numbers.
std::string ticker(const std::string& symbol = "BTCUSDT",
                   const std::string& close_time = "1710328245391") {
  return R"({"symbol":")" + symbol +
         R"(","priceChange":"1188.75000000","priceChangePercent":"-1.647",)"
         R"("weightedAvgPrice":"71624.65401064","prevClosePrice":"72180.93000000",)"
         R"("lastPrice":"73369.84000000","lastQty":"0.23925000","bidPrice":"73369.83000000",)"
         R"("bidQty":"6.27086000","askPrice":"73369.84000000","askQty":"0.03321000",)"
         R"("openPrice":"72181.09000000","highPrice":"73650.25000000",)"
         R"("lowPrice":"68620.82000000","volume":"72140.34862800",)"
         R"("quoteVolume":"5167027510.68728707","openTime":1710241845391,"closeTime":)" +
         close_time + R"(,"firstId":3476288989,"lastId":3479476926,"count":3187938})";
}

class BinanceTickers : public ::testing::Test {
 protected:
  std::vector<RawTicker> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<RawTicker> tickers;
    client_.exchange.parse_tickers(*bodies_.back(), tickers);
    return tickers;
  }

  TestBinance client_;
  std::vector<std::unique_ptr<std::string>> bodies_;  // the tickers' views point into these
};

TEST_F(BinanceTickers, ReadsEveryFieldOfALiveTicker) {
  const auto tickers = parse("[" + ticker() + "]");
  ASSERT_EQ(tickers.size(), 1u);
  const RawTicker& t = tickers[0];
  EXPECT_TRUE(t.malformed.empty()) << t.malformed;
  EXPECT_EQ(t.market_id, "BTCUSDT");
  EXPECT_EQ(t.ts, 1710328245391);  // closeTime: the end of the 24 h window
  EXPECT_EQ(t.last, "73369.84000000");
  EXPECT_EQ(t.bid, "73369.83000000");
  EXPECT_EQ(t.bid_size, "6.27086000");
  EXPECT_EQ(t.ask, "73369.84000000");
  EXPECT_EQ(t.ask_size, "0.03321000");
  EXPECT_EQ(t.open, "72181.09000000");
  EXPECT_EQ(t.high, "73650.25000000");
  EXPECT_EQ(t.low, "68620.82000000");
  EXPECT_EQ(t.base_volume, "72140.34862800");
  EXPECT_EQ(t.quote_volume, "5167027510.68728707");
  EXPECT_EQ(t.change_percent, "-1.647");  // already percent: -1.647 %
}

TEST_F(BinanceTickers, ASingleObjectIsOneTicker) {
  // The answer to `symbol=` (we send `symbols=`, but both shapes are Binance's).
  const auto tickers = parse(ticker("ETHBTC"));
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_TRUE(tickers[0].malformed.empty()) << tickers[0].malformed;
  EXPECT_EQ(tickers[0].market_id, "ETHBTC");
  EXPECT_EQ(tickers[0].last, "73369.84000000");
}

TEST_F(BinanceTickers, CloseTimeAsNumberOrStringAndAbsent) {
  const auto tickers = parse("[" + ticker("A", "1710328245391") + "," +
                             ticker("B", "\"1710328245392\"") + "," +
                             R"({"symbol":"C","lastPrice":"1"}])");
  ASSERT_EQ(tickers.size(), 3u);
  EXPECT_EQ(tickers[0].ts, 1710328245391);
  EXPECT_EQ(tickers[1].ts, 1710328245392);  // as ccxt's recording has it
  EXPECT_TRUE(tickers[2].malformed.empty()) << tickers[2].malformed;
  EXPECT_FALSE(tickers[2].ts.has_value());
  EXPECT_EQ(tickers[2].last, "1");
  EXPECT_TRUE(tickers[2].bid.empty());
}

TEST_F(BinanceTickers, UnreadableTickersAreFlaggedWhileOthersParse) {
  const auto tickers = parse("[" + ticker("AUSDT") + R"(,["BTCUSDT","1"],"BTCUSDT",null,)"
                             R"({"lastPrice":"1"},{"symbol":42,"lastPrice":"1"},{"symbol":""},)" +
                             ticker("BADTIME", "\"soon\"") + "," + ticker("BUSDT") + "]");
  ASSERT_EQ(tickers.size(), 9u);
  EXPECT_TRUE(tickers[0].malformed.empty()) << tickers[0].malformed;
  EXPECT_EQ(tickers[1].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[2].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[3].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[4].malformed, "ticker has no market id");
  EXPECT_EQ(tickers[5].malformed, "ticker has no market id");
  EXPECT_EQ(tickers[6].malformed, "ticker has no market id");
  EXPECT_EQ(tickers[7].malformed, "closeTime is not an integer");
  EXPECT_EQ(tickers[7].market_id, "BADTIME");  // named in the rejects
  EXPECT_TRUE(tickers[8].malformed.empty()) << tickers[8].malformed;
  EXPECT_EQ(tickers[8].market_id, "BUSDT");
}

TEST_F(BinanceTickers, UnquotedAndNullDecimalsAreLeftEmptyAndEmptyStringsStayEmpty) {
  // Never re-printed from a double: empty fails decimal validation downstream.
  const auto tickers = parse(
      R"([{"symbol":"BTCUSDT","lastPrice":73369.84,"bidPrice":null,"askPrice":true,)"
      R"("openPrice":{},"highPrice":["1"],"lowPrice":"","volume":"0","closeTime":1}])");
  ASSERT_EQ(tickers.size(), 1u);
  const RawTicker& t = tickers[0];
  EXPECT_TRUE(t.malformed.empty()) << t.malformed;
  EXPECT_TRUE(t.last.empty());
  EXPECT_TRUE(t.bid.empty());
  EXPECT_TRUE(t.ask.empty());
  EXPECT_TRUE(t.open.empty());
  EXPECT_TRUE(t.high.empty());
  EXPECT_TRUE(t.low.empty());
  EXPECT_EQ(t.base_volume, "0");
  EXPECT_TRUE(t.quote_volume.empty());
}

TEST_F(BinanceTickers, ReplacesTheTickersOfAPreviousCall) {
  std::string first = "[" + ticker("A") + "," + ticker("B") + "]";
  std::string second = "[]";
  std::vector<RawTicker> tickers;
  client_.exchange.parse_tickers(first, tickers);
  ASSERT_EQ(tickers.size(), 2u);
  client_.exchange.parse_tickers(second, tickers);
  EXPECT_TRUE(tickers.empty());
}

TEST_F(BinanceTickers, AnErrorBodyIsABadPayloadNamingItsCode) {
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"code":-1121,"msg":"Invalid symbol."})"); },
                          ErrorKind::kBadPayload, {"binance", "24hr ticker", "-1121"}));
}

TEST_F(BinanceTickers, OtherDocumentsAndTruncatedBodiesAreBadPayloads) {
  for (const std::string text : {"null", "42", "\"[]\"", "{}", "", "  ", "<html>502</html>",
                                 "[] x", "[][]"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload, {"binance"})) << text;
  }
  const std::string full = "[" + ticker() + "]";
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(ThrowsError([&] { parse(full.substr(0, length)); }, ErrorKind::kBadPayload))
        << "prefix of " << length << " bytes";
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
