// What fetch_orderbook sends to each exchange (path, query, weight), which depths each one
// accepts, and how it reports an exchange's refusal, against a local server.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/bybit.h"
#include "cryptopipe/exchanges/gateio.h"
#include "cryptopipe/exchanges/registry.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/recording_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::quick_retries;
using unit::RecordingServer;
using unit::TestExchange;
using unit::ThrowsError;

const Symbol kBtc = Symbol::parse("BTC/USDT");

constexpr const char* kBinanceBook =
    R"({"lastUpdateId":1027024,"bids":[["4.00000000","431.00000000"]],)"
    R"("asks":[["4.00000200","12.00000000"]]})";
constexpr const char* kBybitBook =
    R"({"retCode":0,"retMsg":"OK","result":{"s":"BTCUSDT","b":[["65485.47","47.081829"]],)"
    R"("a":[["65557.7","16.606555"]],"ts":1716863719382,"u":230704,"seq":1432604333,)"
    R"("cts":1716863718905},"retExtInfo":{},"time":1716863719382})";
constexpr const char* kGateBook =
    R"({"id":123456789,"current":1710328245391,"update":1710328245388,)"
    R"("asks":[["73364.2","0.5123"]],"bids":[["73364.1","1.25"]]})";

// Fetches `depth` levels of BTC/USDT from a server answering `answer`, checks the response is
// the answer unchanged and parses, and returns the one target the server saw.
template <typename ExchangeType>
std::string target_for(int depth, const std::string& answer) {
  RecordingServer server(200, answer);
  TestExchange<ExchangeType> client(server.base_url(), quick_retries());
  RawResponse raw = client.exchange.fetch_orderbook(kBtc, depth);
  EXPECT_EQ(raw.status, 200);
  EXPECT_EQ(raw.body, answer);
  EXPECT_TRUE(unit::contains(raw.url, server.base_url())) << raw.url;
  RawBook book;
  client.exchange.parse_orderbook(raw.body, book);
  EXPECT_EQ(book.bids.size(), 1u);
  EXPECT_EQ(book.asks.size(), 1u);
  const std::vector<std::string> targets = server.targets();
  EXPECT_EQ(targets.size(), 1u);
  return targets.empty() ? "" : targets.front();
}

TEST(BinanceOrderBookHttp, AsksForTheDepthWithSymbolAndLimit) {
  EXPECT_EQ(target_for<Binance>(5, kBinanceBook), "/api/v3/depth?symbol=BTCUSDT&limit=5");
  EXPECT_EQ(target_for<Binance>(5000, kBinanceBook), "/api/v3/depth?symbol=BTCUSDT&limit=5000");
}

TEST(BinanceOrderBookHttp, KeepsTheQueryItSent) {
  RecordingServer server(200, kBinanceBook);
  TestExchange<Binance> client(server.base_url(), quick_retries());
  const RawResponse raw = client.exchange.fetch_orderbook(Symbol::parse("ETH/BTC"), 20);
  const QueryParams expected = {{"symbol", "ETHBTC"}, {"limit", "20"}};
  EXPECT_EQ(raw.params, expected);
  EXPECT_EQ(server.targets(), std::vector<std::string>{"/api/v3/depth?symbol=ETHBTC&limit=20"});
}

// The weight the limiter was charged for one fetch_orderbook of `depth` levels.
double binance_weight_for(int depth) {
  RecordingServer server(200, kBinanceBook);
  TestExchange<Binance> client(server.base_url(), quick_retries());
  client.exchange.fetch_orderbook(kBtc, depth);
  EXPECT_TRUE(client.fake_clock.sleeps().empty());  // the fake clock stands still: no refill
  return unit::kBinanceWeightPerMinute - client.limiter.available();
}

TEST(BinanceOrderBookHttp, ChargesTheDocumentedWeightForTheDepth) {
  // §1.5: 5 for 1-100, 25 for 101-500, 50 for 501-1000, 250 for 1001-5000.
  EXPECT_DOUBLE_EQ(binance_weight_for(1), 5);
  EXPECT_DOUBLE_EQ(binance_weight_for(5), 5);
  EXPECT_DOUBLE_EQ(binance_weight_for(100), 5);
  EXPECT_DOUBLE_EQ(binance_weight_for(101), 25);
  EXPECT_DOUBLE_EQ(binance_weight_for(500), 25);
  EXPECT_DOUBLE_EQ(binance_weight_for(501), 50);
  EXPECT_DOUBLE_EQ(binance_weight_for(1000), 50);
  EXPECT_DOUBLE_EQ(binance_weight_for(1001), 250);
  EXPECT_DOUBLE_EQ(binance_weight_for(5000), 250);
}

TEST(BinanceOrderBookHttp, AnUnknownSymbolIsAPermanentErrorNamingBinancesCode) {
  RecordingServer server(400, R"({"code":-1121,"msg":"Invalid symbol."})");
  TestExchange<Binance> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, 10); },
                          ErrorKind::kPermanent,
                          {"binance", "HTTP 400", "-1121", "Invalid symbol.", "/api/v3/depth"}));
  EXPECT_EQ(server.targets().size(), 1u);
}

TEST(BybitOrderBookHttp, AsksForTheSpotBookWithSymbolAndLimit) {
  EXPECT_EQ(target_for<Bybit>(1, kBybitBook),
            "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=1");
  EXPECT_EQ(target_for<Bybit>(50, kBybitBook),
            "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=50");
  EXPECT_EQ(target_for<Bybit>(1000, kBybitBook),
            "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=1000");
}

TEST(BybitOrderBookHttp, ChargesOneRequest) {
  RecordingServer server(200, kBybitBook);
  TestExchange<Bybit> client(server.base_url(), quick_retries());
  client.exchange.fetch_orderbook(kBtc, 1000);
  EXPECT_DOUBLE_EQ(unit::kBinanceWeightPerMinute - client.limiter.available(), 1);
}

TEST(BybitOrderBookHttp, ABusinessErrorWithHttp200IsAnError) {
  RecordingServer server(200, R"({"retCode":10001,"retMsg":"params error: symbol invalid",)"
                              R"("result":{},"retExtInfo":{},"time":1})");
  TestExchange<Bybit> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, 50); },
                          ErrorKind::kPermanent,
                          {"bybit", "retCode 10001", "params error: symbol invalid",
                           "/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=50"}));
  EXPECT_EQ(server.targets().size(), 1u);  // not retried
}

TEST(GateIoOrderBookHttp, AsksForTheBookWithItsId) {
  EXPECT_EQ(target_for<GateIo>(1, kGateBook),
            "/spot/order_book?currency_pair=BTC_USDT&limit=1&with_id=true");
  EXPECT_EQ(target_for<GateIo>(20, kGateBook),
            "/spot/order_book?currency_pair=BTC_USDT&limit=20&with_id=true");
  EXPECT_EQ(target_for<GateIo>(1000, kGateBook),
            "/spot/order_book?currency_pair=BTC_USDT&limit=1000&with_id=true");
}

TEST(GateIoOrderBookHttp, AnErrorLabelIsNamed) {
  RecordingServer server(
      400, R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair FOO_USDT"})");
  TestExchange<GateIo> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(Symbol::parse("FOO/USDT"), 10); },
                          ErrorKind::kPermanent,
                          {"gateio", "HTTP 400", "INVALID_CURRENCY_PAIR: Invalid currency pair",
                           "/spot/order_book?currency_pair=FOO_USDT&limit=10&with_id=true"}));
  EXPECT_EQ(server.targets().size(), 1u);
}

// accepts_depth at 0, 1, the maximum and one past it, the same through the registry.
struct DepthRange {
  std::string_view exchange;
  bool (*accepts)(int depth);
  int max;
};

class AcceptsDepth : public ::testing::TestWithParam<DepthRange> {};

TEST_P(AcceptsDepth, FromOneToTheExchangesMaximum) {
  const DepthRange& range = GetParam();
  EXPECT_FALSE(range.accepts(-1));
  EXPECT_FALSE(range.accepts(0));
  EXPECT_TRUE(range.accepts(1));
  EXPECT_TRUE(range.accepts(range.max));
  EXPECT_FALSE(range.accepts(range.max + 1));
  const ExchangeDescriptor& descriptor = find_exchange(range.exchange);
  EXPECT_EQ(descriptor.accepts_depth, range.accepts);
}

INSTANTIATE_TEST_SUITE_P(Exchanges, AcceptsDepth,
                         ::testing::Values(DepthRange{Binance::kName, Binance::accepts_depth, 5000},
                                           DepthRange{Bybit::kName, Bybit::accepts_depth, 1000},
                                           DepthRange{GateIo::kName, GateIo::accepts_depth, 1000}),
                         [](const ::testing::TestParamInfo<DepthRange>& info) {
                           return std::string(info.param.exchange);
                         });

// fetch_orderbook refuses a depth the exchange does not serve before sending anything.
template <typename ExchangeType>
void expect_refused_unsent(int depth) {
  RecordingServer server(200, "{}");
  TestExchange<ExchangeType> client(server.base_url(), quick_retries());
  EXPECT_TRUE(ThrowsError([&] { client.exchange.fetch_orderbook(kBtc, depth); },
                          ErrorKind::kInvalidInput,
                          {ExchangeType::kName, "depth of " + std::to_string(depth)}));
  EXPECT_TRUE(server.targets().empty());
}

TEST(OrderBookHttp, ADepthOutsideTheExchangesRangeIsRefusedUnsent) {
  expect_refused_unsent<Binance>(0);
  expect_refused_unsent<Binance>(5001);
  expect_refused_unsent<Bybit>(0);
  expect_refused_unsent<Bybit>(1001);
  expect_refused_unsent<GateIo>(0);
  expect_refused_unsent<GateIo>(1001);
}

}  // namespace
}  // namespace cryptopipe::exchanges
