// Gate.io tickers, order book and currency pairs: the recorded shapes, statistics that agree with
// the 1m candles, books that obey a real book's rules, and Gate's error bodies.
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
constexpr std::int64_t kNowS = kNowMs / 1000;
const std::string kSpot = "/gateio/spot/";
__extension__ using Int128 = __int128;

std::int64_t units(const nlohmann::ordered_json& value) {
  return decimal_text_units(value.get<std::string>());
}

class GateMarket : public ::testing::Test {
 protected:
  nlohmann::ordered_json get(const std::string& path_and_query) const {
    return get_ordered_json(simulator_, kSpot + path_and_query);
  }

  // The 1440 one-minute candles the ticker's window covers, oldest first, in two requests.
  nlohmann::ordered_json day_of_minutes(const std::string& pair) const {
    const std::string base = "candlesticks?interval=1m&currency_pair=" + pair;
    const std::int64_t first = kNowS - 1439 * 60;
    auto rows =
        get(base + "&from=" + std::to_string(first) + "&to=" + std::to_string(first + 999 * 60));
    for (const auto& row : get(base + "&from=" + std::to_string(first + 1000 * 60))) {
      rows.push_back(row);
    }
    return rows;
  }

  const Simulator simulator_{{"--now-ms", kNow}};
};

TEST_F(GateMarket, TickerShapeMatchesTheRecordedTicker) {
  const auto recorded = fixture_response("gate/fetchTicker-1.json");
  const auto tickers = get("tickers?currency_pair=BTC_USDT");
  ASSERT_TRUE(tickers.is_array()) << "an array even for one pair";
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_EQ(key_types(tickers[0]), key_types(recorded[0]));
  EXPECT_EQ(tickers[0]["currency_pair"], "BTC_USDT");
  for (const auto& [key, value] : tickers[0].items()) {
    if (key != "currency_pair") {
      EXPECT_NO_THROW(decimal_text_units(value.get<std::string>())) << key << ": " << value;
    }
  }
}

TEST_F(GateMarket, TickersForEveryPairWithoutOne) {
  std::set<std::string> pairs;
  for (const auto& ticker : get("tickers?timezone=utc0")) {
    pairs.insert(ticker["currency_pair"].get<std::string>());
  }
  EXPECT_EQ(pairs.size(), 20u);
  EXPECT_TRUE(pairs.contains("DOGE_USDT"));
}

TEST_F(GateMarket, TickerStatisticsAreThoseOfTheLast1440MinuteCandles) {
  for (const std::string pair : {"BTC_USDT", "LINK_USDT"}) {
    SCOPED_TRACE(pair);
    const auto rows = day_of_minutes(pair);
    ASSERT_EQ(rows.size(), 1440u);
    const auto ticker = get("tickers?currency_pair=" + pair)[0];
    std::int64_t high = 0;
    std::int64_t low = INT64_MAX;
    std::int64_t base_volume = 0;
    std::int64_t quote_volume = 0;
    for (const auto& row : rows) {
      quote_volume += units(row[1]);
      high = std::max(high, units(row[3]));
      low = std::min(low, units(row[4]));
      base_volume += units(row[6]);
    }
    const std::int64_t open = units(rows.front()[5]);
    const std::int64_t last = units(rows.back()[2]);
    EXPECT_EQ(units(ticker["last"]), last);
    EXPECT_EQ(units(ticker["high_24h"]), high);
    EXPECT_EQ(units(ticker["low_24h"]), low);
    EXPECT_EQ(units(ticker["base_volume"]), base_volume);
    EXPECT_EQ(units(ticker["quote_volume"]), quote_volume);
    // A percentage with two decimals, rounded half away from zero.
    const Int128 scaled = Int128{last - open} * 10'000;
    const auto percent =
        static_cast<std::int64_t>((scaled + (scaled >= 0 ? open / 2 : -(open / 2))) / open);
    EXPECT_EQ(units(ticker["change_percentage"]), percent * 1'000'000);
    EXPECT_LT(units(ticker["highest_bid"]), last);
    EXPECT_GT(units(ticker["lowest_ask"]), last);
  }
}

TEST_F(GateMarket, OrderBookShapeWithAndWithoutId) {
  const auto with_id = get("order_book?currency_pair=ETH_USDT&with_id=true&limit=3");
  EXPECT_EQ(key_types(with_id),
            (std::vector<std::pair<std::string, std::string>>{{"id", "integer"},
                                                              {"current", "integer"},
                                                              {"update", "integer"},
                                                              {"asks", "array"},
                                                              {"bids", "array"}}));
  EXPECT_EQ(with_id["current"], kNowMs) << "milliseconds, unlike Gate's candles";
  EXPECT_LE(with_id["update"].get<std::int64_t>(), kNowMs);
  ASSERT_EQ(with_id["asks"].size(), 3u);
  EXPECT_EQ(element_types(with_id["asks"][0]), (std::vector<std::string>{"string", "string"}));

  const auto without_id = get("order_book?currency_pair=ETH_USDT&limit=3");
  EXPECT_FALSE(without_id.contains("id"));
  EXPECT_EQ(without_id["asks"], with_id["asks"]);
  EXPECT_EQ(get("order_book?currency_pair=ETH_USDT")["bids"].size(), 10u) << "default limit";
}

TEST_F(GateMarket, OrderBookIsSortedOnTheTickAndNeverCrosses) {
  const auto book = get("order_book?currency_pair=BNB_USDT&limit=1000");
  const auto& asks = book["asks"];
  const auto& bids = book["bids"];
  ASSERT_EQ(asks.size(), 1000u);
  ASSERT_EQ(bids.size(), 1000u);
  constexpr std::int64_t kTick = 1'000'000;  // BNB_USDT's precision: 2 decimals
  EXPECT_LT(units(bids[0][0]), units(asks[0][0]));
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(units(asks[i][0]) % kTick, 0);
    EXPECT_EQ(units(bids[i][0]) % kTick, 0);
    EXPECT_GT(units(asks[i][1]), 0);
    EXPECT_GT(units(bids[i][1]), 0);
    if (i > 0) {
      ASSERT_GT(units(asks[i][0]), units(asks[i - 1][0])) << "asks ascend, " << i;
      ASSERT_LT(units(bids[i][0]), units(bids[i - 1][0])) << "bids descend, " << i;
    }
  }
}

TEST_F(GateMarket, CurrencyPairsListEveryMarket) {
  const auto pairs = get("currency_pairs");
  ASSERT_EQ(pairs.size(), 20u);
  const std::vector<std::pair<std::string, std::string>> shape{{"id", "string"},
                                                               {"base", "string"},
                                                               {"quote", "string"},
                                                               {"fee", "string"},
                                                               {"min_base_amount", "string"},
                                                               {"min_quote_amount", "string"},
                                                               {"max_base_amount", "string"},
                                                               {"max_quote_amount", "string"},
                                                               {"amount_precision", "integer"},
                                                               {"precision", "integer"},
                                                               {"trade_status", "string"},
                                                               {"sell_start", "integer"},
                                                               {"buy_start", "integer"},
                                                               {"delisting_time", "integer"},
                                                               {"type", "string"}};
  for (const auto& pair : pairs) {
    EXPECT_EQ(key_types(pair), shape) << pair.dump();
    EXPECT_EQ(pair["id"], pair["base"].get<std::string>() + "_" + pair["quote"].get<std::string>());
    EXPECT_EQ(pair["trade_status"], "tradable");
  }
  EXPECT_EQ(pairs[0]["id"], "BTC_USDT");
  EXPECT_EQ(pairs[0]["precision"], 2);
  EXPECT_EQ(pairs[0]["amount_precision"], 5);
  EXPECT_EQ(pairs[0]["sell_start"], 1546300800) << "seconds";
}

TEST_F(GateMarket, ErrorsAreGatesOwn) {
  const auto expect_error = [&](const std::string& path_and_query, const std::string& body) {
    const auto result = simulator_.get(kSpot + path_and_query);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << path_and_query;
    EXPECT_EQ(result->body, body) << path_and_query;
  };
  expect_error("tickers?currency_pair=NOPE_USDT",
               R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair NOPE_USDT"})");
  expect_error("tickers?timezone=utc5",
               R"({"label":"INVALID_PARAM_VALUE","message":"Invalid timezone: utc5"})");
  expect_error(
      "order_book",
      R"({"label":"MISSING_REQUIRED_PARAM","message":"Missing required parameter: currency_pair"})");
  expect_error("order_book?currency_pair=BTC_USDT&limit=1001",
               R"({"label":"INVALID_PARAM_VALUE","message":"limit must be between 1 and 1000"})");
  expect_error("order_book?currency_pair=BTC_USDT&interval=0.1",
               R"({"label":"INVALID_PARAM_VALUE","message":"Invalid interval: 0.1"})");
}

}  // namespace
}  // namespace cryptopipe::testing
