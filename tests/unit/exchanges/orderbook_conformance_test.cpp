// Our parse_orderbook against ccxt's recorded cases (fetchOrderBook-*.json of Binance and
// Bybit; Gate has none): the recorded body in, ccxt's parsed book as the reference. Every level
// is the exchange's exact text (equal to the recorded strings) and the same number as ccxt's
// (compared as exact decimals); sequence and timestamp where ccxt has them. Where we differ from
// ccxt on purpose, the test says why and asserts our behaviour instead.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/bybit.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/ccxt_fixtures.h"
#include "support/test_paths.h"

namespace cryptopipe::exchanges {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using unit::integer_of;
using unit::TestExchange;

// Our exact text, the recorded string and ccxt's number are one value: the text equals the
// recorded string byte for byte, and compares equal, as a decimal, to ccxt's number as
// nlohmann prints it (the shortest text that reads back as ccxt's double).
::testing::AssertionResult same_value(std::string_view ours, const json& recorded,
                                      const json& ccxt) {
  if (ours != recorded.get<std::string>()) {
    return ::testing::AssertionFailure()
           << "'" << ours << "' is not the recorded text " << recorded.dump();
  }
  const std::string expected = ccxt.dump();
  if (!is_decimal(ours) || !is_decimal(expected)) {
    return ::testing::AssertionFailure() << "'" << ours << "' or ccxt's " << expected
                                         << " is not decimal text";
  }
  if (compare_decimal(ours, expected) != 0) {
    return ::testing::AssertionFailure() << ours << " vs ccxt " << expected;
  }
  return ::testing::AssertionSuccess();
}

// Every level of one side: the recorded [[price, amount], ...], ccxt's [[price, amount], ...].
void expect_side(const std::vector<RawLevel>& ours, const json& recorded, const json& ccxt,
                 std::string_view side) {
  SCOPED_TRACE(std::string(side));
  ASSERT_EQ(ours.size(), recorded.size());
  ASSERT_EQ(ours.size(), ccxt.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    SCOPED_TRACE("level " + std::to_string(i));
    EXPECT_TRUE(ours[i].malformed.empty()) << ours[i].malformed;
    EXPECT_TRUE(same_value(ours[i].price, recorded[i][0], ccxt[i][0])) << "price";
    EXPECT_TRUE(same_value(ours[i].amount, recorded[i][1], ccxt[i][1])) << "amount";
  }
}

// Where an exchange's recorded body keeps its book, and what must equal ccxt's.
struct Expectations {
  std::string_view bids_key, asks_key;  // the sides' keys in the book object
  std::string_view book_key;            // the book object within the body; empty: the body
  // False where we differ from ccxt on purpose: the exchange's `deliberate` check then
  // asserts our value.
  bool ccxt_sequence = true;
  bool ccxt_timestamp = true;
};

template <typename ExchangeType>
void expect_matches_ccxt(std::string_view folder, const Expectations& expected,
                         void (*deliberate)(const RawBook& ours, const json& fixture)) {
  const std::vector<fs::path> fixtures = unit::ccxt_cases(folder, "fetchOrderBook-");
  ASSERT_GE(fixtures.size(), 1u) << "no fetchOrderBook-*.json under " << CRYPTOPIPE_FIXTURES_DIR;
  TestExchange<ExchangeType> client;
  for (const fs::path& path : fixtures) {
    SCOPED_TRACE(path.filename().string());
    const json fixture = unit::read_json_file(path);
    const json& response = fixture.at("httpResponse");
    const json& parsed = fixture.at("parsedResponse");
    const json& recorded =
        expected.book_key.empty() ? response : response.at(std::string(expected.book_key));
    for (const std::string& body_text : {response.dump(), response.dump(2)}) {
      std::string body = body_text;
      RawBook book;
      client.exchange.parse_orderbook(body, book);
      EXPECT_EQ(body, body_text) << "the body's content changed";
      expect_side(book.bids, recorded.at(std::string(expected.bids_key)), parsed.at("bids"),
                  "bids");
      expect_side(book.asks, recorded.at(std::string(expected.asks_key)), parsed.at("asks"),
                  "asks");
      if (expected.ccxt_sequence) {
        ASSERT_FALSE(parsed.at("nonce").is_null());
        EXPECT_EQ(book.sequence, parsed.at("nonce").get<std::int64_t>());
      }
      if (expected.ccxt_timestamp) {
        const json& timestamp = parsed.at("timestamp");
        if (timestamp.is_null()) {
          EXPECT_FALSE(book.ts.has_value());
        } else {
          EXPECT_EQ(book.ts, timestamp.get<std::int64_t>());
        }
      }
      deliberate(book, fixture);
    }
  }
}

TEST(OrderBookConformance, BinanceMatchesCcxt) {
  // fetchOrderBook-1 is spot (/api/v3/depth); fetchOrderBook-2 is the USDT perpetual's
  // /fapi/v1/depth, the same shape plus E and T. lastUpdateId is a string in both recordings
  // and a number live; both are read, and it is ccxt's nonce.
  expect_matches_ccxt<Binance>(
      "binance", {.bids_key = "bids", .asks_key = "asks", .ccxt_timestamp = false},
      [](const RawBook& ours, const json& fixture) {
        // ccxt takes the futures answer's T as the timestamp (null for spot). The spot depth
        // endpoint we call sends no time, so the parser reads none: ts stays empty, and the
        // pipeline stamps the book with its fetch time.
        const json& timestamp = fixture.at("parsedResponse").at("timestamp");
        if (!timestamp.is_null()) {
          EXPECT_EQ(timestamp.get<std::int64_t>(),
                    integer_of(fixture.at("httpResponse").at("T")));
        }
        EXPECT_FALSE(ours.ts.has_value());
      });
}

TEST(OrderBookConformance, BybitMatchesCcxt) {
  // fetchOrderBook-1 is a linear perpetual, fetchOrderBook-2 spot: the result has the same
  // shape, {s, b, a, ts, u, seq}. ts and u are strings in the recordings and numbers live.
  expect_matches_ccxt<Bybit>(
      "bybit", {.bids_key = "b", .asks_key = "a", .book_key = "result", .ccxt_sequence = false},
      [](const RawBook& ours, const json& fixture) {
        // ccxt leaves the nonce null; we keep u, the book's update id, as the sequence (seq,
        // the cross sequence, is not kept).
        EXPECT_TRUE(fixture.at("parsedResponse").at("nonce").is_null());
        EXPECT_EQ(ours.sequence, integer_of(fixture.at("httpResponse").at("result").at("u")));
      });
}

TEST(OrderBookConformance, SameValueIsTheRecordedTextAndCcxtsNumber) {
  EXPECT_TRUE(same_value("42574.30000000", json("42574.30000000"), json::parse("42574.3")));
  EXPECT_TRUE(same_value("42650.00", json("42650.00"), json::parse("42650")));
  // Equal as a decimal but not the text the exchange wrote.
  EXPECT_FALSE(same_value("42574.3", json("42574.30000000"), json::parse("42574.3")));
  EXPECT_FALSE(same_value("42574.31", json("42574.31"), json::parse("42574.3")));
  EXPECT_FALSE(same_value("", json(""), json::parse("0")));
}

}  // namespace
}  // namespace cryptopipe::exchanges
