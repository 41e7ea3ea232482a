// Gate's /spot/order_book answer read by parse_orderbook. ccxt has no recorded Gate book: the
// bodies here are in the shape of the SDK's OrderBook model (§3.4) and the simulator's answer.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/gateio.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::TestExchange;
using unit::ThrowsError;

// An answer to with_id=true: id, then current and update in ms, asks before bids.
std::string book(const std::string& asks = R"([["73364.2","0.5123"],["73364.5","1.02"]])",
                 const std::string& bids = R"([["73364.1","1.25"],["73363.9","0.001"]])",
                 const std::string& id = "123456789",
                 const std::string& current = "1710328245391") {
  return R"({"id":)" + id + R"(,"current":)" + current + R"(,"update":1710328245388,"asks":)" +
         asks + R"(,"bids":)" + bids + "}";
}

class GateIoOrderBook : public ::testing::Test {
 protected:
  RawBook parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    RawBook result;
    client_.exchange.parse_orderbook(*bodies_.back(), result);
    return result;
  }

  TestExchange<GateIo> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(GateIoOrderBook, ReadsBothSidesTheCurrentTimeAndTheId) {
  const RawBook b = parse(book());
  EXPECT_EQ(b.ts, 1710328245391);    // current, in ms (not update, and not seconds)
  EXPECT_EQ(b.sequence, 123456789);  // id
  ASSERT_EQ(b.bids.size(), 2u);
  ASSERT_EQ(b.asks.size(), 2u);
  EXPECT_TRUE(b.bids[0].malformed.empty()) << b.bids[0].malformed;
  EXPECT_EQ(b.bids[0].price, "73364.1");
  EXPECT_EQ(b.bids[0].amount, "1.25");
  EXPECT_EQ(b.bids[1].price, "73363.9");
  EXPECT_EQ(b.bids[1].amount, "0.001");
  EXPECT_EQ(b.asks[0].price, "73364.2");
  EXPECT_EQ(b.asks[0].amount, "0.5123");
  EXPECT_EQ(b.asks[1].price, "73364.5");
  EXPECT_EQ(b.asks[1].amount, "1.02");
}

TEST_F(GateIoOrderBook, WithoutWithIdThereIsNoSequence) {
  const RawBook b = parse(R"({"current":1710328245391,"update":1710328245388,)"
                          R"("asks":[["2","1"]],"bids":[["1","1"]]})");
  EXPECT_FALSE(b.sequence.has_value());
  EXPECT_EQ(b.ts, 1710328245391);
  EXPECT_EQ(b.bids.size(), 1u);
}

TEST_F(GateIoOrderBook, IdAndCurrentAsStrings) {
  const RawBook b = parse(book("[]", "[]", "\"42\"", "\"1710328245391\""));
  EXPECT_EQ(b.sequence, 42);
  EXPECT_EQ(b.ts, 1710328245391);
}

TEST_F(GateIoOrderBook, AnIdOrCurrentThatIsNotAnIntegerIsABadPayload) {
  for (const std::string bad : {"\"soon\"", "1710328245.391", "null", "[]"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(book("[]", "[]", bad)); }, ErrorKind::kBadPayload,
                            {"gateio", "order_book response", "id that is not an integer"}))
        << bad;
    EXPECT_TRUE(ThrowsError([&] { parse(book("[]", "[]", "1", bad)); }, ErrorKind::kBadPayload,
                            {"gateio", "order_book response", "current that is not an integer"}))
        << bad;
  }
}

TEST_F(GateIoOrderBook, EmptySidesAreAnEmptyBook) {
  const RawBook b = parse(book("[]", "[]"));
  EXPECT_TRUE(b.bids.empty());
  EXPECT_TRUE(b.asks.empty());
  EXPECT_EQ(b.sequence, 123456789);
}

TEST_F(GateIoOrderBook, UnreadableLevelsAreFlaggedWhileOthersParse) {
  const RawBook b =
      parse(book(R"([["2","1"],{"price":"2"},["2.1",1]])", R"([[],["1","1"],[0.9,"1"],"x"])"));
  ASSERT_EQ(b.asks.size(), 3u);
  EXPECT_TRUE(b.asks[0].malformed.empty());
  EXPECT_EQ(b.asks[1].malformed, "level is not an array");
  EXPECT_EQ(b.asks[2].malformed, "level amount is not a string");
  ASSERT_EQ(b.bids.size(), 4u);
  EXPECT_EQ(b.bids[0].malformed, "level has fewer than 2 fields");
  EXPECT_TRUE(b.bids[1].malformed.empty());
  EXPECT_EQ(b.bids[1].price, "1");
  EXPECT_EQ(b.bids[2].malformed, "level price is not a string");
  EXPECT_EQ(b.bids[3].malformed, "level is not an array");
}

TEST_F(GateIoOrderBook, AnErrorBodyIsABadPayloadNamingItsLabel) {
  EXPECT_TRUE(ThrowsError(
      [&] {
        parse(R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair FOO_USDT"})");
      },
      ErrorKind::kBadPayload,
      {"gateio", "order_book response", "INVALID_CURRENCY_PAIR: Invalid currency pair FOO_USDT"}));
}

TEST_F(GateIoOrderBook, AMissingSideIsABadPayloadNamingIt) {
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"id":1,"current":1,"asks":[]})"); },
                          ErrorKind::kBadPayload,
                          {"gateio", "order_book response", "no bids array"}));
  EXPECT_TRUE(ThrowsError([&] { parse(R"({"id":1,"current":1,"bids":[],"asks":{}})"); },
                          ErrorKind::kBadPayload,
                          {"gateio", "order_book response", "no asks array"}));
  EXPECT_TRUE(ThrowsError([&] { parse("{}"); }, ErrorKind::kBadPayload, {"gateio", "bids"}));
}

TEST_F(GateIoOrderBook, OtherDocumentsAndTruncatedBodiesAreBadPayloads) {
  for (const std::string text : {"null", "[]", "\"{}\"", "", "{} {}", "<html>502</html>"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload,
                            {"gateio", "order_book response"}))
        << text;
  }
  const std::string full = book();
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(ThrowsError([&] { parse(full.substr(0, length)); }, ErrorKind::kBadPayload))
        << "prefix of " << length << " bytes";
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
