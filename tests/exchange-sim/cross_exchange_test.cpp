// One market, three exchanges: the same price path, candles, 24 h statistics and order book,
// whatever wording each exchange uses for them.
#include <gtest/gtest.h>

#include <string>
#include <tuple>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);

std::int64_t units(const nlohmann::ordered_json& value) {
  return decimal_text_units(value.get<std::string>());
}

class CrossExchange : public ::testing::Test {
 protected:
  const Simulator simulator_{{"--now-ms", kNow}};
};

TEST_F(CrossExchange, SameOpenPriceForBtcUsdtAtThePastMinute) {
  constexpr std::int64_t kMinuteMs = 1706603520000;  // 2024-01-30T08:32:00Z
  const auto binance = parse_binance_klines(
      simulator_
          .get("/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1&startTime=" +
               std::to_string(kMinuteMs))
          ->body);
  const auto bybit = get_ordered_json(
      simulator_, "/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=1&start=" +
                      std::to_string(kMinuteMs));
  const auto gate = get_ordered_json(
      simulator_, "/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1m&from=" +
                      std::to_string(kMinuteMs / 1000) + "&to=" + std::to_string(kMinuteMs / 1000));
  ASSERT_EQ(binance.size(), 1u);
  ASSERT_EQ(bybit["result"]["list"].size(), 1u);
  ASSERT_EQ(gate.size(), 1u);
  EXPECT_EQ(binance[0].open_time_ms, kMinuteMs);
  EXPECT_EQ(bybit["result"]["list"][0][0], std::to_string(kMinuteMs));
  EXPECT_EQ(gate[0][0], std::to_string(kMinuteMs / 1000));
  EXPECT_EQ(units(bybit["result"]["list"][0][1]), binance[0].open);
  EXPECT_EQ(units(gate[0][5]), binance[0].open);
  EXPECT_GT(binance[0].open, 0);
}

TEST_F(CrossExchange, SameDayStatisticsEverywhere) {
  for (const auto& [base, symbol, pair] :
       {std::tuple{"SOL", "SOLUSDT", "SOL_USDT"}, std::tuple{"XLM", "XLMUSDT", "XLM_USDT"}}) {
    SCOPED_TRACE(base);
    const auto binance =
        get_ordered_json(simulator_, std::string("/binance/api/v3/ticker/24hr?symbol=") + symbol);
    const auto bybit =
        get_ordered_json(simulator_, std::string("/bybit/v5/market/tickers?category=spot&symbol=") +
                                         symbol)["result"]["list"][0];
    const auto gate =
        get_ordered_json(simulator_, std::string("/gateio/spot/tickers?currency_pair=") + pair)[0];
    EXPECT_EQ(units(bybit["lastPrice"]), units(binance["lastPrice"]));
    EXPECT_EQ(units(gate["last"]), units(binance["lastPrice"]));
    EXPECT_EQ(units(bybit["prevPrice24h"]), units(binance["openPrice"]));
    EXPECT_EQ(units(bybit["highPrice24h"]), units(binance["highPrice"]));
    EXPECT_EQ(units(gate["high_24h"]), units(binance["highPrice"]));
    EXPECT_EQ(units(bybit["lowPrice24h"]), units(binance["lowPrice"]));
    EXPECT_EQ(units(gate["low_24h"]), units(binance["lowPrice"]));
    EXPECT_EQ(units(bybit["volume24h"]), units(binance["volume"]));
    EXPECT_EQ(units(gate["base_volume"]), units(binance["volume"]));
    EXPECT_EQ(units(bybit["turnover24h"]), units(binance["quoteVolume"]));
    EXPECT_EQ(units(gate["quote_volume"]), units(binance["quoteVolume"]));
    EXPECT_EQ(units(bybit["bid1Price"]), units(binance["bidPrice"]));
    EXPECT_EQ(units(gate["highest_bid"]), units(binance["bidPrice"]));
    EXPECT_EQ(units(bybit["ask1Price"]), units(binance["askPrice"]));
    EXPECT_EQ(units(gate["lowest_ask"]), units(binance["askPrice"]));
  }
}

TEST_F(CrossExchange, SameOrderBookEverywhere) {
  const auto binance =
      get_ordered_json(simulator_, "/binance/api/v3/depth?symbol=ETHUSDT&limit=20");
  const auto bybit = get_ordered_json(
      simulator_, "/bybit/v5/market/orderbook?category=spot&symbol=ETHUSDT&limit=20")["result"];
  const auto gate = get_ordered_json(
      simulator_, "/gateio/spot/order_book?currency_pair=ETH_USDT&limit=20&with_id=true");
  EXPECT_EQ(bybit["u"], binance["lastUpdateId"]);
  EXPECT_EQ(gate["id"], binance["lastUpdateId"]);
  for (std::size_t i = 0; i < 20; ++i) {
    for (std::size_t field = 0; field < 2; ++field) {
      EXPECT_EQ(units(bybit["b"][i][field]), units(binance["bids"][i][field])) << i;
      EXPECT_EQ(units(bybit["a"][i][field]), units(binance["asks"][i][field])) << i;
      EXPECT_EQ(units(gate["bids"][i][field]), units(binance["bids"][i][field])) << i;
      EXPECT_EQ(units(gate["asks"][i][field]), units(binance["asks"][i][field])) << i;
    }
  }
}

}  // namespace
}  // namespace cryptopipe::testing
