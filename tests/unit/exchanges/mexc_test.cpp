#include "cryptopipe/exchanges/mexc.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/recording_server.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::LocalHttpServer;
using unit::RecordingServer;
using unit::TestExchange;
using unit::ThrowsError;

const Symbol kBtc = Symbol::parse("BTC/USDT");

class MexcParse : public ::testing::Test {
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

  TestExchange<Mexc> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(MexcParse, CandlesOfEightFieldsKeepTheirExactText) {
  const auto rows = candles(
      R"([[1710327600000,"73260.0","73442.95","73238.69","73414.21","49.560236",1710331200000,)"
      R"("3633995.45"],[1710331200000,"73414.21","73500","73400.1","73450.00","1.5",)"
      R"(1710334800000,"110175.00"]])");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].open_time, 1'710'327'600'000);
  EXPECT_EQ(rows[0].open, "73260.0");
  EXPECT_EQ(rows[0].high, "73442.95");
  EXPECT_EQ(rows[0].low, "73238.69");
  EXPECT_EQ(rows[0].close, "73414.21");
  EXPECT_EQ(rows[0].volume, "49.560236");
  // MEXC sends the next open; the candle's last millisecond is 1 ms before it.
  EXPECT_EQ(rows[0].close_time, 1'710'331'199'999);
  EXPECT_EQ(rows[0].quote_volume, "3633995.45");
  EXPECT_FALSE(rows[0].trade_count.has_value());  // MEXC sends no trade count
  EXPECT_TRUE(rows[0].malformed.empty());
  EXPECT_EQ(rows[1].open_time, 1'710'331'200'000);
  EXPECT_EQ(rows[1].close, "73450.00");
}

TEST_F(MexcParse, MalformedRowsAreKeptAndNamed) {
  const auto rows = candles(
      R"([{"t":1},[1710327600000,"1","1","1","1","1",1710331200000],)"
      R"(["x","1","1","1","1","1",1710331200000,"1"],)"
      R"([1710327600000,"1","1","1","1","1","late","1"]])");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has too few fields");
  EXPECT_EQ(rows[2].malformed, "open time is not an integer");
  EXPECT_EQ(rows[3].malformed, "close time is not an integer");
}

TEST_F(MexcParse, ErrorBodiesInPlaceOfDataAreBadPayloads) {
  EXPECT_TRUE(ThrowsError([&] { candles(R"({"code":-1121,"msg":"Invalid symbol."})"); },
                          ErrorKind::kBadPayload, {"mexc", "klines response"}));
  EXPECT_TRUE(ThrowsError([&] { candles("[[1,"); }, ErrorKind::kBadPayload, {"mexc"}));
  EXPECT_TRUE(ThrowsError([&] { tickers(R"({"code":-1121,"msg":"Invalid symbol."})"); },
                          ErrorKind::kBadPayload, {"code -1121: Invalid symbol."}));
  EXPECT_TRUE(ThrowsError([&] { book(R"({"code":-1121,"msg":"Invalid symbol."})"); },
                          ErrorKind::kBadPayload, {"code -1121: Invalid symbol."}));
  EXPECT_TRUE(ThrowsError([&] { book(R"({"lastUpdateId":1,"bids":[]})"); },
                          ErrorKind::kBadPayload, {"asks"}));
}

TEST_F(MexcParse, TickersScaleTheFractionalChangeToPercent) {
  const auto out = tickers(
      R"([{"symbol":"BTCUSDT","priceChange":"1248.51","priceChangePercent":"0.0173",)"
      R"("prevClosePrice":"72149.26","lastPrice":"73397.77","bidPrice":"73369.83",)"
      R"("bidQty":"10.010045","askPrice":"73369.84","askQty":"6.337532","openPrice":"72149.26",)"
      R"("highPrice":"73639.99","lowPrice":"68629.42","volume":"7729.258925",)"
      R"("quoteVolume":"554877037.44","openTime":1710328232149,"closeTime":1710328251172,)"
      R"("count":null},)"
      R"({"symbol":"ETHUSDT","priceChangePercent":"-0.0052","lastPrice":"3000",)"
      R"("closeTime":"1710328251000"},{"priceChangePercent":"0.1"},)"
      R"({"symbol":"XRPUSDT","closeTime":"soon"}])");
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[0].market_id, "BTCUSDT");
  EXPECT_EQ(out[0].ts, 1'710'328'251'172);
  EXPECT_EQ(out[0].last, "73397.77");
  EXPECT_EQ(out[0].bid, "73369.83");
  EXPECT_EQ(out[0].bid_size, "10.010045");
  EXPECT_EQ(out[0].ask, "73369.84");
  EXPECT_EQ(out[0].ask_size, "6.337532");
  EXPECT_EQ(out[0].open, "72149.26");
  EXPECT_EQ(out[0].high, "73639.99");
  EXPECT_EQ(out[0].low, "68629.42");
  EXPECT_EQ(out[0].base_volume, "7729.258925");
  EXPECT_EQ(out[0].quote_volume, "554877037.44");
  EXPECT_EQ(out[0].change_percent, "1.73");
  EXPECT_EQ(out[1].change_percent, "-0.52");
  EXPECT_EQ(out[1].ts, 1'710'328'251'000);  // closeTime as a string, as ccxt recorded it
  EXPECT_FALSE(out[2].malformed.empty());   // no symbol
  EXPECT_EQ(out[3].malformed, "closeTime is not an integer");
}

TEST_F(MexcParse, OneTickerObjectIsTheAnswerToSymbol) {
  const auto out = tickers(R"({"symbol":"BTCUSDT","lastPrice":"1","priceChangePercent":"0"})");
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].market_id, "BTCUSDT");
  EXPECT_EQ(out[0].change_percent, "0");
  EXPECT_FALSE(out[0].ts.has_value());
}

TEST_F(MexcParse, BooksCarryTheirSequenceAndTime) {
  const RawBook b = book(
      R"({"lastUpdateId":"20453289489","bids":[["45995.47","10.337165"],["45995.4","1"]],)"
      R"("asks":[["45995.48","13.457322"]],"timestamp":"1704908526228"})");
  ASSERT_EQ(b.bids.size(), 2u);
  ASSERT_EQ(b.asks.size(), 1u);
  EXPECT_EQ(b.bids[0].price, "45995.47");
  EXPECT_EQ(b.bids[0].amount, "10.337165");
  EXPECT_EQ(b.asks[0].price, "45995.48");
  EXPECT_EQ(b.sequence, 20'453'289'489);
  EXPECT_EQ(b.ts, 1'704'908'526'228);
  const RawBook live = book(R"({"lastUpdateId":7,"bids":[],"asks":[],"timestamp":1704908526228})");
  EXPECT_EQ(live.sequence, 7);
  EXPECT_EQ(live.ts, 1'704'908'526'228);
}

TEST(MexcIntervals, AnHourIsSixtyMinutesAndAWeekCapitalW) {
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("1m")), "1m");
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("30m")), "30m");
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("1h")), "60m");
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("4h")), "4h");
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("1d")), "1d");
  EXPECT_EQ(Mexc::interval_token(Timeframe::parse("1w")), "1W");
  EXPECT_FALSE(Mexc::interval_token(Timeframe::parse("2h")).has_value());
  EXPECT_FALSE(Mexc::interval_token(Timeframe::parse("8h")).has_value());
  EXPECT_TRUE(Mexc::accepts_depth(5000));
  EXPECT_FALSE(Mexc::accepts_depth(5001));
  EXPECT_FALSE(Mexc::accepts_depth(0));
}

TEST(MexcRequests, AWindowEndsOneMillisecondPastItsLastOpen) {
  RecordingServer server(200, "[]");
  TestExchange<Mexc> client(server.base_url());
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), 1'700'002'800'000,
                              1'700'006'400'000, 2);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1w"), 0, 604'799'999, 500);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/api/v3/klines?symbol=BTCUSDT&interval=60m&startTime=1700002800000"
                "&endTime=1700006400001&limit=2",
                "/api/v3/klines?symbol=BTCUSDT&interval=1W&startTime=0&endTime=604800000"
                "&limit=500"}));
  EXPECT_EQ(client.exchange.max_ohlcv_limit(), 500);
}

TEST(MexcRequests, TickersBooksAndMarketsAreOneRequestEach) {
  RecordingServer server(200, R"({"symbols":[]})");
  TestExchange<Mexc> client(server.base_url());
  client.exchange.fetch_tickers({kBtc, Symbol::parse("ETH/USDT")});
  client.exchange.fetch_tickers({kBtc});
  client.exchange.fetch_tickers({});
  client.exchange.fetch_orderbook(kBtc, 5000);
  client.exchange.list_markets();
  EXPECT_EQ(server.targets(), (std::vector<std::string>{
                                  "/api/v3/ticker/24hr", "/api/v3/ticker/24hr?symbol=BTCUSDT",
                                  "/api/v3/ticker/24hr", "/api/v3/depth?symbol=BTCUSDT&limit=5000",
                                  "/api/v3/exchangeInfo"}));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, 5001); },
                          ErrorKind::kInvalidInput, {"5001", "1 to 5000"}));
}

TEST(MexcRequests, AMissingTimeframeIsAConfigError) {
  TestExchange<Mexc> client;
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("8h"), 0, 1, 1); },
      ErrorKind::kConfig, {"mexc has no 8h candles"}));
}

// Each answer MEXC gives and the error kind it becomes.
struct ErrorCase {
  int status;
  const char* body;
  ErrorKind kind;
  const char* needle;
};

class MexcErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(MexcErrors, BecomeTheRightKind) {
  const ErrorCase& c = GetParam();
  RecordingServer server(c.status, c.body);
  TestExchange<Mexc> client(server.base_url(), unit::quick_retries());
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); }, c.kind,
      {c.needle}));
}

INSTANTIATE_TEST_SUITE_P(
    Answers, MexcErrors,
    ::testing::Values(
        ErrorCase{400, R"({"code":-1121,"msg":"Invalid symbol."})", ErrorKind::kPermanent,
                  "HTTP 400 (code -1121: Invalid symbol.)"},
        ErrorCase{400, R"({"code":-1120,"msg":"Invalid interval."})", ErrorKind::kPermanent,
                  "code -1120"},
        ErrorCase{429, R"({"code":429,"msg":"Too Many Requests"})", ErrorKind::kRateLimited,
                  "HTTP 429"},
        ErrorCase{418, R"({"code":-1003,"msg":"Way too many requests"})", ErrorKind::kBanned,
                  "stopping mexc"},
        ErrorCase{500, R"({"code":-1001,"msg":"Internal error"})", ErrorKind::kTransient,
                  "HTTP 500"},
        ErrorCase{503, "<html>Service Unavailable</html>", ErrorKind::kTransient, "HTTP 503"},
        ErrorCase{403, "<html>Forbidden</html>", ErrorKind::kPermanent, "HTTP 403"}));

class FakeMexc : public ::testing::Test {
 protected:
  void answer(std::string body) {
    server_.server().Get(".*", [body](const httplib::Request&, httplib::Response& res) {
      res.set_content(body, "application/json");
    });
    server_.start();
  }
  LocalHttpServer server_;
};

TEST_F(FakeMexc, MarketsTradeWithStatusOneAndSpotTradingAllowed) {
  answer(R"({"timezone":"CST","symbols":[)"
         R"({"symbol":"BTCUSDT","status":"1","baseAsset":"BTC","quoteAsset":"USDT",)"
         R"("isSpotTradingAllowed":true},)"
         R"({"symbol":"ETHUSDT","status":"ENABLED","baseAsset":"ETH","quoteAsset":"USDT"},)"
         R"({"symbol":"LUNAUSDT","status":"2","baseAsset":"LUNA","quoteAsset":"USDT",)"
         R"("isSpotTradingAllowed":true},)"
         R"({"symbol":"XRPUSDT","status":"1","baseAsset":"XRP","quoteAsset":"USDT",)"
         R"("isSpotTradingAllowed":false}]})");
  TestExchange<Mexc> client(server_.base_url());
  client.exchange.check_symbols({kBtc, Symbol::parse("ETH/USDT")});
  EXPECT_TRUE(ThrowsError(
      [&] {
        client.exchange.check_symbols({kBtc, Symbol::parse("SOL/USDT"),
                                       Symbol::parse("LUNA/USDT"), Symbol::parse("XRP/USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol SOL/USDT", "LUNA/USDT (status 2)",
       "XRP/USDT (status ENABLED without spot trading)", "on mexc", "exchangeInfo"}));
}

TEST_F(FakeMexc, AMarketWithoutItsAssetsIsABadPayload) {
  answer(R"({"symbols":[{"symbol":"BTCUSDT","status":"1"}]})");
  TestExchange<Mexc> client(server_.base_url());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.list_markets(); }, ErrorKind::kBadPayload,
                          {"without base or quote"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
