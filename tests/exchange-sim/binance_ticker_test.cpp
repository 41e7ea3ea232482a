// GET /api/v3/ticker/24hr: Binance's FULL shape, its weights, and statistics that agree with the
// 1m candles the klines endpoint serves.
#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);
constexpr std::int64_t kDayMs = 86'400'000;
const std::string kTicker = "/binance/api/v3/ticker/24hr";
__extension__ using Int128 = __int128;

int used_weight(const httplib::Result& result) {
  return std::stoi(result->get_header_value("X-MBX-USED-WEIGHT-1M"));
}

// Decimals may be negative here (priceChange), so not decimal_units().
std::int64_t units(const nlohmann::ordered_json& value) {
  return decimal_text_units(value.get<std::string>());
}

// The 1440 one-minute candles the ticker's window covers, oldest first, in two klines pages.
std::vector<BinanceKline> day_of_minutes(const Simulator& simulator, const std::string& symbol) {
  const std::string base = "/binance/api/v3/klines?symbol=" + symbol + "&interval=1m";
  const auto page = [&](const std::string& query) {
    const auto result = simulator.get(base + query);
    return result && result->status == 200 ? parse_binance_klines(result->body)
                                           : std::vector<BinanceKline>{};
  };
  std::vector<BinanceKline> latest = page("&limit=1000&endTime=" + kNow);
  if (latest.empty()) {
    return {};
  }
  std::vector<BinanceKline> candles =
      page("&limit=440&endTime=" + std::to_string(latest.front().open_time_ms - 1));
  candles.insert(candles.end(), latest.begin(), latest.end());
  return candles;
}

TEST(BinanceTicker, ShapeMatchesTheRecordedTicker) {
  const Simulator simulator({"--now-ms", kNow});
  auto expected = key_types(fixture_response("binance/fetchTicker-1.json"));
  // ccxt's recording stringified these integers; the live API sends numbers (fixtures README).
  const std::set<std::string> integers{"openTime", "closeTime", "firstId", "lastId", "count"};
  for (auto& [key, type] : expected) {
    if (integers.contains(key)) {
      EXPECT_EQ(type, "string") << key;
      type = "integer";
    }
  }
  const auto ticker = get_ordered_json(simulator, kTicker + "?symbol=BTCUSDT");
  EXPECT_EQ(key_types(ticker), expected);
  for (const auto& [key, value] : ticker.items()) {
    if (value.is_string() && key != "symbol" && key != "priceChangePercent") {
      EXPECT_TRUE(std::regex_match(value.get<std::string>(), std::regex(R"(-?\d+\.\d{8})")))
          << key << ": " << value;
    }
  }
  EXPECT_TRUE(std::regex_match(ticker["priceChangePercent"].get<std::string>(),
                               std::regex(R"(-?\d+\.\d{3})")))
      << ticker["priceChangePercent"];
}

TEST(BinanceTicker, OneSymbolIsAnObjectSymbolsAndNoneAreArrays) {
  const Simulator simulator({"--now-ms", kNow});
  const auto one = get_ordered_json(simulator, kTicker + "?symbol=ETHUSDT");
  ASSERT_TRUE(one.is_object());
  EXPECT_EQ(one["symbol"], "ETHUSDT");

  const auto two =
      get_ordered_json(simulator, kTicker + "?symbols=%5B%22DOGEUSDT%22,%22BTCUSDT%22%5D");
  ASSERT_TRUE(two.is_array());
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0]["symbol"], "DOGEUSDT") << "in the order asked";
  EXPECT_EQ(two[1]["symbol"], "BTCUSDT");
  EXPECT_EQ(two[1], get_ordered_json(simulator, kTicker + "?symbol=BTCUSDT"));

  const auto all = get_ordered_json(simulator, kTicker);
  ASSERT_TRUE(all.is_array());
  std::set<std::string> symbols;
  for (const auto& ticker : all) {
    symbols.insert(ticker["symbol"].get<std::string>());
  }
  EXPECT_EQ(symbols.size(), 20u);
  EXPECT_TRUE(symbols.contains("NEARUSDT"));
}

TEST(BinanceTicker, WeightGrowsWithTheNumberOfSymbols) {
  const Simulator simulator({"--now-ms", std::to_string(kNowMs + 20'000)});
  EXPECT_EQ(used_weight(simulator.get(kTicker + "?symbol=BTCUSDT")), 2);
  EXPECT_EQ(used_weight(simulator.get(kTicker + "?symbols=%5B%22BTCUSDT%22,%22ETHUSDT%22%5D")), 4);
  EXPECT_EQ(used_weight(simulator.get(kTicker)), 84) << "no symbol costs 80";
  // 21 symbols cost 40 even though the last one is unknown and the request is refused.
  std::string many = "%5B";
  for (int i = 0; i < 20; ++i) {
    many += "%22BTCUSDT%22,";
  }
  many += "%22NOPEUSDT%22%5D";
  const auto refused = simulator.get(kTicker + "?symbols=" + many);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 400);
  EXPECT_EQ(used_weight(refused), 124);
}

TEST(BinanceTicker, StatisticsAreThoseOfTheLast1440MinuteCandles) {
  const Simulator simulator({"--now-ms", kNow});
  for (const std::string symbol : {"BTCUSDT", "XRPUSDT", "APTUSDT"}) {
    SCOPED_TRACE(symbol);
    const auto candles = day_of_minutes(simulator, symbol);
    ASSERT_EQ(candles.size(), 1440u);
    const auto ticker = get_ordered_json(simulator, kTicker + "?symbol=" + symbol);

    std::int64_t high = 0;
    std::int64_t low = INT64_MAX;
    std::int64_t volume = 0;
    std::int64_t quote_volume = 0;
    std::int64_t trades = 0;
    for (const auto& candle : candles) {
      high = std::max(high, candle.high);
      low = std::min(low, candle.low);
      volume += candle.volume;
      quote_volume += candle.quote_volume;
      trades += candle.trade_count;
    }
    const std::int64_t open = candles.front().open;
    const std::int64_t last = candles.back().close;
    EXPECT_EQ(units(ticker["openPrice"]), open);
    EXPECT_EQ(units(ticker["prevClosePrice"]), open);
    EXPECT_EQ(units(ticker["lastPrice"]), last);
    EXPECT_EQ(units(ticker["priceChange"]), last - open);
    EXPECT_EQ(units(ticker["highPrice"]), high);
    EXPECT_EQ(units(ticker["lowPrice"]), low);
    EXPECT_EQ(units(ticker["volume"]), volume);
    EXPECT_EQ(units(ticker["quoteVolume"]), quote_volume);
    EXPECT_EQ(ticker["count"], trades);
    EXPECT_EQ(ticker["lastId"].get<std::int64_t>() - ticker["firstId"].get<std::int64_t>() + 1,
              trades);
    EXPECT_EQ(ticker["openTime"], kNowMs - kDayMs);
    EXPECT_EQ(ticker["closeTime"], kNowMs);
    const std::int64_t average = units(ticker["weightedAvgPrice"]);
    EXPECT_GE(average, low);
    EXPECT_LE(average, high);

    // Percent with three decimals, rounded half away from zero.
    const Int128 scaled = Int128{last - open} * 100'000;
    const auto percent =
        static_cast<std::int64_t>((scaled + (scaled >= 0 ? open / 2 : -(open / 2))) / open);
    EXPECT_EQ(decimal_text_units(ticker["priceChangePercent"].get<std::string>()),
              percent * 100'000);
  }
}

TEST(BinanceTicker, BidAndAskAreTheTopOfTheBookAroundTheLastPrice) {
  const Simulator simulator({"--now-ms", kNow});
  for (const std::string symbol : {"BTCUSDT", "DOGEUSDT", "BCHUSDT"}) {
    const auto ticker = get_ordered_json(simulator, kTicker + "?symbol=" + symbol);
    const auto depth =
        get_ordered_json(simulator, "/binance/api/v3/depth?limit=1&symbol=" + symbol);
    EXPECT_LT(units(ticker["bidPrice"]), units(ticker["lastPrice"])) << symbol;
    EXPECT_GT(units(ticker["askPrice"]), units(ticker["lastPrice"])) << symbol;
    EXPECT_EQ(ticker["bidPrice"], depth["bids"][0][0]) << symbol;
    EXPECT_EQ(ticker["bidQty"], depth["bids"][0][1]) << symbol;
    EXPECT_EQ(ticker["askPrice"], depth["asks"][0][0]) << symbol;
    EXPECT_EQ(ticker["askQty"], depth["asks"][0][1]) << symbol;
    EXPECT_GT(units(ticker["lastQty"]), 0) << symbol;
  }
}

TEST(BinanceTicker, ErrorsAreBinancesOwn) {
  const Simulator simulator({"--now-ms", kNow});
  const auto expect_error = [&](const std::string& query, const std::string& body) {
    const auto result = simulator.get(kTicker + query);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << query;
    EXPECT_EQ(result->body, body) << query;
  };
  expect_error("?symbol=NOPEUSDT", R"({"code":-1121,"msg":"Invalid symbol."})");
  expect_error("?symbol=BTCUSDT&symbols=%5B%22ETHUSDT%22%5D",
               R"({"code":-1128,"msg":"Combination of optional parameters invalid."})");
  expect_error(
      "?symbols=%5B%5D",
      R"({"code":-1100,"msg":"Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'."})");
}

}  // namespace
}  // namespace cryptopipe::testing
