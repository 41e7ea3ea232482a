#include "cryptopipe/exchanges/kucoin.h"

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

class KuCoinParse : public ::testing::Test {
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

  TestExchange<KuCoin> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

// The rows of ccxt's recorded fetchOHLCV case (ts/src/test/static/response/kucoin.json):
// [time s, open, close, high, low, volume, turnover], newest first.
TEST_F(KuCoinParse, CandlesComeOutOldestFirstInMillisecondsWithCloseBeforeHigh) {
  const auto rows = candles(
      R"({"code":"200000","data":[)"
      R"(["1706637600","43396.4","43369.4","43491.9","43285.2","135.02905655","5859577.939581874"],)"
      R"(["1706634000","43501.1","43396.4","43598.9","43305.2","101.11170513","4390218.48746545"],)"
      R"(["1706630400","43383.7","43501","43521.9","43222.8","101.30420492","4391287.808186813"]]})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].open_time, 1'706'630'400'000);
  EXPECT_EQ(rows[0].open, "43383.7");
  EXPECT_EQ(rows[0].high, "43521.9");
  EXPECT_EQ(rows[0].low, "43222.8");
  EXPECT_EQ(rows[0].close, "43501");
  EXPECT_EQ(rows[0].volume, "101.30420492");
  EXPECT_EQ(rows[0].quote_volume, "4391287.808186813");
  EXPECT_FALSE(rows[0].closed.has_value());  // KuCoin flags no open candle
  EXPECT_EQ(rows[2].open_time, 1'706'637'600'000);
  EXPECT_EQ(rows[2].close, "43369.4");
}

TEST_F(KuCoinParse, MalformedRowsAreKeptAndNamed) {
  const auto rows = candles(
      R"({"code":"200000","data":[)"
      R"(["x","2","2.5","3","1.5","4","9"],)"
      R"(["99999999999999999","2","2.5","3","1.5","4","9"],)"
      R"(["1700000000","2","2.5","3","1.5","4"],)"
      R"("row"]})");
  ASSERT_EQ(rows.size(), 4u);  // reversed: the last wire row comes first
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has fewer than 7 fields");
  EXPECT_EQ(rows[2].malformed, "time is not an integer number of seconds");  // overflows ms
  EXPECT_EQ(rows[3].malformed, "time is not an integer number of seconds");
}

TEST_F(KuCoinParse, ErrorEnvelopesAndBrokenBodiesAreBadPayloads) {
  std::vector<RawCandle> rows;
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_ohlcv(body(R"({"code":"900001","msg":"symbol not exists"})"),
                                     rows);
      },
      ErrorKind::kBadPayload, {"code 900001", "symbol not exists"}));
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body(R"({"code":"2000)"), rows); },
                          ErrorKind::kBadPayload, {"{code, data}"}));
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_ohlcv(body(R"({"code":200000,"data":[]})"), rows); },
      ErrorKind::kBadPayload));  // code must be the string "200000"
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_ohlcv(body(R"({"code":"200000","data":{}})"), rows); },
      ErrorKind::kBadPayload, {"not an array"}));
  EXPECT_TRUE(
      ThrowsError([&] { client_.exchange.parse_ohlcv(body(R"({"code":"200000"})"), rows); },
                  ErrorKind::kBadPayload, {"no data"}));
}

TEST_F(KuCoinParse, TickersCarryTheResponseTimeAndNoOpenOrChange) {
  std::vector<RawTicker> tickers;
  client_.exchange.parse_tickers(
      body(R"({"code":"200000","data":{"time":1709897710012,"ticker":[)"
           R"({"symbol":"BTC-USDT","symbolName":"BTC-USDT","buy":"67399.9","bestBidSize":"0.5",)"
           R"("sell":"67400","bestAskSize":"1.25","changeRate":"0.0089","changePrice":"597.9",)"
           R"("high":"67978.8","low":"66541.4","vol":"6442.17728633",)"
           R"("volValue":"433203364.463489651","last":"67400","averagePrice":"66654.25518537"},)"
           R"({"last":"1"}]}})"),
      tickers);
  ASSERT_EQ(tickers.size(), 2u);
  EXPECT_EQ(tickers[0].market_id, "BTC-USDT");
  EXPECT_EQ(tickers[0].ts, 1'709'897'710'012);
  EXPECT_EQ(tickers[0].last, "67400");
  EXPECT_EQ(tickers[0].bid, "67399.9");
  EXPECT_EQ(tickers[0].bid_size, "0.5");
  EXPECT_EQ(tickers[0].ask, "67400");
  EXPECT_EQ(tickers[0].ask_size, "1.25");
  EXPECT_EQ(tickers[0].high, "67978.8");
  EXPECT_EQ(tickers[0].low, "66541.4");
  EXPECT_EQ(tickers[0].base_volume, "6442.17728633");
  EXPECT_EQ(tickers[0].quote_volume, "433203364.463489651");  // exact, unlike ccxt's float
  EXPECT_TRUE(tickers[0].open.empty());
  EXPECT_TRUE(tickers[0].change_percent.empty());
  EXPECT_EQ(tickers[1].malformed, "ticker has no market id");
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_tickers(body(R"({"code":"200000","data":{"time":1}})"), tickers);
      },
      ErrorKind::kBadPayload, {"no ticker array"}));
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_tickers(body(R"({"code":"200000","data":{"time":"t","ticker":[]}})"),
                                       tickers);
      },
      ErrorKind::kBadPayload, {"time"}));
}

TEST_F(KuCoinParse, BooksKeepTheirTimeAndSequence) {
  RawBook book;
  client_.exchange.parse_orderbook(
      body(R"({"code":"200000","data":{"time":1729176273859,"sequence":"14610502970",)"
           R"("bids":[["66976.4","0.69109872"],["66976.3","0.14377"]],)"
           R"("asks":[["66976.5","0.05408199"]]}})"),
      book);
  ASSERT_EQ(book.bids.size(), 2u);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_EQ(book.bids[1].price, "66976.3");
  EXPECT_EQ(book.bids[1].amount, "0.14377");
  EXPECT_EQ(book.asks[0].price, "66976.5");
  EXPECT_EQ(book.ts, 1'729'176'273'859);
  EXPECT_EQ(book.sequence, 14'610'502'970);
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_orderbook(body(R"({"code":"200000","data":[]})"), book); },
      ErrorKind::kBadPayload, {"not an object"}));
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_orderbook(body(R"({"code":"200000","data":{"asks":[],"time":1}})"),
                                         book);
      },
      ErrorKind::kBadPayload, {"bids"}));
}

TEST(KuCoinIntervals, TokensAndDepths) {
  EXPECT_EQ(KuCoin::interval_token(Timeframe::parse("1m")), "1min");
  EXPECT_EQ(KuCoin::interval_token(Timeframe::parse("1h")), "1hour");
  EXPECT_EQ(KuCoin::interval_token(Timeframe::parse("8h")), "8hour");
  EXPECT_EQ(KuCoin::interval_token(Timeframe::parse("1d")), "1day");
  EXPECT_EQ(KuCoin::interval_token(Timeframe::parse("1w")), "1week");
  // Every timeframe the engine knows: KuCoin lacks none of them.
  for (const char* name : {"1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h",
                           "1d", "1w"}) {
    EXPECT_TRUE(KuCoin::interval_token(Timeframe::parse(name)).has_value()) << name;
  }
  EXPECT_TRUE(KuCoin::accepts_depth(1));
  EXPECT_TRUE(KuCoin::accepts_depth(100));
  EXPECT_FALSE(KuCoin::accepts_depth(101));
  EXPECT_FALSE(KuCoin::accepts_depth(0));
}

constexpr const char* kEmptyPage = R"({"code":"200000","data":[]})";

TEST(KuCoinRequests, AWindowIsAskedInSecondsEndingOneSecondPastTheLastOpen) {
  RecordingServer server(200, kEmptyPage);
  TestExchange<KuCoin> client(server.base_url());
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 1'700'000'040'000,
                              1'700'089'980'000, 1500);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1d"), 1'699'920'000'000,
                              1'699'920'000'000, 1);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), 0, 3'599'999, 1);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=1700000040"
                "&endAt=1700089981",
                "/api/v1/market/candles?symbol=BTC-USDT&type=1day&startAt=1699920000"
                "&endAt=1699920001",
                "/api/v1/market/candles?symbol=BTC-USDT&type=1hour&startAt=0&endAt=3600"}));
}

TEST(KuCoinRequests, TickersBooksAndSymbolsAreOneRequestEach) {
  RecordingServer server(200, kEmptyPage);
  TestExchange<KuCoin> client(server.base_url());
  client.exchange.fetch_tickers({kBtc, Symbol::parse("ETH/USDT")});
  client.exchange.fetch_orderbook(kBtc, 20);
  client.exchange.fetch_orderbook(kBtc, 21);
  client.exchange.fetch_orderbook(kBtc, 100);
  client.exchange.list_markets();
  EXPECT_EQ(server.targets(), (std::vector<std::string>{
                                  "/api/v1/market/allTickers",
                                  "/api/v1/market/orderbook/level2_20?symbol=BTC-USDT",
                                  "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT",
                                  "/api/v1/market/orderbook/level2_100?symbol=BTC-USDT",
                                  "/api/v2/symbols"}));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, 101); },
                          ErrorKind::kInvalidInput, {"101", "1 to 100"}));
}

// Each answer KuCoin gives and the error kind it becomes.
struct ErrorCase {
  int status;
  const char* body;
  ErrorKind kind;
  const char* needle;
};

class KuCoinErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(KuCoinErrors, BecomeTheRightKind) {
  const ErrorCase& c = GetParam();
  RecordingServer server(c.status, c.body);
  TestExchange<KuCoin> client(server.base_url(), unit::quick_retries());
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); }, c.kind,
      {c.needle}));
}

INSTANTIATE_TEST_SUITE_P(
    Answers, KuCoinErrors,
    ::testing::Values(
        ErrorCase{200, R"({"code":"900001","msg":"symbol not exists"})", ErrorKind::kPermanent,
                  "code 900001 (symbol not exists)"},
        ErrorCase{200, R"({"code":"400100","msg":"Unsupported type: 2min"})",
                  ErrorKind::kPermanent, "Unsupported type"},
        ErrorCase{429, R"({"code":"429000","msg":"Too Many Requests"})", ErrorKind::kRateLimited,
                  "HTTP 429, code 429000"},
        ErrorCase{200, R"({"code":"429000","msg":"Too Many Requests"})",
                  ErrorKind::kRateLimited, "code 429000"},
        ErrorCase{200, R"({"code":"500000","msg":"Internal Server Error."})",
                  ErrorKind::kTransient, "code 500000"},
        ErrorCase{503, "<html>Service Unavailable</html>", ErrorKind::kTransient, "HTTP 503"},
        ErrorCase{500, R"({"code":"500000","msg":"Internal Server Error."})",
                  ErrorKind::kTransient, "HTTP 500"},
        ErrorCase{403, "Forbidden", ErrorKind::kPermanent, "HTTP 403"},
        ErrorCase{400, R"({"code":"400100","msg":"symbol can not be empty"})",
                  ErrorKind::kPermanent, "400100"}));

class FakeKuCoin : public ::testing::Test {
 protected:
  void answer(std::string body) {
    server_.server().Get(".*", [body](const httplib::Request&, httplib::Response& res) {
      res.set_content(body, "application/json");
    });
    server_.start();
  }
  LocalHttpServer server_;
};

TEST_F(FakeKuCoin, UnknownAndDisabledSymbolsAreNamed) {
  answer(R"({"code":"200000","data":[)"
         R"({"symbol":"BTC-USDT","baseCurrency":"BTC","quoteCurrency":"USDT","enableTrading":true},)"
         R"({"symbol":"LUNA-USDT","baseCurrency":"LUNA","quoteCurrency":"USDT",)"
         R"("enableTrading":false}]})");
  TestExchange<KuCoin> client(server_.base_url());
  client.exchange.check_symbols({kBtc});
  EXPECT_TRUE(ThrowsError(
      [&] {
        client.exchange.check_symbols(
            {kBtc, Symbol::parse("ETH/USDT"), Symbol::parse("LUNA/USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT", "LUNA/USDT (status disabled)", "on kucoin", "symbols"}));
}

TEST_F(FakeKuCoin, ASymbolWithoutItsCurrenciesIsABadPayload) {
  answer(R"({"code":"200000","data":[{"symbol":"BTC-USDT","enableTrading":true}]})");
  TestExchange<KuCoin> client(server_.base_url());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.list_markets(); }, ErrorKind::kBadPayload,
                          {"lacks baseCurrency, quoteCurrency or enableTrading"}));
}

// A 429 waits what gw-ratelimit-reset says (milliseconds until the pool refills).
TEST(KuCoinRateLimit, The429WaitIsTheResetHeader) {
  LocalHttpServer server;
  server.server().Get(".*", [](const httplib::Request&, httplib::Response& res) {
    res.status = 429;
    res.set_header("gw-ratelimit-limit", "2000");
    res.set_header("gw-ratelimit-remaining", "0");
    res.set_header("gw-ratelimit-reset", "1234");
    res.set_content(R"({"code":"429000","msg":"Too Many Requests"})", "application/json");
  });
  server.start();
  TestExchange<KuCoin> client(server.base_url(), unit::quick_retries());
  try {
    client.exchange.fetch_tickers({});
    FAIL() << "a 429 must throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kRateLimited);
    EXPECT_EQ(error.retry_after(), std::chrono::milliseconds(1234));
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
