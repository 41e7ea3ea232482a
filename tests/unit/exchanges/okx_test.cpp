#include "cryptopipe/exchanges/okx.h"

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

class OkxParse : public ::testing::Test {
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

  TestExchange<Okx> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(OkxParse, CandlesComeOutOldestFirstWithTheOpenOneFlagged) {
  const auto rows = candles(
      R"({"code":"0","msg":"","data":[)"
      R"(["1700000060000","2.5","3","2","2.75","10.5","26.25","26.250","0"],)"
      R"(["1700000000000","2","2.5","1.5","2.5","4","9","9.0","1"]]})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].open_time, 1'700'000'000'000);
  EXPECT_EQ(rows[0].open, "2");
  EXPECT_EQ(rows[0].high, "2.5");
  EXPECT_EQ(rows[0].low, "1.5");
  EXPECT_EQ(rows[0].close, "2.5");
  EXPECT_EQ(rows[0].volume, "4");
  EXPECT_EQ(rows[0].quote_volume, "9.0");  // volCcyQuote, not volCcy
  EXPECT_EQ(rows[0].closed, true);
  EXPECT_EQ(rows[1].open_time, 1'700'000'060'000);
  EXPECT_EQ(rows[1].closed, false);  // confirm "0": still open
  EXPECT_EQ(rows[1].quote_volume, "26.250");
}

TEST_F(OkxParse, MalformedRowsAreKeptAndNamed) {
  const auto rows = candles(
      R"({"code":"0","msg":"","data":[)"
      R"(["1700000000000","2","2.5","1.5","2.5","4","9","9","maybe"],)"
      R"(["x","2","2.5","1.5","2.5","4","9","9","1"],)"
      R"(["1700000000000","2","2.5","1.5","2.5","4","9"],)"
      R"("row"]})");
  ASSERT_EQ(rows.size(), 4u);  // reversed: the last wire row comes first
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has fewer than 9 fields");
  EXPECT_EQ(rows[2].malformed, "ts is not an integer");
  EXPECT_EQ(rows[3].malformed, "confirm is not \"0\" or \"1\"");
}

TEST_F(OkxParse, ErrorEnvelopesAndBrokenBodiesAreBadPayloads) {
  std::vector<RawCandle> rows;
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_ohlcv(
            body(R"({"code":"51001","data":[],"msg":"Instrument ID does not exist"})"), rows);
      },
      ErrorKind::kBadPayload, {"code 51001", "Instrument ID does not exist"}));
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body(R"({"code":"0","da)"), rows); },
                          ErrorKind::kBadPayload, {"{code, msg, data"}));
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_ohlcv(body(R"({"code":0,"msg":"","data":[]})"), rows); },
      ErrorKind::kBadPayload));  // code must be the string "0"
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_ohlcv(body(R"({"code":"0","msg":"","data":{}})"), rows); },
      ErrorKind::kBadPayload, {"no data array"}));
}

TEST_F(OkxParse, TickersCarryTheirTimeAndNoChange) {
  std::vector<RawTicker> tickers;
  client_.exchange.parse_tickers(
      body(R"({"code":"0","msg":"","data":[{"instType":"SPOT","instId":"BTC-USDT","last":"9",)"
           R"("lastSz":"1","askPx":"9.1","askSz":"2","bidPx":"8.9","bidSz":"3","open24h":"8",)"
           R"("high24h":"10","low24h":"7","volCcy24h":"900","vol24h":"100","ts":"1700000000123",)"
           R"("sodUtc0":"8.5","sodUtc8":"8.2"},{"instId":"ETH-USDT","ts":"soon"},{"last":"1"}]})"),
      tickers);
  ASSERT_EQ(tickers.size(), 3u);
  EXPECT_EQ(tickers[0].market_id, "BTC-USDT");
  EXPECT_EQ(tickers[0].ts, 1'700'000'000'123);
  EXPECT_EQ(tickers[0].last, "9");
  EXPECT_EQ(tickers[0].bid, "8.9");
  EXPECT_EQ(tickers[0].bid_size, "3");
  EXPECT_EQ(tickers[0].ask, "9.1");
  EXPECT_EQ(tickers[0].ask_size, "2");
  EXPECT_EQ(tickers[0].open, "8");
  EXPECT_EQ(tickers[0].high, "10");
  EXPECT_EQ(tickers[0].low, "7");
  EXPECT_EQ(tickers[0].base_volume, "100");
  EXPECT_EQ(tickers[0].quote_volume, "900");
  EXPECT_TRUE(tickers[0].change_percent.empty());
  EXPECT_EQ(tickers[1].malformed, "ts is not an integer");
  EXPECT_EQ(tickers[2].malformed, "ticker has no market id");
}

TEST_F(OkxParse, BooksKeepTwoFieldsOfEachLevelAndTheTime) {
  RawBook book;
  client_.exchange.parse_orderbook(
      body(R"({"code":"0","msg":"","data":[{"asks":[["9.1","2","0","3"]],)"
           R"("bids":[["8.9","1.5","0","1"],["8.8","4","0","2"]],"ts":"1700000000000"}]})"),
      book);
  ASSERT_EQ(book.bids.size(), 2u);
  ASSERT_EQ(book.asks.size(), 1u);
  EXPECT_EQ(book.bids[1].price, "8.8");
  EXPECT_EQ(book.bids[1].amount, "4");
  EXPECT_EQ(book.asks[0].price, "9.1");
  EXPECT_EQ(book.ts, 1'700'000'000'000);
  EXPECT_FALSE(book.sequence.has_value());
  EXPECT_TRUE(ThrowsError(
      [&] { client_.exchange.parse_orderbook(body(R"({"code":"0","msg":"","data":[]})"), book); },
      ErrorKind::kBadPayload, {"exactly one book"}));
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_.exchange.parse_orderbook(
            body(R"({"code":"0","msg":"","data":[{"asks":[],"ts":"1"}]})"), book);
      },
      ErrorKind::kBadPayload, {"bids"}));
}

TEST(OkxIntervals, LongBarsAreTheUtcOnes) {
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("1m")), "1m");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("1h")), "1H");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("4h")), "4H");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("6h")), "6Hutc");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("12h")), "12Hutc");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("1d")), "1Dutc");
  EXPECT_EQ(Okx::interval_token(Timeframe::parse("1w")), "1Wutc");
  EXPECT_FALSE(Okx::interval_token(Timeframe::parse("8h")).has_value());
  EXPECT_TRUE(Okx::accepts_depth(400));
  EXPECT_FALSE(Okx::accepts_depth(401));
  EXPECT_FALSE(Okx::accepts_depth(0));
}

constexpr const char* kEmptyPage = R"({"code":"0","msg":"","data":[]})";

TEST(OkxRequests, AWindowIsAskedWithExclusiveBoundsAroundIt) {
  RecordingServer server(200, kEmptyPage);
  TestExchange<Okx> client(server.base_url());
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 1'700'000'040'000,
                              1'700'005'980'000, 100);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1d"), 1'699'920'000'000,
                              1'699'920'000'000, 1);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), 0, 3'599'999, 1);
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("4h"), 0, 3'599'999, 300);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&after=1700005980001"
                "&before=1700000039999&limit=100",
                "/api/v5/market/history-candles?instId=BTC-USDT&bar=1Dutc&after=1699920000001"
                "&before=1699919999999&limit=1",
                "/api/v5/market/history-candles?instId=BTC-USDT&bar=1H&after=3600000&limit=1",
                "/api/v5/market/history-candles?instId=BTC-USDT&bar=4H&after=3600000&limit=100"}));
}

TEST(OkxRequests, TickersBooksAndInstrumentsAreOneRequestEach) {
  RecordingServer server(200, kEmptyPage);
  TestExchange<Okx> client(server.base_url());
  client.exchange.fetch_tickers({kBtc, Symbol::parse("ETH/USDT")});
  client.exchange.fetch_orderbook(kBtc, 50);
  client.exchange.list_markets();
  EXPECT_EQ(server.targets(), (std::vector<std::string>{
                                  "/api/v5/market/tickers?instType=SPOT",
                                  "/api/v5/market/books?instId=BTC-USDT&sz=50",
                                  "/api/v5/public/instruments?instType=SPOT"}));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, 401); },
                          ErrorKind::kInvalidInput, {"401", "1 to 400"}));
}

TEST(OkxRequests, AMissingTimeframeIsAConfigError) {
  TestExchange<Okx> client;
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("8h"), 0, 1, 1); },
      ErrorKind::kConfig, {"okx has no 8h candles"}));
}

// Each answer OKX gives and the error kind it becomes.
struct ErrorCase {
  int status;
  const char* body;
  ErrorKind kind;
  const char* needle;
};

class OkxErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(OkxErrors, BecomeTheRightKind) {
  const ErrorCase& c = GetParam();
  RecordingServer server(c.status, c.body);
  TestExchange<Okx> client(server.base_url(), unit::quick_retries());
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); }, c.kind,
      {c.needle}));
}

INSTANTIATE_TEST_SUITE_P(
    Answers, OkxErrors,
    ::testing::Values(
        ErrorCase{200, R"({"code":"51001","data":[],"msg":"Instrument ID does not exist"})",
                  ErrorKind::kPermanent, "code 51001 (Instrument ID does not exist)"},
        ErrorCase{200, R"({"code":"51000","data":[],"msg":"Parameter bar error"})",
                  ErrorKind::kPermanent, "Parameter bar error"},
        ErrorCase{429, R"({"msg":"Too Many Requests","code":"50011"})", ErrorKind::kRateLimited,
                  "HTTP 429, code 50011"},
        ErrorCase{200, R"({"code":"50011","data":[],"msg":"Too Many Requests"})",
                  ErrorKind::kRateLimited, "code 50011"},
        ErrorCase{200, R"({"code":"50013","data":[],"msg":"Systems are busy"})",
                  ErrorKind::kTransient, "code 50013"},
        ErrorCase{200, R"({"code":"50026","data":[],"msg":"System error"})",
                  ErrorKind::kTransient, "code 50026"},
        ErrorCase{503, "<html>Service Unavailable</html>", ErrorKind::kTransient, "HTTP 503"},
        ErrorCase{500, R"({"code":"50026","data":[],"msg":"System error"})",
                  ErrorKind::kTransient, "HTTP 500"},
        ErrorCase{403, "Forbidden", ErrorKind::kPermanent, "HTTP 403"},
        ErrorCase{400, R"({"code":"50014","data":[],"msg":"Parameter instId can not be empty."})",
                  ErrorKind::kPermanent, "50014"}));

class FakeOkx : public ::testing::Test {
 protected:
  void answer(std::string body) {
    server_.server().Get(".*", [body](const httplib::Request&, httplib::Response& res) {
      res.set_content(body, "application/json");
    });
    server_.start();
  }
  LocalHttpServer server_;
};

TEST_F(FakeOkx, UnknownAndSuspendedInstrumentsAreNamedAndPlaceholdersSkipped) {
  answer(R"({"code":"0","msg":"","data":[)"
         R"({"instId":"BTC-USDT","baseCcy":"BTC","quoteCcy":"USDT","state":"live"},)"
         R"({"instId":"LUNA-USDT","baseCcy":"LUNA","quoteCcy":"USDT","state":"suspend"},)"
         R"({"instId":"","baseCcy":"","quoteCcy":"","state":"preopen"},{"state":"preopen"}]})");
  TestExchange<Okx> client(server_.base_url());
  client.exchange.check_symbols({kBtc});
  EXPECT_TRUE(ThrowsError(
      [&] {
        client.exchange.check_symbols(
            {kBtc, Symbol::parse("ETH/USDT"), Symbol::parse("LUNA/USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT", "LUNA/USDT (status suspend)", "on okx", "instruments"}));
}

TEST_F(FakeOkx, AnInstrumentWithoutItsCurrenciesIsABadPayload) {
  answer(R"({"code":"0","msg":"","data":[{"instId":"BTC-USDT","state":"live"}]})");
  TestExchange<Okx> client(server_.base_url());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.list_markets(); }, ErrorKind::kBadPayload,
                          {"lacks baseCcy, quoteCcy or state"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
