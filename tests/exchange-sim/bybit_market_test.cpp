// Bybit v5 tickers, order book and instruments: spot shapes, statistics that agree with the 1m
// candles, books that obey a real book's rules, and errors as HTTP 200 with retCode 10001.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z, a whole second
const std::string kNow = std::to_string(kNowMs);
const std::string kMarket = "/bybit/v5/market/";
__extension__ using Int128 = __int128;

std::int64_t units(const nlohmann::ordered_json& value) {
  return decimal_text_units(value.get<std::string>());
}

// The 1440 one-minute rows the ticker's window covers, oldest first, in two pages.
std::vector<nlohmann::ordered_json> day_of_minutes(const Simulator& simulator,
                                                   const std::string& symbol) {
  const std::string base = kMarket + "kline?category=spot&interval=1&symbol=" + symbol;
  const auto latest = get_ordered_json(simulator, base + "&limit=1000&end=" + kNow);
  const auto& newest = latest["result"]["list"];
  const std::int64_t oldest_start = std::stoll(newest.back()[0].get<std::string>());
  const auto earlier =
      get_ordered_json(simulator, base + "&limit=440&end=" + std::to_string(oldest_start - 1));
  std::vector<nlohmann::ordered_json> rows(newest.begin(), newest.end());
  const auto& older = earlier["result"]["list"];
  rows.insert(rows.end(), older.begin(), older.end());
  std::ranges::reverse(rows);
  return rows;
}

class BybitMarket : public ::testing::Test {
 protected:
  nlohmann::ordered_json result(const std::string& path_and_query) const {
    const auto body = get_ordered_json(simulator_, kMarket + path_and_query);
    EXPECT_EQ(body["retCode"], 0) << body.dump();
    EXPECT_EQ(body["time"], kNowMs);
    return body["result"];
  }

  const Simulator simulator_{{"--now-ms", kNow}};
};

TEST_F(BybitMarket, TickerHasTheSpotFieldsAllStrings) {
  // The recording is of a perpetual; spot tickers carry the documented spot fields, in Bybit's
  // documented order, and every one they share with the recording is a string there too.
  const auto recorded = fixture_response("bybit/fetchTicker-1.json")["result"]["list"][0];
  const auto tickers = result("tickers?category=spot&symbol=BTCUSDT");
  EXPECT_EQ(key_types(tickers), (std::vector<std::pair<std::string, std::string>>{
                                    {"category", "string"}, {"list", "array"}}));
  ASSERT_EQ(tickers["list"].size(), 1u);
  const auto& ticker = tickers["list"][0];
  const std::vector<std::string> spot_fields{
      "symbol",      "bid1Price",    "bid1Size",     "ask1Price",    "ask1Size",
      "lastPrice",   "prevPrice24h", "price24hPcnt", "highPrice24h", "lowPrice24h",
      "turnover24h", "volume24h",    "usdIndexPrice"};
  std::vector<std::string> keys;
  for (const auto& [key, value] : ticker.items()) {
    keys.push_back(key);
    EXPECT_EQ(json_type(value), "string") << key;
    if (recorded.contains(key)) {
      EXPECT_EQ(json_type(value), json_type(recorded[key])) << key;
    }
    if (key != "symbol") {
      EXPECT_NO_THROW(decimal_text_units(value.get<std::string>())) << key << ": " << value;
    }
  }
  EXPECT_EQ(keys, spot_fields);
  EXPECT_EQ(ticker["symbol"], "BTCUSDT");
  EXPECT_EQ(tickers["category"], "spot");
}

TEST_F(BybitMarket, WithoutASymbolEveryMarketHasATicker) {
  std::set<std::string> symbols;
  const auto tickers = result("tickers?category=spot");
  for (const auto& ticker : tickers["list"]) {
    symbols.insert(ticker["symbol"].get<std::string>());
  }
  EXPECT_EQ(symbols.size(), 20u);
  EXPECT_TRUE(symbols.contains("AVAXUSDT"));
}

TEST_F(BybitMarket, TickerStatisticsAreThoseOfTheLast1440MinuteCandles) {
  for (const std::string symbol : {"ETHUSDT", "ADAUSDT"}) {
    SCOPED_TRACE(symbol);
    const auto rows = day_of_minutes(simulator_, symbol);
    ASSERT_EQ(rows.size(), 1440u);
    const auto ticker = result("tickers?category=spot&symbol=" + symbol)["list"][0];
    std::int64_t high = 0;
    std::int64_t low = INT64_MAX;
    std::int64_t volume = 0;
    std::int64_t turnover = 0;
    for (const auto& row : rows) {
      high = std::max(high, units(row[2]));
      low = std::min(low, units(row[3]));
      volume += units(row[5]);
      turnover += units(row[6]);
    }
    const std::int64_t open = units(rows.front()[1]);
    const std::int64_t last = units(rows.back()[4]);
    EXPECT_EQ(units(ticker["prevPrice24h"]), open);
    EXPECT_EQ(units(ticker["lastPrice"]), last);
    EXPECT_EQ(units(ticker["highPrice24h"]), high);
    EXPECT_EQ(units(ticker["lowPrice24h"]), low);
    EXPECT_EQ(units(ticker["volume24h"]), volume);
    EXPECT_EQ(units(ticker["turnover24h"]), turnover);
    // A fraction, not a percentage: four decimals, rounded half away from zero.
    const Int128 scaled = Int128{last - open} * 10'000;
    const auto fraction =
        static_cast<std::int64_t>((scaled + (scaled >= 0 ? open / 2 : -(open / 2))) / open);
    EXPECT_EQ(units(ticker["price24hPcnt"]), fraction * 10'000);
    EXPECT_LT(units(ticker["bid1Price"]), last);
    EXPECT_GT(units(ticker["ask1Price"]), last);
  }
}

TEST_F(BybitMarket, OrderBookShapeMatchesTheRecordedSpotBook) {
  const auto recorded = fixture_response("bybit/fetchOrderBook-2.json")["result"];
  const auto book = result("orderbook?category=spot&symbol=BTCUSDT&limit=2");
  // The recording lacks seq and cts and has ts and u stringified; the documented spot answer has
  // all four as integers.
  EXPECT_EQ(key_types(book),
            (std::vector<std::pair<std::string, std::string>>{{"s", "string"},
                                                              {"b", "array"},
                                                              {"a", "array"},
                                                              {"ts", "integer"},
                                                              {"u", "integer"},
                                                              {"seq", "integer"},
                                                              {"cts", "integer"}}));
  for (const auto& [key, type] : key_types(recorded)) {
    EXPECT_TRUE(book.contains(key)) << key;
  }
  EXPECT_EQ(book["s"], "BTCUSDT");
  ASSERT_EQ(book["b"].size(), 2u);
  ASSERT_EQ(book["a"].size(), 2u);
  EXPECT_EQ(element_types(book["b"][0]), element_types(recorded["b"][0]));
  EXPECT_EQ(element_types(book["a"][0]), element_types(recorded["a"][0]));
  EXPECT_EQ(book["ts"], kNowMs);
  EXPECT_LE(book["cts"].get<std::int64_t>(), kNowMs);
}

TEST_F(BybitMarket, OrderBookDefaultsToTheTopAndIsSortedOnTheTick) {
  const auto top = result("orderbook?category=spot&symbol=DOGEUSDT");
  EXPECT_EQ(top["b"].size(), 1u) << "a spot book without limit is the top of the book";
  EXPECT_EQ(top["a"].size(), 1u);

  const auto book = result("orderbook?category=spot&symbol=DOGEUSDT&limit=1000");
  ASSERT_EQ(book["a"].size(), 1000u);
  ASSERT_EQ(book["b"].size(), 1000u);
  constexpr std::int64_t kTick = 1'000;  // DOGEUSDT's tickSize 0.00001
  EXPECT_LT(units(book["b"][0][0]), units(book["a"][0][0]));
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(units(book["b"][i][0]) % kTick, 0);
    EXPECT_EQ(units(book["a"][i][0]) % kTick, 0);
    EXPECT_GT(units(book["b"][i][1]), 0);
    EXPECT_GT(units(book["a"][i][1]), 0);
    if (i > 0) {
      ASSERT_LT(units(book["b"][i][0]), units(book["b"][i - 1][0])) << i;
      ASSERT_GT(units(book["a"][i][0]), units(book["a"][i - 1][0])) << i;
    }
  }
  EXPECT_EQ(book["b"][0], top["b"][0]);
}

TEST_F(BybitMarket, InstrumentsInfoListsEveryMarketWithItsFilters) {
  const auto instruments = result("instruments-info?category=spot");
  EXPECT_EQ(instruments["category"], "spot");
  ASSERT_EQ(instruments["list"].size(), 20u);
  for (const auto& instrument : instruments["list"]) {
    EXPECT_EQ(key_types(instrument),
              (std::vector<std::pair<std::string, std::string>>{{"symbol", "string"},
                                                                {"baseCoin", "string"},
                                                                {"quoteCoin", "string"},
                                                                {"status", "string"},
                                                                {"lotSizeFilter", "object"},
                                                                {"priceFilter", "object"}}));
    EXPECT_EQ(instrument["status"], "Trading");
    EXPECT_EQ(instrument["quoteCoin"], "USDT");
    EXPECT_EQ(instrument["baseCoin"].get<std::string>() + "USDT", instrument["symbol"]);
    for (const auto& [key, value] : instrument["lotSizeFilter"].items()) {
      EXPECT_NO_THROW(decimal_text_units(value.get<std::string>())) << key;
    }
  }
  const auto btc = result("instruments-info?category=spot&symbol=BTCUSDT")["list"];
  ASSERT_EQ(btc.size(), 1u);
  EXPECT_EQ(btc[0]["priceFilter"]["tickSize"], "0.01");
  EXPECT_EQ(btc[0]["lotSizeFilter"]["basePrecision"], "0.00001");
  EXPECT_EQ(btc[0]["lotSizeFilter"]["minOrderQty"], "0.00001");
}

TEST_F(BybitMarket, ErrorsAreHttp200WithRetCode10001) {
  const auto expect_error = [&](const std::string& path_and_query, const std::string& message) {
    const auto answer = simulator_.get(kMarket + path_and_query);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->status, 200) << path_and_query;
    EXPECT_EQ(answer->body, R"({"retCode":10001,"retMsg":")" + message +
                                R"(","result":{},"retExtInfo":{},"time":1706640000000})")
        << path_and_query;
  };
  expect_error("tickers", "params error: category is required");
  expect_error("tickers?category=option", "params error: unsupported category");
  expect_error("tickers?category=spot&symbol=NOPEUSDT", "Not supported symbols");
  expect_error("orderbook?category=spot", "params error: symbol is required");
  expect_error("orderbook?category=spot&symbol=BTC-USDT", "Not supported symbols");
  expect_error("orderbook?category=spot&symbol=BTCUSDT&limit=0", "params error: invalid limit");
  expect_error("orderbook?category=spot&symbol=BTCUSDT&limit=1001", "params error: invalid limit");
  expect_error("instruments-info?category=inverse", "params error: unsupported category");
  expect_error("instruments-info?category=spot&symbol=NOPEUSDT", "Not supported symbols");
}

}  // namespace
}  // namespace cryptopipe::testing
