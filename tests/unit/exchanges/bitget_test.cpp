#include "cryptopipe/exchanges/bitget.h"

#include <gtest/gtest.h>

#include <mutex>

#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::LocalHttpServer;
using unit::TestExchange;
using unit::ThrowsError;

// The shape of Bitget's documented history-candles answer (api-doc/spot/market/
// Get-History-Candle-Data): every field a string, oldest first, eight fields a row.
constexpr std::string_view kCandles =
    R"({"code":"00000","msg":"success","requestTime":1695799900330,"data":[)"
    R"(["1646064000000","43500.8","48207.2","38516","46451.9","2581.4668",)"
    R"("118062073.82644","118062073.82644"],)"
    R"(["1648742400000","46451.9","55199.6","15522.1","38892.5","42331329.5473",)"
    R"("1726993402150.991724","1726993402150.991725"]]})";

class BitgetParse : public ::testing::Test {
 protected:
  std::string& keep(std::string_view text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    return *bodies_.back();
  }
  std::vector<RawCandle> candles(std::string_view text) {
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(keep(text), rows);
    return rows;
  }

  TestExchange<Bitget> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(BitgetParse, CandlesKeepTheWireOrderAndTheQuoteVolumeOfIndexSeven) {
  const auto rows = candles(kCandles);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].malformed.empty());
  EXPECT_EQ(rows[0].open_time, 1646064000000);
  EXPECT_EQ(rows[0].open, "43500.8");
  EXPECT_EQ(rows[0].high, "48207.2");
  EXPECT_EQ(rows[0].low, "38516");
  EXPECT_EQ(rows[0].close, "46451.9");
  EXPECT_EQ(rows[0].volume, "2581.4668");
  EXPECT_EQ(rows[1].quote_volume, "1726993402150.991725");  // quoteVol, not usdtVol
  EXPECT_FALSE(rows[1].closed.has_value());  // Bitget flags no open candle
  EXPECT_LT(rows[0].open_time, rows[1].open_time);
}

TEST_F(BitgetParse, MalformedRowsAreFlaggedOneByOne) {
  const auto rows = candles(
      R"({"code":"00000","msg":"success","requestTime":1,"data":[7,["1","2","3","4","5","6"],)"
      R"(["x","1","1","1","1","1","1","1"],["60000","1","2","1","2","3","4","5"],)"
      R"(["1645911960000","39406","39407","39374.5","39379","35.526","1399132.341"]]})");
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has fewer than 7 fields");
  EXPECT_EQ(rows[2].malformed, "timestamp is not an integer");
  EXPECT_TRUE(rows[3].malformed.empty());
  EXPECT_EQ(rows[3].quote_volume, "5");
  // ccxt's example row (bitget.py, parse_ohlcv) has seven fields, quote volume last.
  EXPECT_TRUE(rows[4].malformed.empty());
  EXPECT_EQ(rows[4].volume, "35.526");
  EXPECT_EQ(rows[4].quote_volume, "1399132.341");
}

TEST_F(BitgetParse, ErrorEnvelopesAndBrokenBodiesAreBadPayloads) {
  for (const std::string_view body :
       {R"({"code":"40034","msg":"Parameter does not exist","requestTime":1,"data":null})",
        R"({"code":"00000","msg":"success","requestTime":1,"data":{}})", R"([["1","2"]])",
        R"({"code":0,"data":[]})", R"({"code":"00000","msg":"success","data":[["1")"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(ThrowsError([&] { candles(body); }, ErrorKind::kBadPayload, {"bitget"}));
  }
}

TEST_F(BitgetParse, TickersCarryTheirOwnTsAndTheChangeInPercent) {
  // The documented shape of api-doc/spot/market/Get-Tickers.
  std::vector<RawTicker> tickers;
  client_.exchange.parse_tickers(
      keep(R"({"code":"00000","msg":"success","requestTime":1695808949356,"data":[)"
           R"({"symbol":"BTCUSDT","high24h":"37775.65","open":"35134.2","low24h":"34413.1",)"
           R"("lastPr":"34413.1","quoteVolume":"0","baseVolume":"0","usdtVolume":"0",)"
           R"("bidPr":"0","askPr":"0","bidSz":"0.0663","askSz":"0.0119","openUtc":"23856.72",)"
           R"("ts":"1625125755277","changeUtc24h":"0.00301","change24h":"-0.0205"},)"
           R"({"high24h":"1"}]})"),
      tickers);
  ASSERT_EQ(tickers.size(), 2u);
  const RawTicker& btc = tickers[0];
  EXPECT_TRUE(btc.malformed.empty());
  EXPECT_EQ(btc.market_id, "BTCUSDT");
  EXPECT_EQ(btc.ts, 1625125755277);
  EXPECT_EQ(btc.last, "34413.1");
  EXPECT_EQ(btc.bid_size, "0.0663");
  EXPECT_EQ(btc.ask_size, "0.0119");
  EXPECT_EQ(btc.open, "35134.2");  // the rolling 24 h open, not openUtc
  EXPECT_EQ(btc.high, "37775.65");
  EXPECT_EQ(btc.low, "34413.1");
  EXPECT_EQ(btc.change_percent, "-2.05");
  EXPECT_FALSE(tickers[1].malformed.empty());
}

TEST_F(BitgetParse, TheBookHasItsSidesAndTime) {
  RawBook book;
  client_.exchange.parse_orderbook(
      keep(R"({"code":"00000","msg":"success","requestTime":1698303884579,"data":{)"
           R"("asks":[["34567.15","0.0131"],["34567.25","0.0144"]],)"
           R"("bids":[["34567","0.2917"],["34566.85","0.0145"]],"ts":"1698303884584"}})"),
      book);
  ASSERT_EQ(book.bids.size(), 2u);
  ASSERT_EQ(book.asks.size(), 2u);
  EXPECT_EQ(book.bids[0].price, "34567");
  EXPECT_EQ(book.asks[1].amount, "0.0144");
  EXPECT_EQ(book.ts, 1698303884584);
  EXPECT_FALSE(book.sequence.has_value());
  std::string error = R"({"code":"40034","msg":"Parameter does not exist","data":null})";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_orderbook(error, book); },
                          ErrorKind::kBadPayload, {"40034"}));
}

TEST(BitgetTokens, UtcAlignedGranularitiesOnly) {
  EXPECT_EQ(Bitget::interval_token(Timeframe::parse("1m")), "1min");
  EXPECT_EQ(Bitget::interval_token(Timeframe::parse("1h")), "1h");
  EXPECT_EQ(Bitget::interval_token(Timeframe::parse("6h")), "6Hutc");
  EXPECT_EQ(Bitget::interval_token(Timeframe::parse("1d")), "1Dutc");
  EXPECT_EQ(Bitget::interval_token(Timeframe::parse("1w")), "1Wutc");
  EXPECT_FALSE(Bitget::interval_token(Timeframe::parse("3m")));
  EXPECT_FALSE(Bitget::interval_token(Timeframe::parse("8h")));
  EXPECT_TRUE(Bitget::accepts_depth(150));
  EXPECT_FALSE(Bitget::accepts_depth(151));
  EXPECT_FALSE(Bitget::accepts_depth(0));
}

// A local stand-in for api.bitget.com answering every request with one scripted answer and
// recording what it was asked.
class FakeBitget : public ::testing::Test {
 protected:
  void answer(int status, std::string body) {
    server_.server().Get(".*", [this, status, body](const httplib::Request& req,
                                                    httplib::Response& res) {
      {
        std::lock_guard lock(mutex_);
        targets_.push_back(req.target);
      }
      res.status = status;
      res.set_content(body, "application/json");
    });
    server_.start();
  }

  TestExchange<Bitget>& client() {
    if (!client_) {
      client_ = std::make_unique<TestExchange<Bitget>>(
          server_.base_url(), net::RetrySettings{.max_attempts = 2,
                                                 .base_delay = std::chrono::milliseconds(1),
                                                 .max_delay = std::chrono::milliseconds(2)});
    }
    return *client_;
  }

  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }

  LocalHttpServer server_;
  std::unique_ptr<TestExchange<Bitget>> client_;
  std::mutex mutex_;
  std::vector<std::string> targets_;
};

const Symbol kBtc = Symbol::parse("BTC/USDT");
constexpr std::string_view kEmpty = R"({"code":"00000","msg":"success","requestTime":1,"data":[]})";

TEST_F(FakeBitget, CandlesComeFromHistoryCandlesBeforeTheWindowsEnd) {
  answer(200, std::string(kEmpty));
  // A day of hours: endTime one past the last open, limit the window's 24 candles.
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), 86'400'000, 172'799'999, 200);
  // A window wider than the limit asks for the limit only.
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 86'340'000, 200);
  const auto asked = targets();
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_EQ(asked[0],
            "/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=1h"
            "&endTime=172800000&limit=24");
  EXPECT_EQ(asked[1],
            "/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=1min"
            "&endTime=86340001&limit=200");
}

TEST_F(FakeBitget, TickersBooksAndSymbolsAskTheDocumentedPaths) {
  answer(200, std::string(kEmpty));
  client().exchange.fetch_tickers({kBtc, Symbol::parse("ETH/USDT")});
  client().exchange.fetch_tickers({kBtc});
  client().exchange.fetch_orderbook(kBtc, 150);
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_orderbook(kBtc, 151); },
                          ErrorKind::kInvalidInput, {"1 to 150"}));
  client().exchange.list_markets();
  EXPECT_EQ(targets(), (std::vector<std::string>{
                           "/api/v2/spot/market/tickers",
                           "/api/v2/spot/market/tickers?symbol=BTCUSDT",
                           "/api/v2/spot/market/orderbook?symbol=BTCUSDT&type=step0&limit=150",
                           "/api/v2/spot/public/symbols"}));
}

TEST_F(FakeBitget, AnUnknownSymbolIsPermanent) {
  answer(400, R"({"code":"40034","msg":"Parameter does not exist","requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError(
      [&] { client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); },
      ErrorKind::kPermanent, {"HTTP 400", "code 40034", "Parameter does not exist"}));
  EXPECT_EQ(targets().size(), 1u);  // not retried
}

TEST_F(FakeBitget, AnErrorCodeInsideHttp200IsAnError) {
  answer(200,
         R"({"code":"40017","msg":"Parameter verification failed","requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_tickers({}); }, ErrorKind::kPermanent,
                          {"code 40017"}));
}

TEST_F(FakeBitget, TooManyRequestsIsRetriedThenRateLimited) {
  answer(429, R"({"code":"429","msg":"Too Many Requests","requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_tickers({}); }, ErrorKind::kRateLimited,
                          {"Too Many Requests", "gave up after 2 attempts"}));
  EXPECT_EQ(targets().size(), 2u);
}

TEST_F(FakeBitget, ServerErrorsAreTransient) {
  answer(500, R"({"code":"40015","msg":"System error","requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_tickers({}); }, ErrorKind::kTransient,
                          {"HTTP 500"}));
  EXPECT_EQ(targets().size(), 2u);
}

TEST_F(FakeBitget, TryAgainLaterCodesAreTransientWhateverTheStatus) {
  answer(400, R"({"code":"40015","msg":"System is abnormal, please try again later",)"
              R"("requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_tickers({}); }, ErrorKind::kTransient,
                          {"code 40015"}));
  EXPECT_EQ(targets().size(), 2u);
}

TEST_F(FakeBitget, ThrottledCode1001IsRateLimited) {
  answer(200, R"({"code":"1001","msg":"The request is too frequent and has been throttled",)"
              R"("requestTime":1,"data":null})");
  EXPECT_TRUE(ThrowsError([&] { client().exchange.fetch_tickers({}); }, ErrorKind::kRateLimited,
                          {"code 1001"}));
}

TEST_F(FakeBitget, OfflineSymbolsAreNamed) {
  answer(200, R"({"code":"00000","msg":"success","requestTime":1,"data":[)"
              R"({"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","status":"online"},)"
              R"({"symbol":"LUNAUSDT","baseCoin":"LUNA","quoteCoin":"USDT","status":"offline"}]})");
  client().exchange.check_symbols({kBtc});
  EXPECT_TRUE(ThrowsError(
      [&] { client().exchange.check_symbols({kBtc, Symbol::parse("LUNA/USDT")}); },
      ErrorKind::kInvalidInput, {"LUNA/USDT (status offline)", "symbols"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
