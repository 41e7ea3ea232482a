#include "cryptopipe/exchanges/coinbase.h"

#include <gtest/gtest.h>

#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::LocalHttpServer;
using unit::TestExchange;
using unit::ThrowsError;

// Parsers keep views into the bodies, which therefore outlive each test's checks.
class CoinbaseParse : public ::testing::Test {
 protected:
  std::string& keep(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    return *bodies_.back();
  }
  std::vector<RawCandle> candles(const std::string& text) {
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(keep(text), rows);
    return rows;
  }
  std::vector<RawTicker> tickers(const std::string& text) {
    std::vector<RawTicker> out;
    client_.exchange.parse_tickers(keep(text), out);
    return out;
  }
  RawBook book(const std::string& text) {
    RawBook out;
    client_.exchange.parse_orderbook(keep(text), out);
    return out;
  }

  TestExchange<Coinbase> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(CoinbaseParse, RowsComeOldestFirstWithTheNumbersExactText) {
  // Newest first on the wire; trailing zeros and digits a double would lose are kept as sent.
  const auto rows = candles(
      "[[1710331200, 73241.50, 73402.47, 73243.33, 73370.65, 1.567944061234567891],\n"
      " [1710327600,1,2,3,4,0.00000001]]");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].malformed.empty()) << rows[0].malformed;
  EXPECT_EQ(rows[0].open_time, 1710327600000);
  EXPECT_EQ(rows[0].low, "1");
  EXPECT_EQ(rows[0].high, "2");
  EXPECT_EQ(rows[0].open, "3");
  EXPECT_EQ(rows[0].close, "4");
  EXPECT_EQ(rows[0].volume, "0.00000001");
  EXPECT_EQ(rows[1].open_time, 1710331200000);
  EXPECT_EQ(rows[1].low, "73241.50");
  EXPECT_EQ(rows[1].high, "73402.47");
  EXPECT_EQ(rows[1].open, "73243.33");
  EXPECT_EQ(rows[1].close, "73370.65");
  EXPECT_EQ(rows[1].volume, "1.567944061234567891");
  // No quote volume and no open-candle flag on Coinbase.
  EXPECT_TRUE(rows[1].quote_volume.empty());
  EXPECT_FALSE(rows[1].closed.has_value());
  EXPECT_FALSE(rows[1].close_time.has_value());
}

TEST_F(CoinbaseParse, MalformedRowsAreFlaggedOneByOne) {
  const auto rows = candles(
      R"([[1710334800,1,2,3,4,5,6],"row",[1710331200,1,2],[1710327600.5,1,2,3,4,5],)"
      R"([16713401124054624,1,2,3,4,5],[1710320400,"1","2","3","4","5"]])");
  ASSERT_EQ(rows.size(), 6u);  // oldest (last on the wire) first
  EXPECT_TRUE(rows[0].malformed.empty());  // strings: read, but empty text fails validation
  EXPECT_TRUE(rows[0].low.empty());
  EXPECT_EQ(rows[1].malformed, "time is not a whole number of seconds in range");
  EXPECT_EQ(rows[2].malformed, "time is not a whole number of seconds in range");
  EXPECT_EQ(rows[3].malformed, "row has fewer than 6 fields");
  EXPECT_EQ(rows[4].malformed, "row is not an array");
  EXPECT_TRUE(rows[5].malformed.empty());  // a seventh field is ignored
  EXPECT_EQ(rows[5].volume, "5");
}

TEST_F(CoinbaseParse, AnErrorBodyInsteadOfCandlesIsABadPayload) {
  EXPECT_TRUE(ThrowsError([&] { candles(R"({"message":"NotFound"})"); }, ErrorKind::kBadPayload,
                          {"coinbase", "candles", "NotFound"}));
  EXPECT_TRUE(ThrowsError([&] { candles("[[1710327600,1,2"); }, ErrorKind::kBadPayload,
                          {"coinbase", "candles"}));
  EXPECT_TRUE(candles("[]").empty());
}

TEST_F(CoinbaseParse, TickersAreEveryProductsTwentyFourHourStats) {
  const auto out = tickers(
      R"({"BTC-USDT":{"stats_30day":{"volume":"9"},"stats_24hour":{"open":"47370.60",)"
      R"("high":"48834.82","low":"46806.75","volume":"478.75729","last":"46951.48",)"
      R"("volume_30day":"9"}},"ETH-USDT":{"stats_30day":{"volume":"1"}}})");
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].market_id, "BTC-USDT");
  EXPECT_TRUE(out[0].malformed.empty());
  EXPECT_EQ(out[0].open, "47370.60");
  EXPECT_EQ(out[0].high, "48834.82");
  EXPECT_EQ(out[0].low, "46806.75");
  EXPECT_EQ(out[0].last, "46951.48");
  EXPECT_EQ(out[0].base_volume, "478.75729");
  EXPECT_TRUE(out[0].bid.empty());  // the stats give no book, quote volume, change or time
  EXPECT_TRUE(out[0].quote_volume.empty());
  EXPECT_TRUE(out[0].change_percent.empty());
  EXPECT_FALSE(out[0].ts.has_value());
  EXPECT_EQ(out[1].market_id, "ETH-USDT");
  EXPECT_EQ(out[1].malformed, "product has no stats_24hour object");
}

TEST_F(CoinbaseParse, AnErrorBodyInsteadOfTickersIsABadPayload) {
  EXPECT_TRUE(ThrowsError([&] { tickers(R"({"message":"Internal server error"})"); },
                          ErrorKind::kBadPayload, {"coinbase", "Internal server error"}));
  EXPECT_TRUE(ThrowsError([&] { tickers("[]"); }, ErrorKind::kBadPayload, {"products/stats"}));
}

TEST_F(CoinbaseParse, BookLevelsKeepPriceAndSizeAndTheSequence) {
  const RawBook parsed = book(
      R"({"bids":[["0.01825","24.34811287",2],["0.01824","72.5463",3]],)"
      R"("asks":[["0.01826","171.10414904",4]],"sequence":1924393896,"auction_mode":false,)"
      R"("auction":null,"time":"2024-03-13T11:10:41.270099Z"})");
  ASSERT_EQ(parsed.bids.size(), 2u);
  ASSERT_EQ(parsed.asks.size(), 1u);
  EXPECT_EQ(parsed.bids[1].price, "0.01824");
  EXPECT_EQ(parsed.bids[1].amount, "72.5463");
  EXPECT_EQ(parsed.asks[0].amount, "171.10414904");
  EXPECT_EQ(parsed.sequence, 1924393896);
  EXPECT_FALSE(parsed.ts.has_value());
  EXPECT_TRUE(ThrowsError([&] { book(R"({"message":"NotFound"})"); }, ErrorKind::kBadPayload,
                          {"coinbase", "NotFound"}));
}

TEST(CoinbaseChoices, SixGranularitiesAndDepthsUpToAThousand) {
  EXPECT_EQ(Coinbase::interval_token(Timeframe::parse("1m")), "60");
  EXPECT_EQ(Coinbase::interval_token(Timeframe::parse("6h")), "21600");
  EXPECT_EQ(Coinbase::interval_token(Timeframe::parse("1d")), "86400");
  EXPECT_FALSE(Coinbase::interval_token(Timeframe::parse("4h")));
  EXPECT_FALSE(Coinbase::interval_token(Timeframe::parse("1w")));
  EXPECT_TRUE(Coinbase::accepts_depth(1));
  EXPECT_TRUE(Coinbase::accepts_depth(1000));
  EXPECT_FALSE(Coinbase::accepts_depth(0));
  EXPECT_FALSE(Coinbase::accepts_depth(1001));
}

class FakeCoinbase : public ::testing::Test {
 protected:
  void answer(int status, std::string body, httplib::Headers headers = {}) {
    server_.server().Get(".*", [this, status, body, headers](const httplib::Request& req,
                                                             httplib::Response& res) {
      last_target_ = req.target;
      res.status = status;
      for (const auto& [name, value] : headers) res.set_header(name, value);
      res.set_content(body, "application/json");
    });
    server_.start();
    client_ = std::make_unique<TestExchange<Coinbase>>(
        server_.base_url(), net::RetrySettings{.max_attempts = 2,
                                               .base_delay = std::chrono::milliseconds(1),
                                               .max_delay = std::chrono::milliseconds(2)});
  }
  void fetch_a_minute() {
    client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"),
                                  1710327600000, 1710327600000 + 59'999, 1);
  }

  LocalHttpServer server_;
  std::unique_ptr<TestExchange<Coinbase>> client_;
  std::string last_target_;
};

TEST_F(FakeCoinbase, AsksForBothBoundsInIso8601AndTheGranularityInSeconds) {
  answer(200, "[]");
  client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1h"),
                                1710327600000, 1710327600000 + 299 * 3'600'000, 300);
  EXPECT_EQ(last_target_,
            "/products/BTC-USDT/candles?granularity=3600&start=2024-03-13T11%3A00%3A00.000Z"
            "&end=2024-03-25T22%3A00%3A00.000Z");
}

TEST_F(FakeCoinbase, TickersAreOneRequestForEveryProductAndBooksAreLevelTwo) {
  answer(200, "{}");
  client_->exchange.fetch_tickers({Symbol::parse("BTC/USDT"), Symbol::parse("ETH/USDT")});
  EXPECT_EQ(last_target_, "/products/stats");
  client_->exchange.fetch_orderbook(Symbol::parse("ETH/USDT"), 5);
  EXPECT_EQ(last_target_, "/products/ETH-USDT/book?level=2");
  EXPECT_TRUE(ThrowsError([&] { client_->exchange.fetch_orderbook(Symbol::parse("ETH/USDT"), 0); },
                          ErrorKind::kInvalidInput, {"coinbase", "outside 1 to 1000"}));
}

TEST_F(FakeCoinbase, NotFoundIsPermanentAndNamesTheMessage) {
  answer(404, R"({"message":"NotFound"})");
  EXPECT_TRUE(ThrowsError([&] { fetch_a_minute(); }, ErrorKind::kPermanent,
                          {"coinbase", "HTTP 404", "(NotFound)"}));
}

TEST_F(FakeCoinbase, BadRequestIsPermanent) {
  answer(400, R"({"message":"Unsupported granularity"})");
  EXPECT_TRUE(ThrowsError([&] { fetch_a_minute(); }, ErrorKind::kPermanent,
                          {"HTTP 400", "Unsupported granularity"}));
  EXPECT_TRUE(client_->fake_clock.sleeps().empty());  // not retried
}

TEST_F(FakeCoinbase, RateLimitedWaitsTheRetryAfterAndIsRetried) {
  answer(429, R"({"message":"Public rate limit exceeded"})", {{"Retry-After", "3"}});
  EXPECT_TRUE(ThrowsError([&] { fetch_a_minute(); }, ErrorKind::kRateLimited,
                          {"Public rate limit exceeded", "gave up after 2 attempts"}));
  EXPECT_GE(client_->fake_clock.total_slept_ms(), 3000);
}

TEST_F(FakeCoinbase, ServerErrorsAreTransientAndRetried) {
  answer(503, R"({"message":"Service Unavailable"})");
  EXPECT_TRUE(ThrowsError([&] { fetch_a_minute(); }, ErrorKind::kTransient,
                          {"HTTP 503", "gave up after 2 attempts"}));
  EXPECT_EQ(client_->fake_clock.sleeps().size(), 1u);
}

TEST_F(FakeCoinbase, MarketsComeFromTheProductIdAndDisabledOnesAreNamed) {
  // BTCAUCTION-USDT names BTC as its base_currency: taken from there it would pass for BTC/USDT.
  answer(200,
         R"([{"id":"BTC-USDT","base_currency":"BTC","quote_currency":"USDT","status":"online",)"
         R"("trading_disabled":false},)"
         R"({"id":"BTCAUCTION-USDT","base_currency":"BTC","quote_currency":"USDT",)"
         R"("status":"online","trading_disabled":true},)"
         R"({"id":"OLD-USDT","base_currency":"OLD","quote_currency":"USDT","status":"delisted"}])");
  client_->exchange.check_symbols({Symbol::parse("BTC/USDT")});
  EXPECT_TRUE(ThrowsError(
      [&] { client_->exchange.check_symbols({Symbol::parse("BTCAUCTION/USDT")}); },
      ErrorKind::kInvalidInput, {"BTCAUCTION/USDT (status trading_disabled)"}));
  EXPECT_TRUE(ThrowsError([&] { client_->exchange.check_symbols({Symbol::parse("OLD/USDT")}); },
                          ErrorKind::kInvalidInput, {"OLD/USDT (status delisted)", "coinbase"}));
  EXPECT_EQ(last_target_, "/products");
}

}  // namespace
}  // namespace cryptopipe::exchanges
