// Bybit's /v5/market/orderbook answer read by parse_orderbook (the recorded cases are in
// orderbook_conformance_test.cpp, the requests in orderbook_http_test.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/bybit.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::TestExchange;
using unit::ThrowsError;

// An envelope around `result` (its JSON text), as the live API writes it: numbers for retCode
// and time.
std::string envelope(const std::string& result, const std::string& ret_code = "0",
                     const std::string& ret_msg = "OK") {
  return R"({"retCode":)" + ret_code + R"(,"retMsg":")" + ret_msg + R"(","result":)" + result +
         R"(,"retExtInfo":{},"time":1716863719382})";
}

// A spot book result as the docs show it: levels two strings, times and ids numbers.
std::string result(const std::string& bids = R"([["65485.47","47.081829"],["65485.46","0.5"]])",
                   const std::string& asks = R"([["65557.7","16.606555"]])",
                   const std::string& ts = "1716863719382", const std::string& u = "230704") {
  return R"({"s":"BTCUSDT","b":)" + bids + R"(,"a":)" + asks + R"(,"ts":)" + ts + R"(,"u":)" +
         u + R"(,"seq":1432604333,"cts":1716863718905})";
}

class BybitOrderBook : public ::testing::Test {
 protected:
  RawBook parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    RawBook book;
    client_.exchange.parse_orderbook(*bodies_.back(), book);
    return book;
  }

  TestExchange<Bybit> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(BybitOrderBook, ReadsBothSidesTheTimeAndTheUpdateId) {
  const RawBook book = parse(envelope(result()));
  EXPECT_EQ(book.ts, 1716863719382);   // result.ts, not the envelope's time or cts
  EXPECT_EQ(book.sequence, 230704);    // u, not seq
  ASSERT_EQ(book.bids.size(), 2u);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_TRUE(book.bids[0].malformed.empty()) << book.bids[0].malformed;
  EXPECT_EQ(book.bids[0].price, "65485.47");
  EXPECT_EQ(book.bids[0].amount, "47.081829");
  EXPECT_EQ(book.bids[1].price, "65485.46");
  EXPECT_EQ(book.bids[1].amount, "0.5");
  EXPECT_EQ(book.asks[0].price, "65557.7");
  EXPECT_EQ(book.asks[0].amount, "16.606555");
}

TEST_F(BybitOrderBook, StringsForRetCodeTsAndULikeCcxtsRecordings) {
  const RawBook book =
      parse(R"({"retCode":"0","retMsg":"OK","result":)" +
            result(R"([["1","2"]])", "[]", "\"1706803989954\"", "\"4313234\"") +
            R"(,"retExtInfo":{},"time":"1706803989955"})");
  EXPECT_EQ(book.ts, 1706803989954);
  EXPECT_EQ(book.sequence, 4313234);
  ASSERT_EQ(book.bids.size(), 1u);
  EXPECT_TRUE(book.asks.empty());
}

TEST_F(BybitOrderBook, NoTsOrULeavesThemEmpty) {
  const RawBook book = parse(envelope(R"({"s":"BTCUSDT","b":[],"a":[]})"));
  EXPECT_FALSE(book.ts.has_value());
  EXPECT_FALSE(book.sequence.has_value());
}

TEST_F(BybitOrderBook, ATsOrUThatIsNotAnIntegerIsABadPayload) {
  for (const std::string bad : {"\"soon\"", "1.5", "null", "{}"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(envelope(result("[]", "[]", bad, "1"))); },
                            ErrorKind::kBadPayload,
                            {"bybit", "orderbook response", "ts", "not an integer"}))
        << bad;
    EXPECT_TRUE(ThrowsError([&] { parse(envelope(result("[]", "[]", "1", bad))); },
                            ErrorKind::kBadPayload,
                            {"bybit", "orderbook response", "u that is not an integer"}))
        << bad;
  }
}

TEST_F(BybitOrderBook, EmptySidesAreAnEmptyBook) {
  const RawBook book = parse(envelope(result("[]", "[]")));
  EXPECT_TRUE(book.bids.empty());
  EXPECT_TRUE(book.asks.empty());
  EXPECT_EQ(book.sequence, 230704);
}

TEST_F(BybitOrderBook, UnreadableLevelsAreFlaggedWhileOthersParse) {
  const RawBook book = parse(envelope(
      result(R"([["1","2"],"1",["1"],[1,"2"],["1",2],["0.9","3","x"]])", R"([null,["2","1"]])")));
  ASSERT_EQ(book.bids.size(), 6u);
  EXPECT_TRUE(book.bids[0].malformed.empty());
  EXPECT_EQ(book.bids[1].malformed, "level is not an array");
  EXPECT_EQ(book.bids[2].malformed, "level has fewer than 2 fields");
  EXPECT_EQ(book.bids[3].malformed, "level price is not a string");
  EXPECT_EQ(book.bids[4].malformed, "level amount is not a string");
  EXPECT_TRUE(book.bids[5].malformed.empty());
  EXPECT_EQ(book.bids[5].amount, "3");
  ASSERT_EQ(book.asks.size(), 2u);
  EXPECT_EQ(book.asks[0].malformed, "level is not an array");
  EXPECT_TRUE(book.asks[1].malformed.empty());
  EXPECT_EQ(book.asks[1].price, "2");
}

TEST_F(BybitOrderBook, AnErrorEnvelopeWithHttp200IsABadPayloadNamingRetCode) {
  // What Bybit sends for an unknown symbol: HTTP 200, retCode 10001, an empty result.
  EXPECT_TRUE(ThrowsError(
      [&] { parse(envelope("{}", "10001", "params error: symbol invalid")); },
      ErrorKind::kBadPayload,
      {"bybit", "orderbook response", "retCode 10001", "params error: symbol invalid"}));
  EXPECT_TRUE(ThrowsError([&] { parse(envelope(result(), "\"10016\"", "Service restarting")); },
                          ErrorKind::kBadPayload, {"bybit", "retCode 10016"}));
}

TEST_F(BybitOrderBook, AMissingSideOrResultIsABadPayloadNamingIt) {
  EXPECT_TRUE(ThrowsError([&] { parse(envelope(R"({"s":"BTCUSDT","a":[]})")); },
                          ErrorKind::kBadPayload, {"bybit", "orderbook response", "no b array"}));
  EXPECT_TRUE(ThrowsError([&] { parse(envelope(R"({"s":"BTCUSDT","b":[],"a":"none"})")); },
                          ErrorKind::kBadPayload, {"bybit", "orderbook response", "no a array"}));
  EXPECT_TRUE(ThrowsError([&] { parse(envelope("{}")); }, ErrorKind::kBadPayload,
                          {"bybit", "no b array"}));
  for (const std::string& text : {std::string(R"({"retCode":0,"retMsg":"OK"})"),
                                 envelope("[]"), envelope("null"), envelope("\"x\"")}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload,
                            {"bybit", "orderbook response", "no result object"}))
        << text;
  }
}

TEST_F(BybitOrderBook, OtherDocumentsAndTruncatedBodiesAreBadPayloads) {
  for (const std::string text :
       {"", "null", "[]", "{}", "\"x\"", R"({"retMsg":"OK","result":{"b":[],"a":[]}})",
        R"({"retCode":"zero","result":{"b":[],"a":[]}})", "<html>403</html>"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload,
                            {"bybit", "orderbook response"}))
        << text;
  }
  const std::string full = envelope(result());
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(ThrowsError([&] { parse(full.substr(0, length)); }, ErrorKind::kBadPayload))
        << "prefix of " << length << " bytes";
  }
}

TEST_F(BybitOrderBook, EnvelopesWithoutAResultAreBadPayloadsForTheOtherResponsesToo) {
  // result_list reads the result through the same check as the book: a missing result is a
  // bad payload, never a read of an empty element.
  std::string body = R"({"retCode":0,"retMsg":"OK","time":1})";
  std::vector<RawTicker> tickers;
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_tickers(body, tickers); },
                          ErrorKind::kBadPayload, {"bybit", "tickers response", "no result"}));
  std::vector<RawCandle> rows;
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body, rows); },
                          ErrorKind::kBadPayload, {"bybit", "kline response", "no result"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
