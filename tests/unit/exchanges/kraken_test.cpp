#include "cryptopipe/exchanges/kraken.h"

#include <gtest/gtest.h>

#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/ccxt_fixtures.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::LocalHttpServer;
using unit::TestExchange;
using unit::ThrowsError;

// Parsers keep views into the bodies, which therefore outlive each test's checks.
class KrakenParse : public ::testing::Test {
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

  TestExchange<Kraken> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(KrakenParse, RowsUnderThePairsKeyWithTheLastOneStillOpen) {
  // "last" may come before or after the rows; the key is Kraken's, not the one asked for.
  const auto rows = candles(
      R"({"error":[],"result":{"last":1706796000,"XXBTZUSD":[)"
      R"([1706792400 ,"43437.5","43593.7","43355.5","43361.1","43511.3","18.75430110",162],)"
      R"([1706796000,"43366.30","43529.2","43234.2","43485.0","43435.3",)"
      R"("0.000000012345678901",0]]}})");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0].malformed.empty()) << rows[0].malformed;
  EXPECT_EQ(rows[0].open_time, 1706792400000);
  EXPECT_EQ(rows[0].open, "43437.5");
  EXPECT_EQ(rows[0].high, "43593.7");
  EXPECT_EQ(rows[0].low, "43355.5");
  EXPECT_EQ(rows[0].close, "43361.1");
  EXPECT_EQ(rows[0].volume, "18.75430110");  // field 6; field 5 is the vwap
  EXPECT_EQ(rows[0].trade_count, 162);
  EXPECT_TRUE(rows[0].quote_volume.empty());  // vwap × volume would be rounded
  EXPECT_FALSE(rows[0].closed.has_value());
  EXPECT_EQ(rows[1].open, "43366.30");  // trailing zeros kept
  EXPECT_EQ(rows[1].volume, "0.000000012345678901");
  EXPECT_EQ(rows[1].closed, false);  // the last row is always the candle still open
}

TEST_F(KrakenParse, TheNewestRowIsTheOpenOneWhereverItComes) {
  const auto rows = candles(
      R"({"error":[],"result":{"XBTUSDT":[[1706796000,"1","1","1","1","1","1",1],)"
      R"([1706792400,"1","1","1","1","1","1",1],"row"],"last":1706792400}})");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].closed, false);
  EXPECT_FALSE(rows[1].closed.has_value());
  EXPECT_FALSE(rows[2].closed.has_value());
}

TEST_F(KrakenParse, MalformedRowsAreFlaggedOneByOne) {
  const auto rows = candles(
      R"({"error":[],"result":{"XBTUSDT":[)"
      R"("row",[1706792400,"1","2"],[1706792400.5,"1","2","3","4","5","6",1],)"
      R"(["1706792400","1","2","3","4","5","6",1],[1706792400,"1","2","3","4","5","6","7"],)"
      R"([1706796000,1,"2","3","4","5","6",1,"extra"]],"last":1706792400}})");
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has fewer than 8 fields");
  EXPECT_EQ(rows[2].malformed, "time is not a whole number of seconds in range");
  EXPECT_EQ(rows[3].malformed, "time is not a whole number of seconds in range");
  EXPECT_EQ(rows[4].malformed, "count is not an integer");
  EXPECT_TRUE(rows[5].malformed.empty());  // a number for a price is read as empty text
  EXPECT_TRUE(rows[5].open.empty());
  EXPECT_EQ(rows[5].high, "2");
}

TEST_F(KrakenParse, AnErrorEnvelopeInsteadOfCandlesIsABadPayload) {
  EXPECT_TRUE(ThrowsError([&] { candles(R"({"error":["EQuery:Unknown asset pair"]})"); },
                          ErrorKind::kBadPayload, {"kraken", "EQuery:Unknown asset pair"}));
  EXPECT_TRUE(ThrowsError([&] { candles(R"([1,2])"); }, ErrorKind::kBadPayload, {"kraken"}));
  EXPECT_TRUE(ThrowsError([&] { candles(R"({"error":[],"result":{"last":1}})"); },
                          ErrorKind::kBadPayload, {"no rows"}));
  // A warning is not an error.
  EXPECT_EQ(candles(R"({"error":["WGeneral:Note"],"result":{"XBTUSDT":[],"last":1}})").size(), 0u);
}

// Regression (fuzz/regressions/kraken_responses): a body whose object breaks after its error
// array, read as it went, reached undefined behaviour inside simdjson; now the whole document is
// validated first and such a body is a bad payload.
TEST_F(KrakenParse, ABodyBrokenAfterItsErrorFieldIsABadPayload) {
  EXPECT_TRUE(ThrowsError([&] { candles(R"({"errrror":["E", "1", 162], [1706630400, "4"]})"); },
                          ErrorKind::kBadPayload, {"kraken", "OHLC response"}));
  const std::string cut_short =
      R"({"error":[],"result":{"XBTUSDT":[[1706630400,"1","1","1","1","1","1",3]],)";
  EXPECT_TRUE(ThrowsError([&] { candles(cut_short); }, ErrorKind::kBadPayload, {"kraken"}));
}

TEST_F(KrakenParse, TickersMapLegacyKeysToAltnamesAndTakeTheTwentyFourHourFields) {
  const auto out = tickers(
      R"({"error":[],"result":{"XXBTZUSD":{"a":["73380.70000","1","1.000"],)"
      R"("b":["73380.60000","2","2.500"],"c":["73380.60000","0.00160710"],)"
      R"("v":["165.16072288","598.03698452"],"p":["72647.97204","71501.57520"],)"
      R"("t":[6405,21103],"l":["71321.80000","68666.00000"],"h":["73580.00000","73590.00000"],)"
      R"("o":"71450.70000"},"XBTUSDT":{"c":["1.0","1"]},"XDGUSD":"oops"}})");
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].market_id, "XBTUSD");
  EXPECT_EQ(out[0].ask, "73380.70000");
  EXPECT_EQ(out[0].ask_size, "1.000");
  EXPECT_EQ(out[0].bid, "73380.60000");
  EXPECT_EQ(out[0].bid_size, "2.500");
  EXPECT_EQ(out[0].last, "73380.60000");
  EXPECT_EQ(out[0].base_volume, "598.03698452");
  EXPECT_EQ(out[0].low, "68666.00000");
  EXPECT_EQ(out[0].high, "73590.00000");
  EXPECT_EQ(out[0].open, "71450.70000");
  EXPECT_TRUE(out[0].quote_volume.empty());
  EXPECT_FALSE(out[0].ts.has_value());
  EXPECT_EQ(out[1].market_id, "XBTUSDT");
  EXPECT_EQ(out[1].last, "1.0");
  EXPECT_TRUE(out[1].bid.empty());
  EXPECT_EQ(out[2].market_id, "XDGUSD");
  EXPECT_EQ(out[2].malformed, "ticker is not an object");
}

TEST_F(KrakenParse, AnErrorEnvelopeInsteadOfTickersIsABadPayload) {
  EXPECT_TRUE(ThrowsError([&] { tickers(R"({"error":["EGeneral:Invalid arguments"]})"); },
                          ErrorKind::kBadPayload, {"EGeneral:Invalid arguments"}));
}

TEST_F(KrakenParse, BookLevelsKeepPriceAndVolumeAndIgnoreTheirTimes) {
  const RawBook out = book(
      R"({"error":[],"result":{"XXBTZUSD":{"asks":[["43000.10000","1.500",1706796000]],)"
      R"("bids":[["43000.00000","0.250",1706795999],["42999.9","2",1706795990]]}}})");
  ASSERT_EQ(out.asks.size(), 1u);
  ASSERT_EQ(out.bids.size(), 2u);
  EXPECT_EQ(out.asks[0].price, "43000.10000");
  EXPECT_EQ(out.asks[0].amount, "1.500");
  EXPECT_EQ(out.bids[1].price, "42999.9");
  EXPECT_FALSE(out.ts.has_value());
  EXPECT_FALSE(out.sequence.has_value());
  EXPECT_TRUE(ThrowsError([&] { book(R"({"error":[],"result":{}})"); }, ErrorKind::kBadPayload,
                          {"no book"}));
  EXPECT_TRUE(ThrowsError([&] { book(R"({"error":["EQuery:Unknown asset pair"]})"); },
                          ErrorKind::kBadPayload, {"EQuery:Unknown asset pair"}));
}

TEST(KrakenChoices, MinuteIntervalsDepthsAndNames) {
  EXPECT_EQ(Kraken::interval_token(Timeframe::parse("1m")), "1");
  EXPECT_EQ(Kraken::interval_token(Timeframe::parse("15m")), "15");
  EXPECT_EQ(Kraken::interval_token(Timeframe::parse("4h")), "240");
  EXPECT_EQ(Kraken::interval_token(Timeframe::parse("1w")), "10080");
  EXPECT_FALSE(Kraken::interval_token(Timeframe::parse("2h")));
  EXPECT_FALSE(Kraken::interval_token(Timeframe::parse("3m")));
  EXPECT_TRUE(Kraken::accepts_depth(1));
  EXPECT_TRUE(Kraken::accepts_depth(500));
  EXPECT_FALSE(Kraken::accepts_depth(0));
  EXPECT_FALSE(Kraken::accepts_depth(501));
  EXPECT_EQ(Kraken::pair_name(Symbol::parse("BTC/USDT")), "XBTUSDT");
  EXPECT_EQ(Kraken::pair_name(Symbol::parse("DOGE/USD")), "XDGUSD");
  EXPECT_EQ(Kraken::pair_name(Symbol::parse("ETH/BTC")), "ETHXBT");
  EXPECT_EQ(Kraken::unified_asset("XBT"), "BTC");
  EXPECT_EQ(Kraken::unified_asset("XDG"), "DOGE");
  EXPECT_EQ(Kraken::altname_of_key("XETHXXBT"), "ETHXBT");
  EXPECT_EQ(Kraken::altname_of_key("XXBTZEUR"), "XBTEUR");
  EXPECT_EQ(Kraken::altname_of_key("SOLUSD"), "SOLUSD");
}

class FakeKraken : public ::testing::Test {
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
    client_ = std::make_unique<TestExchange<Kraken>>(
        server_.base_url(), net::RetrySettings{.max_attempts = 2,
                                               .base_delay = std::chrono::milliseconds(1),
                                               .max_delay = std::chrono::milliseconds(2)});
  }
  void fetch_an_hour() {
    client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1h"),
                                  1706792400000, 1706792400000 + 3'599'999, 1);
  }

  LocalHttpServer server_;
  std::unique_ptr<TestExchange<Kraken>> client_;
  std::string last_target_;
};

TEST_F(FakeKraken, AsksFromASecondBeforeStartInMinutesWithKrakensPairName) {
  answer(200, R"({"error":[],"result":{"XBTUSDT":[],"last":0}})");
  fetch_an_hour();
  EXPECT_EQ(last_target_, "/0/public/OHLC?pair=XBTUSDT&interval=60&since=1706792399");
}

TEST_F(FakeKraken, TickersAreOneRequestForTheAskedPairsAndBooksAskTheDepth) {
  answer(200, R"({"error":[],"result":{}})");
  client_->exchange.fetch_tickers({Symbol::parse("BTC/USD"), Symbol::parse("DOGE/USDT")});
  EXPECT_EQ(last_target_, "/0/public/Ticker?pair=XBTUSD%2CXDGUSDT");
  client_->exchange.fetch_tickers({});
  EXPECT_EQ(last_target_, "/0/public/Ticker");
  client_->exchange.fetch_orderbook(Symbol::parse("ETH/USDT"), 25);
  EXPECT_EQ(last_target_, "/0/public/Depth?pair=ETHUSDT&count=25");
  EXPECT_TRUE(
      ThrowsError([&] { client_->exchange.fetch_orderbook(Symbol::parse("ETH/USDT"), 501); },
                  ErrorKind::kInvalidInput, {"kraken", "outside 1 to 500"}));
}

// ccxt's recorded requests (fixtures/ccxt-static/kraken/requests): the same paths and pair
// names; our tickers request is ccxt's fetchTickers request to the byte.
TEST_F(FakeKraken, RequestsMatchCcxtsRecordedOnes) {
  answer(200, R"({"error":[],"result":{}})");
  const auto recorded = [](const std::string& method) {
    const nlohmann::json file = unit::read_json_file(
        std::filesystem::path(CRYPTOPIPE_FIXTURES_DIR) / "ccxt-static/kraken/requests" /
        (method + ".json"));
    const std::string url = file.at("cases")[0].at("url");
    return url.substr(std::string("https://api.kraken.com").size());
  };
  client_->exchange.fetch_tickers({Symbol::parse("BTC/USDT"), Symbol::parse("ETH/USDT")});
  EXPECT_EQ(last_target_, recorded("fetchTickers"));
  client_->exchange.fetch_orderbook(Symbol::parse("BTC/USDT"), 20);
  EXPECT_EQ(last_target_, recorded("fetchOrderBook") + "&count=20");
  client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"), 60'000,
                                119'999, 1);
  EXPECT_EQ(last_target_, recorded("fetchOHLCV").substr(0, 37) + "1&since=59");
}

TEST_F(FakeKraken, AnUnknownPairInAnHttp200IsPermanent) {
  answer(200, R"({"error":["EQuery:Unknown asset pair"]})");
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kPermanent,
                          {"kraken", "HTTP 200", "EQuery:Unknown asset pair"}));
  EXPECT_TRUE(client_->fake_clock.sleeps().empty());  // not retried
}

TEST_F(FakeKraken, TooManyRequestsInAnHttp200IsRateLimitedAndRetried) {
  answer(200, R"({"error":["EGeneral:Too many requests"]})");
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kRateLimited,
                          {"EGeneral:Too many requests", "gave up after 2 attempts"}));
  EXPECT_GE(client_->fake_clock.total_slept_ms(), 3000);
}

TEST_F(FakeKraken, RateLimitExceededAndHttp429WaitTheirRetryAfter) {
  answer(429, R"({"error":["EAPI:Rate limit exceeded"]})", {{"Retry-After", "7"}});
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kRateLimited,
                          {"HTTP 429", "EAPI:Rate limit exceeded"}));
  EXPECT_GE(client_->fake_clock.total_slept_ms(), 7000);
}

TEST_F(FakeKraken, BusyServiceIsTransientAndRetried) {
  answer(200, R"({"error":["EService:Unavailable"]})");
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kTransient,
                          {"EService:Unavailable", "gave up after 2 attempts"}));
  EXPECT_EQ(client_->fake_clock.sleeps().size(), 1u);
}

TEST_F(FakeKraken, ServerErrorsAreTransient) {
  answer(502, "<html>Bad Gateway</html>");
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kTransient, {"HTTP 502"}));
}

TEST_F(FakeKraken, ALockoutIsABan) {
  answer(200, R"({"error":["EGeneral:Temporary lockout"]})");
  EXPECT_TRUE(ThrowsError([&] { fetch_an_hour(); }, ErrorKind::kBanned,
                          {"EGeneral:Temporary lockout"}));
}

TEST_F(FakeKraken, MarketsComeFromWsnameInUnifiedCodes) {
  answer(200,
         R"({"error":[],"result":{"XXBTZUSD":{"altname":"XBTUSD","wsname":"XBT/USD",)"
         R"("base":"XXBT","quote":"ZUSD","status":"online"},)"
         R"("XBTUSDT":{"altname":"XBTUSDT","wsname":"XBT/USDT","status":"online"},)"
         R"("XDGUSD":{"altname":"XDGUSD","wsname":"XDG/USD","status":"cancel_only"},)"
         R"("XXBTZUSD.d":{"altname":"XBTUSD.d","base":"XXBT","quote":"ZUSD"}}})");
  client_->exchange.check_symbols({Symbol::parse("BTC/USD"), Symbol::parse("BTC/USDT")});
  EXPECT_TRUE(ThrowsError([&] { client_->exchange.check_symbols({Symbol::parse("DOGE/USD")}); },
                          ErrorKind::kInvalidInput, {"DOGE/USD (status cancel_only)", "kraken"}));
  EXPECT_EQ(last_target_, "/0/public/AssetPairs");
  EXPECT_EQ(client_->exchange.trading_symbols().size(), 2u);
}

}  // namespace
}  // namespace cryptopipe::exchanges
