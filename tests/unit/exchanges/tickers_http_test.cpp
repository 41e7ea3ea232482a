// What fetch_tickers sends to each exchange (path, query, weight) and how it reports an
// exchange's refusal, against a local server.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/bybit.h"
#include "cryptopipe/exchanges/gateio.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/recording_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::quick_retries;
using unit::RecordingServer;
using unit::TestExchange;
using unit::ThrowsError;

// `count` distinct USDT markets: C0/USDT, C1/USDT, ...
std::vector<Symbol> markets(std::size_t count) {
  std::vector<Symbol> out;
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(Symbol::parse("C" + std::to_string(i) + "/USDT"));
  }
  return out;
}

const std::vector<Symbol> kNone;
const std::vector<Symbol> kBtc = {Symbol::parse("BTC/USDT")};
const std::vector<Symbol> kBtcEth = {Symbol::parse("BTC/USDT"), Symbol::parse("ETH/USDT")};

// The target each exchange's fetch_tickers sent for `symbols`.
template <typename ExchangeType>
std::string target_for(const std::vector<Symbol>& symbols, const std::string& answer) {
  RecordingServer server(200, answer);
  TestExchange<ExchangeType> client(server.base_url(), quick_retries());
  const RawResponse raw = client.exchange.fetch_tickers(symbols);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, answer);
  const std::vector<std::string> targets = server.targets();
  EXPECT_EQ(targets.size(), 1u);
  return targets.empty() ? "" : targets.front();
}

TEST(BinanceTickersHttp, AsksForEveryMarketWithoutParameters) {
  EXPECT_EQ(target_for<Binance>(kNone, "[]"), "/api/v3/ticker/24hr");
}

TEST(BinanceTickersHttp, AsksForOneMarketAsAOneElementArray) {
  // `symbols` even for one market, so the answer is an array whatever the count.
  EXPECT_EQ(target_for<Binance>(kBtc, "[]"),
            "/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%5D");
}

TEST(BinanceTickersHttp, AsksForSeveralMarketsAsACompactJsonArray) {
  RecordingServer server(200, "[]");
  TestExchange<Binance> client(server.base_url(), quick_retries());
  const RawResponse raw = client.exchange.fetch_tickers(kBtcEth);
  EXPECT_EQ(server.targets(),
            std::vector<std::string>{
                "/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D"});
  EXPECT_EQ(server.symbols_param(), R"(["BTCUSDT","ETHUSDT"])");
  const QueryParams expected = {{"symbols", R"(["BTCUSDT","ETHUSDT"])"}};
  EXPECT_EQ(raw.params, expected);
}

// The weight the limiter was charged for one fetch_tickers of `count` markets (0: all).
double binance_weight_for(std::size_t count) {
  RecordingServer server(200, "[]");
  TestExchange<Binance> client(server.base_url(), quick_retries());
  client.exchange.fetch_tickers(markets(count));
  EXPECT_TRUE(client.fake_clock.sleeps().empty());  // the fake clock stands still: no refill
  return unit::kBinanceWeightPerMinute - client.limiter.available();
}

TEST(BinanceTickersHttp, ChargesTheDocumentedWeightForTheSymbolCount) {
  // §1.3: 2 for 1-20 symbols, 40 for 21-100, 80 for more or for every market.
  EXPECT_DOUBLE_EQ(binance_weight_for(0), 80);
  EXPECT_DOUBLE_EQ(binance_weight_for(1), 2);
  EXPECT_DOUBLE_EQ(binance_weight_for(2), 2);
  EXPECT_DOUBLE_EQ(binance_weight_for(20), 2);
  EXPECT_DOUBLE_EQ(binance_weight_for(21), 40);
  EXPECT_DOUBLE_EQ(binance_weight_for(100), 40);
  EXPECT_DOUBLE_EQ(binance_weight_for(101), 80);
}

TEST(BinanceTickersHttp, AnUnknownSymbolIsAPermanentErrorNamingBinancesCode) {
  RecordingServer server(400, R"({"code":-1121,"msg":"Invalid symbol."})");
  TestExchange<Binance> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_tickers(kBtc); }, ErrorKind::kPermanent,
      {"binance", "HTTP 400", "-1121", "Invalid symbol.", "/api/v3/ticker/24hr"}));
  EXPECT_EQ(server.targets().size(), 1u);
}

constexpr const char* kBybitEmpty =
    R"({"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[]},"time":1})";

TEST(BybitTickersHttp, AsksForTheWholeSpotCategoryWithoutSymbols) {
  EXPECT_EQ(target_for<Bybit>(kNone, kBybitEmpty), "/v5/market/tickers?category=spot");
}

TEST(BybitTickersHttp, NamesOneSymbol) {
  EXPECT_EQ(target_for<Bybit>(kBtc, kBybitEmpty),
            "/v5/market/tickers?category=spot&symbol=BTCUSDT");
}

TEST(BybitTickersHttp, AsksForTheWholeCategoryForSeveralSymbols) {
  // `symbol` takes one market: the caller keeps the ones it wants from the whole category.
  EXPECT_EQ(target_for<Bybit>(kBtcEth, kBybitEmpty), "/v5/market/tickers?category=spot");
}

TEST(BybitTickersHttp, ABusinessErrorWithHttp200IsAnError) {
  RecordingServer server(200, R"({"retCode":10001,"retMsg":"Not supported symbols",)"
                              R"("result":{},"retExtInfo":{},"time":1})");
  TestExchange<Bybit> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.fetch_tickers(kBtc); }, ErrorKind::kPermanent,
      {"bybit", "retCode 10001", "Not supported symbols", "/v5/market/tickers"}));
  EXPECT_EQ(server.targets().size(), 1u);  // not retried
}

TEST(GateIoTickersHttp, AsksForEveryPairWithoutSymbols) {
  EXPECT_EQ(target_for<GateIo>(kNone, "[]"), "/spot/tickers");
}

TEST(GateIoTickersHttp, NamesOnePair) {
  EXPECT_EQ(target_for<GateIo>(kBtc, "[]"), "/spot/tickers?currency_pair=BTC_USDT");
}

TEST(GateIoTickersHttp, AsksForEveryPairForSeveralSymbols) {
  EXPECT_EQ(target_for<GateIo>(kBtcEth, "[]"), "/spot/tickers");
}

TEST(GateIoTickersHttp, AnErrorLabelIsNamed) {
  RecordingServer server(
      400, R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair FOO_USDT"})");
  TestExchange<GateIo> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_tickers({Symbol::parse("FOO/USDT")}); },
                          ErrorKind::kPermanent,
                          {"gateio", "HTTP 400", "INVALID_CURRENCY_PAIR: Invalid currency pair",
                           "/spot/tickers?currency_pair=FOO_USDT"}));
  EXPECT_EQ(server.targets().size(), 1u);
}

}  // namespace
}  // namespace cryptopipe::exchanges
