// Bitfinex v2: its JSON numbers read as their exact text, its ids (tBTCUST, tDOGE:UST), the
// signed amounts of its one-array book, its error arrays, and the requests it is sent.
#include "cryptopipe/exchanges/bitfinex.h"

#include <gtest/gtest.h>

#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/recording_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::quick_retries;
using unit::RecordingServer;
using unit::TestExchange;
using unit::ThrowsError;

// Parses keep views into their bodies: each body lives as long as the fixture.
class BitfinexParse : public ::testing::Test {
 protected:
  std::string& body(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    return *bodies_.back();
  }
  std::vector<RawCandle> candles(const std::string& text) {
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(body(text), rows);
    return rows;
  }
  std::vector<RawTicker> tickers(const std::string& text) {
    std::vector<RawTicker> out;
    client_.exchange.parse_tickers(body(text), out);
    return out;
  }
  RawBook book(const std::string& text) {
    RawBook out;
    client_.exchange.parse_orderbook(body(text), out);
    return out;
  }

  TestExchange<Bitfinex> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(BitfinexParse, CandleNumbersKeepTheirExactTextInBitfinexsFieldOrder) {
  // The shape of ccxt's recorded fetchOHLCV (static/response/bitfinex.json), with digits a double
  // would not keep: [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME].
  const auto rows = candles(
      "[[1552298400000, 3870.1, 3890, 3890.10000000000000001, 3870.1 ,0.05000000],\n"
      " [1552302000000,3890,3891.5,3892,3889,1e-8]]");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].malformed.empty());
  EXPECT_EQ(rows[0].open_time, 1552298400000);
  EXPECT_EQ(rows[0].open, "3870.1");
  EXPECT_EQ(rows[0].close, "3890");
  EXPECT_EQ(rows[0].high, "3890.10000000000000001");
  EXPECT_EQ(rows[0].low, "3870.1");  // the space before the comma is not part of the number
  EXPECT_EQ(rows[0].volume, "0.05000000");
  EXPECT_TRUE(rows[0].quote_volume.empty()) << "Bitfinex sends no quote volume";
  EXPECT_FALSE(rows[0].closed.has_value()) << "Bitfinex flags no open candle";
  // JavaScript writes numbers below 1e-6 in exponent form: the same value as plain text.
  EXPECT_EQ(rows[1].volume, "0.00000001");
}

TEST_F(BitfinexParse, MalformedRowsAreFlaggedAndTheRestKept) {
  const auto rows = candles(
      R"([[1552298400000,1,2,3,0.5,7],[1552298400000,1,2],[1552298400000.5,1,2,3,0.5,7],)"
      R"([1552302000000,"1",2,3,0.5,7],{"a":1}])");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_TRUE(rows[0].malformed.empty());
  EXPECT_EQ(rows[1].malformed, "row has fewer than 6 fields");
  EXPECT_EQ(rows[2].malformed, "MTS is not an integer of milliseconds");
  EXPECT_TRUE(rows[3].malformed.empty());
  EXPECT_TRUE(rows[3].open.empty()) << "a string is not a JSON number: empty, refused later";
  EXPECT_EQ(rows[4].malformed, "row is not an array");
}

TEST_F(BitfinexParse, ErrorDocumentsAreBadPayloads) {
  EXPECT_TRUE(ThrowsError([&] { candles(R"(["error",10020,"symbol: invalid"])"); },
                          ErrorKind::kBadPayload, {"bitfinex", "error 10020: symbol: invalid"}));
  EXPECT_TRUE(ThrowsError([&] { tickers(R"({"error":"ERR_RATE_LIMIT"})"); },
                          ErrorKind::kBadPayload, {"not a JSON array", "ERR_RATE_LIMIT"}));
  EXPECT_TRUE(ThrowsError([&] { book(R"(["error",20060,"maintenance"])"); },
                          ErrorKind::kBadPayload, {"book response", "maintenance"}));
  EXPECT_TRUE(ThrowsError([&] { candles("[[1,2,3"); }, ErrorKind::kBadPayload, {"bitfinex"}));
}

TEST_F(BitfinexParse, TickersSkipFundingAndScaleTheRelativeChangeToPercent) {
  const auto out = tickers(
      R"([["tBTCUST",33686.09,0.33818,33686.14,0.22036,883.18,0.0269,33686.11,480.20576,33792.65,31994.56],)"
      R"(["fUSD",0.0002,0.0002,30,125000,0.00019,2,98000,0.00001,0.05,0.0002,42000000,0.0003,0.0001,null,null,1500000],)"
      R"(["tDOGE:UST",0.06554,360750,0.06559,186640,-0.00081,-0.0125,0.06556,238774127,0.06735,0.06396],)"
      R"(["tETHUST",1,2],[1,2,3]])");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].market_id, "tBTCUST");
  EXPECT_EQ(out[0].bid, "33686.09");
  EXPECT_EQ(out[0].bid_size, "0.33818");
  EXPECT_EQ(out[0].ask, "33686.14");
  EXPECT_EQ(out[0].ask_size, "0.22036");
  EXPECT_EQ(out[0].change_percent, "2.69");
  EXPECT_EQ(out[0].last, "33686.11");
  EXPECT_EQ(out[0].base_volume, "480.20576");
  EXPECT_EQ(out[0].high, "33792.65");
  EXPECT_EQ(out[0].low, "31994.56");
  EXPECT_TRUE(out[0].open.empty());
  EXPECT_TRUE(out[0].quote_volume.empty());
  EXPECT_FALSE(out[0].ts.has_value());
  EXPECT_EQ(out[1].market_id, "tDOGE:UST");
  EXPECT_EQ(out[1].change_percent, "-1.25");
  EXPECT_EQ(out[2].malformed, "ticker has fewer than 11 fields");
  EXPECT_EQ(out[3].malformed, "ticker has no symbol");
}

TEST_F(BitfinexParse, TheAmountsSignSplitsTheBook) {
  const RawBook out = book("[[33686.09,5,0.33818],[33686,1,2.5],[33686.14,2,-0.22036],"
                           "[33687,3,-1.0],[33688,1]]");
  ASSERT_EQ(out.bids.size(), 2u);
  ASSERT_EQ(out.asks.size(), 3u);
  EXPECT_EQ(out.bids[0].price, "33686.09");
  EXPECT_EQ(out.bids[0].amount, "0.33818");
  EXPECT_EQ(out.bids[1].amount, "2.5");
  EXPECT_EQ(out.asks[0].price, "33686.14");
  EXPECT_EQ(out.asks[0].amount, "0.22036");
  EXPECT_EQ(out.asks[1].amount, "1.0");
  EXPECT_EQ(out.asks[2].malformed, "level has fewer than 3 fields");
  EXPECT_FALSE(out.ts.has_value());
  EXPECT_FALSE(out.sequence.has_value());
}

// Every prefix of good bodies (what a connection cut short leaves) through every parser: each
// either parses or throws Error, never anything else.
TEST_F(BitfinexParse, CutShortBodiesParseOrThrowError) {
  const std::string bodies[] = {
      "[[1552298400000,3870.1,3890,3890,3870.1,0.05],[1552302000000,3890,3891.5,3892,3889,1]]",
      R"([["tBTCUST",1,2,3,4,5,0.5,7,8,9,10],["fUSD",1,2,3,4,5,6,7,8,9,10,11,12,13,null,null,1]])",
      "[[33686.09,5,0.33818],[33686.14,2,-0.22036]]", R"(["error",10020,"symbol: invalid"])"};
  for (const std::string& whole : bodies) {
    for (std::size_t size = 0; size <= whole.size(); ++size) {
      const std::string prefix = whole.substr(0, size);
      try {
        candles(prefix);
      } catch (const Error&) {
      }
      try {
        tickers(prefix);
      } catch (const Error&) {
      }
      try {
        book(prefix);
      } catch (const Error&) {
      }
    }
  }
  EXPECT_EQ(candles(bodies[0]).size(), 2u);
}

TEST(BitfinexIds, UstAndTheColonForLongCodes) {
  const TestExchange<Bitfinex> client;
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("BTC/USDT")), "tBTCUST");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("DOGE/USDT")), "tDOGE:UST");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("ATOM/USDT")), "tATOUST");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("BTC/USD")), "tBTCUSD");
  EXPECT_EQ(Bitfinex::asset_code("UST"), "USDT");
  EXPECT_EQ(Bitfinex::asset_code("BTC"), "BTC");
}

TEST(BitfinexIntervals, TheDocumentedList) {
  EXPECT_EQ(Bitfinex::interval_token(Timeframe::parse("1d")), "1D");
  EXPECT_EQ(Bitfinex::interval_token(Timeframe::parse("1w")), "1W");
  EXPECT_EQ(Bitfinex::interval_token(Timeframe::parse("6h")), "6h");
  EXPECT_FALSE(Bitfinex::interval_token(Timeframe::parse("4h")));
  EXPECT_FALSE(Bitfinex::interval_token(Timeframe::parse("2h")));
  EXPECT_FALSE(Bitfinex::interval_token(Timeframe::parse("3m")));
}

TEST(BitfinexDepth, OneToAHundred) {
  EXPECT_TRUE(Bitfinex::accepts_depth(1));
  EXPECT_TRUE(Bitfinex::accepts_depth(100));
  EXPECT_FALSE(Bitfinex::accepts_depth(0));
  EXPECT_FALSE(Bitfinex::accepts_depth(101));
}

// The target fetch sent and what it threw, against a server answering `status` and `body`.
struct Exchange1 {
  RecordingServer server;
  TestExchange<Bitfinex> client;
  Exchange1(int status, const std::string& body)
      : server(status, body), client(server.base_url(), quick_retries()) {}
  std::string target() {
    const auto targets = server.targets();
    return targets.empty() ? "" : targets.back();
  }
};

TEST(BitfinexHttp, CandlesAskForTheWindowOldestFirst) {
  Exchange1 fake(200, "[]");
  fake.client.exchange.fetch_ohlcv(Symbol::parse("DOGE/USDT"), Timeframe::parse("1h"),
                                   1710327600000, 1710331199999, 10000);
  EXPECT_EQ(fake.target(),
            "/v2/candles/trade:1h:tDOGE:UST/hist?start=1710327600000&end=1710331199999"
            "&limit=10000&sort=1");
}

TEST(BitfinexHttp, TickersAskForAllOrAList) {
  Exchange1 fake(200, "[]");
  fake.client.exchange.fetch_tickers({});
  EXPECT_EQ(fake.target(), "/v2/tickers?symbols=ALL");
  fake.client.exchange.fetch_tickers({Symbol::parse("BTC/USDT"), Symbol::parse("LINK/USDT")});
  EXPECT_EQ(fake.target(), "/v2/tickers?symbols=tBTCUST%2CtLINK%3AUST");
}

TEST(BitfinexHttp, TheBookAsksForTheSmallestLengthCoveringTheDepth) {
  Exchange1 fake(200, "[]");
  const std::pair<int, std::string> cases[] = {{1, "1"}, {2, "25"}, {25, "25"}, {26, "100"},
                                               {100, "100"}};
  for (const auto& [depth, len] : cases) {
    fake.client.exchange.fetch_orderbook(Symbol::parse("BTC/USDT"), depth);
    EXPECT_EQ(fake.target(), "/v2/book/tBTCUST/P0?len=" + len) << depth;
  }
  EXPECT_TRUE(ThrowsError(
      [&] { fake.client.exchange.fetch_orderbook(Symbol::parse("BTC/USDT"), 101); },
      ErrorKind::kInvalidInput, {"outside 1 to 100"}));
}

TEST(BitfinexHttp, PairsComeFromTheExchangeList) {
  Exchange1 fake(200, R"([["BTCUST","DOGE:UST","ATOUST","BTCUSD","TESTBTC:TESTUSD"]])");
  fake.client.exchange.check_symbols({Symbol::parse("BTC/USDT"), Symbol::parse("DOGE/USDT"),
                                      Symbol::parse("ATOM/USDT"), Symbol::parse("BTC/USD")});
  EXPECT_EQ(fake.target(), "/v2/conf/pub:list:pair:exchange");
  EXPECT_TRUE(ThrowsError(
      [&] { fake.client.exchange.check_symbols({Symbol::parse("XYZ/USDT")}); },
      ErrorKind::kInvalidInput, {"unknown symbol XYZ/USDT", "bitfinex"}));
}

void expect_error(int status, const std::string& body, ErrorKind kind,
                  std::initializer_list<std::string_view> needles) {
  Exchange1 fake(status, body);
  EXPECT_TRUE(ThrowsError(
      [&] {
        fake.client.exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"), 0,
                                         59'999, 1);
      },
      kind, needles))
      << status << " " << body;
}

TEST(BitfinexHttp, ErrorsMapToTheirKinds) {
  expect_error(500, R"(["error",10020,"symbol: invalid"])", ErrorKind::kPermanent,
               {"HTTP 500", "error 10020: symbol: invalid"});
  expect_error(500, R"(["error",20060,"maintenance"])", ErrorKind::kTransient, {"maintenance"});
  expect_error(500, R"(["error",10000,"unknown error"])", ErrorKind::kTransient, {"10000"});
  expect_error(503, "<html>busy</html>", ErrorKind::kTransient, {"HTTP 503"});
  expect_error(404, "Not Found", ErrorKind::kPermanent, {"HTTP 404"});
  // Inside HTTP 200 too.
  expect_error(200, R"(["error",10020,"limit: invalid"])", ErrorKind::kPermanent,
               {"HTTP 200", "limit: invalid"});
  expect_error(200, R"(["error",11010,"ratelimit: error"])", ErrorKind::kRateLimited,
               {"11010"});
}

TEST(BitfinexHttp, The429BlockIsWaitedOutForItsMinute) {
  Exchange1 fake(429, R"({"error":"ERR_RATE_LIMIT"})");
  EXPECT_TRUE(ThrowsError(
      [&] {
        fake.client.exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"), 0,
                                         59'999, 1);
      },
      ErrorKind::kRateLimited, {"ERR_RATE_LIMIT"}));
  const auto sleeps = fake.client.fake_clock.sleeps();
  ASSERT_FALSE(sleeps.empty());
  EXPECT_GE(fake.client.fake_clock.total_slept_ms(), 60'000) << "the documented 60 s block";
}

}  // namespace
}  // namespace cryptopipe::exchanges
