// Binance's /api/v3/depth answer read by parse_orderbook (the recorded cases are in
// orderbook_conformance_test.cpp, the requests in orderbook_http_test.cpp).
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

// A depth answer as the live API writes it: lastUpdateId a number, every level two strings.
constexpr const char* kLiveBook =
    R"({"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"],["3.99000000","9.10000000"]],)"
    R"("asks":[["4.00000200","12.00000000"],["4.01000000","0.00010000"],["5.5","1"]]})";

class BinanceOrderBook : public ::testing::Test {
 protected:
  RawBook parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    RawBook book;
    client_.exchange.parse_orderbook(*bodies_.back(), book);
    return book;
  }

  TestBinance client_;
  std::vector<std::unique_ptr<std::string>> bodies_;  // the levels' views point into these
};

TEST_F(BinanceOrderBook, ReadsBothSidesAsTheExactTextInTheExchangesOrder) {
  const RawBook book = parse(kLiveBook);
  EXPECT_EQ(book.sequence, 1027024);
  EXPECT_FALSE(book.ts.has_value());  // the spot book carries no time
  ASSERT_EQ(book.bids.size(), 2u);
  ASSERT_EQ(book.asks.size(), 3u);
  for (const auto* side : {&book.bids, &book.asks}) {
    for (const RawLevel& level : *side) EXPECT_TRUE(level.malformed.empty()) << level.malformed;
  }
  EXPECT_EQ(book.bids[0].price, "4.00000000");
  EXPECT_EQ(book.bids[0].amount, "431.00000000");
  EXPECT_EQ(book.bids[1].price, "3.99000000");
  EXPECT_EQ(book.bids[1].amount, "9.10000000");
  EXPECT_EQ(book.asks[0].price, "4.00000200");
  EXPECT_EQ(book.asks[0].amount, "12.00000000");
  EXPECT_EQ(book.asks[1].amount, "0.00010000");
  EXPECT_EQ(book.asks[2].price, "5.5");
  EXPECT_EQ(book.asks[2].amount, "1");
}

TEST_F(BinanceOrderBook, LastUpdateIdAsStringOrAbsent) {
  EXPECT_EQ(parse(R"({"lastUpdateId":"25445101","bids":[],"asks":[]})").sequence, 25445101);
  EXPECT_EQ(parse(R"({"lastUpdateId":9007199254740993,"bids":[],"asks":[]})").sequence,
            9007199254740993);  // beyond a double's integers
  EXPECT_FALSE(parse(R"({"bids":[],"asks":[]})").sequence.has_value());
}

TEST_F(BinanceOrderBook, ALastUpdateIdThatIsNotAnIntegerIsABadPayload) {
  for (const std::string id : {"\"soon\"", "1.5", "null", "[]", "\"\"", "\"12 \""}) {
    EXPECT_TRUE(ThrowsError(
        [&] { parse(R"({"lastUpdateId":)" + id + R"(,"bids":[],"asks":[]})"); },
        ErrorKind::kBadPayload, {"binance", "depth response", "lastUpdateId", "not an integer"}))
        << id;
  }
}

TEST_F(BinanceOrderBook, EmptySidesAreAnEmptyBook) {
  const RawBook book = parse(R"({"lastUpdateId":7,"bids":[],"asks":[]})");
  EXPECT_TRUE(book.bids.empty());
  EXPECT_TRUE(book.asks.empty());
  EXPECT_EQ(book.sequence, 7);
}

TEST_F(BinanceOrderBook, UnreadableLevelsAreFlaggedWhileOthersParse) {
  const RawBook book = parse(
      R"({"lastUpdateId":1,"bids":[["1.5","2"],"1.5",null,{"p":"1"},[],["1.4"],[1.4,"2"],)"
      R"(["1.4",2],["1.4",null],["1.3","3","ignored",4],["",""]],"asks":[["2","1"],[["2","1"]]]})");
  ASSERT_EQ(book.bids.size(), 11u);
  EXPECT_TRUE(book.bids[0].malformed.empty()) << book.bids[0].malformed;
  EXPECT_EQ(book.bids[0].price, "1.5");
  EXPECT_EQ(book.bids[1].malformed, "level is not an array");
  EXPECT_EQ(book.bids[2].malformed, "level is not an array");
  EXPECT_EQ(book.bids[3].malformed, "level is not an array");
  EXPECT_EQ(book.bids[4].malformed, "level has fewer than 2 fields");
  EXPECT_EQ(book.bids[5].malformed, "level has fewer than 2 fields");
  EXPECT_EQ(book.bids[6].malformed, "level price is not a string");  // never through a double
  EXPECT_EQ(book.bids[7].malformed, "level amount is not a string");
  EXPECT_EQ(book.bids[8].malformed, "level amount is not a string");
  // Elements after the second are ignored.
  EXPECT_TRUE(book.bids[9].malformed.empty()) << book.bids[9].malformed;
  EXPECT_EQ(book.bids[9].price, "1.3");
  EXPECT_EQ(book.bids[9].amount, "3");
  // Strings that are not decimals are read as they are: the transform validates the digits.
  EXPECT_TRUE(book.bids[10].malformed.empty()) << book.bids[10].malformed;
  EXPECT_TRUE(book.bids[10].price.empty());
  ASSERT_EQ(book.asks.size(), 2u);
  EXPECT_TRUE(book.asks[0].malformed.empty());
  EXPECT_EQ(book.asks[1].malformed, "level price is not a string");
}

TEST_F(BinanceOrderBook, ReplacesTheBookOfAPreviousCall) {
  RawBook book;
  std::string first = kLiveBook;
  client_.exchange.parse_orderbook(first, book);
  ASSERT_EQ(book.asks.size(), 3u);
  std::string second = R"({"bids":[["1","1"]],"asks":[]})";
  client_.exchange.parse_orderbook(second, book);
  EXPECT_FALSE(book.sequence.has_value());
  ASSERT_EQ(book.bids.size(), 1u);
  EXPECT_EQ(book.bids[0].price, "1");
  EXPECT_TRUE(book.asks.empty());
}

TEST_F(BinanceOrderBook, AMissingSideIsABadPayloadNamingIt) {
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"lastUpdateId":1,"asks":[]})"); },
                          ErrorKind::kBadPayload, {"binance", "depth response", "no bids array"}));
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"lastUpdateId":1,"bids":[],"asks":{}})"); },
                          ErrorKind::kBadPayload, {"binance", "depth response", "no asks array"}));
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"lastUpdateId":1,"bids":null,"asks":[]})"); },
                          ErrorKind::kBadPayload, {"binance", "no bids array"}));
  EXPECT_TRUE(ThrowsError([&] { parse("{}"); }, ErrorKind::kBadPayload, {"binance", "bids"}));
}

TEST_F(BinanceOrderBook, AnErrorBodyIsABadPayloadNamingItsCode) {
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"code":-1121,"msg":"Invalid symbol."})"); },
                          ErrorKind::kBadPayload,
                          {"binance", "depth response", "code -1121: Invalid symbol."}));
}

TEST_F(BinanceOrderBook, OtherDocumentsAndTruncatedBodiesAreBadPayloads) {
  for (const std::string text : {"null", "42", "\"{}\"", "[]", "[[\"1\",\"2\"]]", "", "  ",
                                 "<html>502</html>", "{} x", "{}{}"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload, {"binance"})) << text;
  }
  const std::string full = kLiveBook;
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(ThrowsError([&] { parse(full.substr(0, length)); }, ErrorKind::kBadPayload))
        << "prefix of " << length << " bytes";
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
