#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "unit/exchange_for_tests.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using std::chrono::milliseconds;
using unit::contains;
using unit::LocalHttpServer;
using unit::TestBinance;
using unit::ThrowsError;

constexpr const char* kKlines =
    "[[1706630400000,\"43519.34000000\",\"43936.00000000\",\"43171.00000000\",\"43488.71000000\","
    "\"20.55495000\",1706633999999,\"891428.42858070\",3743,\"10.91428000\",\"473782.95739920\","
    "\"0\"]]";

// One scripted answer of the fake Binance.
struct Answer {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
};

// A local stand-in for api.binance.com that answers from a script (the last answer repeats)
// and records the requests.
class FakeBinance {
 public:
  FakeBinance() {
    const auto handler = [this](const httplib::Request& request, httplib::Response& response) {
      Answer answer;
      {
        std::lock_guard lock(mutex_);
        requests_.push_back(request.path + "?" + query_of(request));
        answer = script_.empty() ? Answer{404, "{}", {}}
                                 : script_[std::min(requests_.size(), script_.size()) - 1];
      }
      response.status = answer.status;
      for (const auto& [name, value] : answer.headers) response.set_header(name, value);
      response.set_content(answer.body, "application/json;charset=UTF-8");
    };
    local_.server().Get("/api/v3/klines", handler);
    local_.server().Get("/api/v3/exchangeInfo", handler);
    local_.server().Get("/fapi/v1/exchangeInfo", handler);  // the futures host is the same here
    local_.start();
  }

  void script(std::vector<Answer> answers) {
    std::lock_guard lock(mutex_);
    script_ = std::move(answers);
  }
  std::vector<std::string> requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }
  std::string base_url() const { return local_.base_url(); }

 private:
  static std::string query_of(const httplib::Request& request) {
    std::string query;
    for (const char* name : {"symbol", "interval", "startTime", "endTime", "limit"}) {
      if (request.has_param(name)) {
        query += (query.empty() ? "" : "&") + std::string(name) + "=" + request.get_param_value(name);
      }
    }
    return query;
  }

  std::mutex mutex_;
  std::vector<Answer> script_;
  std::vector<std::string> requests_;
  LocalHttpServer local_;
};

net::RetrySettings quick_retries(int max_attempts) {
  net::RetrySettings retry;
  retry.max_attempts = max_attempts;
  retry.base_delay = milliseconds(10);
  retry.max_delay = milliseconds(50);
  retry.max_retry_after = milliseconds(1'000);
  return retry;
}

const Symbol kBtc = Symbol::parse("BTC/USDT");
const TimestampMs kStart = 1706630400000;

TEST(BinanceHttp, FetchesKlinesWithTheDocumentedQuery) {
  FakeBinance server;
  server.script({{200, kKlines, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  RawResponse raw =
      client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 3 * 3'600'000 - 1, 3);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, kKlines);
  EXPECT_EQ(server.requests(),
            std::vector<std::string>{"/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime="
                                     "1706630400000&endTime=1706641199999&limit=3"});
  EXPECT_TRUE(contains(raw.url, server.base_url() + "/api/v3/klines?")) << raw.url;
  EXPECT_TRUE(contains(raw.url, "symbol=BTCUSDT")) << raw.url;
  const QueryParams expected = {{"symbol", "BTCUSDT"},
                                {"interval", "1h"},
                                {"startTime", "1706630400000"},
                                {"endTime", "1706641199999"},
                                {"limit", "3"}};
  EXPECT_EQ(raw.params, expected);
  EXPECT_EQ(raw.requested_at, client.fake_clock.now_ms());
  EXPECT_LE(raw.requested_at, raw.received_at);
  std::vector<RawCandle> rows;
  client.exchange.parse_ohlcv(raw.body, rows);
  ASSERT_EQ(rows.size(), 1u);
}

TEST(BinanceHttp, ChargesTheRequestWeightToTheLimiter) {
  FakeBinance server;
  server.script({{200, kKlines, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), kStart, kStart + 59'999, 1);
  EXPECT_DOUBLE_EQ(client.limiter.available(), unit::kBinanceWeightPerMinute - 2);
}

TEST(BinanceHttp, RateLimitWithRetryAfterIsWaitedOutThenSucceeds) {
  FakeBinance server;
  server.script({{429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", {{"Retry-After", "1"}}},
                 {200, kKlines, {}}});
  SystemClock clock;
  TestBinance client(server.base_url(), quick_retries(3), &clock);
  const RawResponse raw =
      client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 3'599'999, 1);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, kKlines);
  EXPECT_EQ(server.requests().size(), 2u);
  // The retry is logged with the server's wait.
  const std::string log = client.log.text();
  EXPECT_TRUE(contains(log, "\"wait_ms\":1000")) << log;
  EXPECT_TRUE(contains(log, "429")) << log;
}

TEST(BinanceHttp, RateLimitBeyondTheRetryBudgetFailsAtOnce) {
  FakeBinance server;
  server.script({{429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", {{"Retry-After", "60"}}}});
  TestBinance client(server.base_url(), quick_retries(3));
  try {
    client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 3'599'999, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRateLimited) << e.what();
    EXPECT_EQ(e.retry_after(), milliseconds(60'000));
  }
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(client.fake_clock.sleeps().empty());
}

TEST(BinanceHttp, RateLimitHoldsTheExchangesOtherRequestsForItsRetryAfter) {
  FakeBinance server;
  server.script({{429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", {{"Retry-After", "1"}}}});
  TestBinance client(server.base_url(), quick_retries(1));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kRateLimited, {"1 attempts"}));
  ASSERT_TRUE(client.fake_clock.sleeps().empty());
  // Another worker's request on the same exchange (the same limiter) waits the second out.
  client.limiter.acquire(1);
  EXPECT_EQ(client.fake_clock.total_slept_ms(), 1'000);
}

TEST(BinanceHttp, ARetryAfterBeyondTheBudgetHoldsNothing) {
  FakeBinance server;
  server.script(
      {{429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", {{"Retry-After", "60"}}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kRateLimited, {"longer than the retry budget"}));
  client.limiter.acquire(1);
  EXPECT_TRUE(client.fake_clock.sleeps().empty());
}

TEST(BinanceHttp, RateLimitWithoutRetryAfterWaitsOneSecond) {
  FakeBinance server;
  server.script({{429, "{\"code\":-1003,\"msg\":\"Too many requests.\"}", {}}, {200, kKlines, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  const RawResponse raw =
      client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 3'599'999, 1);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(client.fake_clock.sleeps(), std::vector<milliseconds>{milliseconds(1'000)});
}

TEST(BinanceHttp, BanIsNotRetried) {
  FakeBinance server;
  server.script({{418, "{\"code\":-1003,\"msg\":\"Way too many requests; IP banned.\"}",
                  {{"Retry-After", "120"}}}});
  TestBinance client(server.base_url(), quick_retries(3));
  try {
    client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 3'599'999, 1);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBanned) << e.what();
    EXPECT_EQ(e.retry_after(), milliseconds(120'000));
    EXPECT_TRUE(contains(e.what(), "418")) << e.what();
    EXPECT_TRUE(contains(e.what(), "120")) << e.what();
  }
  EXPECT_EQ(server.requests().size(), 1u);
  EXPECT_TRUE(client.fake_clock.sleeps().empty());
}

TEST(BinanceHttp, ClientErrorsArePermanentAndNameBinancesCode) {
  FakeBinance server;
  server.script({{400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kPermanent, {"-1121", "Invalid symbol.", "400", "/api/v3/klines"}));
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(BinanceHttp, NonJsonErrorBodiesAreQuoted) {
  FakeBinance server;
  server.script({{404, "<html><body>Not Found</body></html>", {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kPermanent, {"404", "Not Found"}));
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(BinanceHttp, ServerErrorsAreRetriedThenTransient) {
  FakeBinance server;
  server.script({{503, "Service Unavailable", {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kTransient, {"503", "3 attempts"}));
  EXPECT_EQ(server.requests().size(), 3u);
  EXPECT_EQ(client.fake_clock.sleeps().size(), 2u);
}

TEST(BinanceHttp, ServerErrorThenSuccessRecovers) {
  FakeBinance server;
  server.script({{502, "bad gateway", {}}, {500, "oops", {}}, {200, kKlines, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  const RawResponse raw =
      client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(server.requests().size(), 3u);
}

TEST(BinanceHttp, UsedWeightHeaderLowersTheLimiter) {
  FakeBinance server;
  server.script({{200, kKlines, {{"X-MBX-USED-WEIGHT-1M", "5990"}}}});
  TestBinance client(server.base_url(), quick_retries(3));
  client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1);
  EXPECT_NEAR(client.limiter.available(), 10, 1e-9);
}

TEST(BinanceHttp, UsedWeightHeaderCountsOnErrorsToo) {
  FakeBinance server;
  server.script({{400, "{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", {{"X-MBX-USED-WEIGHT-1M", "5000"}}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_THROW(client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1),
               Error);
  EXPECT_NEAR(client.limiter.available(), 1000, 1e-9);
}

TEST(BinanceHttp, ConnectionRefusedIsTransientAfterRetries) {
  std::string url;
  {
    FakeBinance gone;
    url = gone.base_url();
  }  // stopped: nothing listens on its port any more
  TestBinance client(url, quick_retries(2));
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_ohlcv(kBtc, Timeframe::parse("1h"), kStart, kStart + 1, 1); },
      ErrorKind::kTransient, {"2 attempts"}));
}

const char* kExchangeInfo = R"({
  "timezone": "UTC", "serverTime": 1706640000000, "rateLimits": [], "exchangeFilters": [],
  "symbols": [
    {"symbol": "BTCUSDT", "status": "TRADING", "baseAsset": "BTC", "baseAssetPrecision": 8,
     "quoteAsset": "USDT", "quotePrecision": 8, "orderTypes": ["LIMIT", "MARKET"],
     "filters": [{"filterType": "PRICE_FILTER", "minPrice": "0.01000000"}]}
  ]
})";

TEST(BinanceHttp, CheckSymbolsAcceptsListedMarkets) {
  FakeBinance server;
  server.script({{200, kExchangeInfo, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_NO_THROW(client.exchange.check_symbols({kBtc}));
  ASSERT_EQ(server.requests().size(), 1u);
  EXPECT_EQ(server.requests()[0].rfind("/api/v3/exchangeInfo", 0), 0u);
  EXPECT_DOUBLE_EQ(client.limiter.available(), unit::kBinanceWeightPerMinute - 20);
}

TEST(BinanceHttp, CheckSymbolsNamesEveryUnknownSymbol) {
  FakeBinance server;
  server.script({{200, kExchangeInfo, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  try {
    client.exchange.check_symbols({kBtc, Symbol::parse("ETH/USDT"), Symbol::parse("SOL/USDT")});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_TRUE(contains(e.what(), "ETH/USDT")) << e.what();
    EXPECT_TRUE(contains(e.what(), "SOL/USDT")) << e.what();
    EXPECT_FALSE(contains(e.what(), "BTC/USDT")) << e.what();
  }
}

TEST(BinanceHttp, CheckSymbolsMatchesBaseAndQuoteNotTheConcatenation) {
  FakeBinance server;
  server.script({{200, kExchangeInfo, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  // "BTCU/SDT" concatenates to the listed BTCUSDT but is another market.
  EXPECT_TRUE(ThrowsError([&] { client.exchange.check_symbols({Symbol::parse("BTCU/SDT")}); },
                          ErrorKind::kInvalidInput, {"BTCU/SDT"}));
}

TEST(BinanceHttp, CheckSymbolsRefusesAMalformedExchangeInfo) {
  FakeBinance server;
  server.script({{200, "{\"symbols\":[{\"symbol\":\"BTCUSDT\"}]}", {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.check_symbols({kBtc}); }, ErrorKind::kBadPayload,
                          {"exchangeInfo"}));
}

// USD-M's exchangeInfo: a perpetual, a quarterly future of another base, a perpetual margined
// in another asset than its quote, and one settling.
const char* kFuturesExchangeInfo = R"({
  "timezone": "UTC", "serverTime": 1706640000000, "futuresType": "U_MARGINED",
  "symbols": [
    {"symbol": "BTCUSDT", "pair": "BTCUSDT", "contractType": "PERPETUAL", "status": "TRADING",
     "baseAsset": "BTC", "quoteAsset": "USDT", "marginAsset": "USDT"},
    {"symbol": "ETHUSDT_240329", "pair": "ETHUSDT", "contractType": "CURRENT_QUARTER",
     "status": "TRADING", "baseAsset": "ETH", "quoteAsset": "USDT", "marginAsset": "USDT"},
    {"symbol": "XRPUSDT", "pair": "XRPUSDT", "contractType": "PERPETUAL", "status": "TRADING",
     "baseAsset": "XRP", "quoteAsset": "USDT", "marginAsset": "BNB"},
    {"symbol": "SOLUSDT", "pair": "SOLUSDT", "contractType": "PERPETUAL", "status": "SETTLING",
     "baseAsset": "SOL", "quoteAsset": "USDT", "marginAsset": "USDT"}
  ]
})";

TEST(BinanceHttp, PerpetualsAreCheckedAgainstTheFuturesInstrumentList) {
  FakeBinance server;
  server.script({{200, kFuturesExchangeInfo, {}}, {200, kFuturesExchangeInfo, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_NO_THROW(client.exchange.check_perpetuals({Symbol::parse("BTC/USDT:USDT")}));
  EXPECT_EQ(server.requests()[0].rfind("/fapi/v1/exchangeInfo", 0), 0u);
  EXPECT_TRUE(ThrowsError(
      [&] {
        client.exchange.check_perpetuals({Symbol::parse("ETH/USDT:USDT"),
                                          Symbol::parse("XRP/USDT:USDT"),
                                          Symbol::parse("SOL/USDT:USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT:USDT, XRP/USDT:USDT", "SOL/USDT:USDT (status SETTLING)",
       "/fapi/v1/exchangeInfo"}));
}

TEST(BinanceHttp, AFuturesListWithoutContractTypesIsABadPayload) {
  FakeBinance server;
  server.script({{200, kExchangeInfo, {}}});
  TestBinance client(server.base_url(), quick_retries(3));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.check_perpetuals({Symbol::parse("BTC/USDT:USDT")}); },
                          ErrorKind::kBadPayload, {"exchangeInfo"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
