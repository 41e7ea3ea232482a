// GET /api/v3/depth: Binance's shape, limits and weights, and books that obey a real book's rules.
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z, a whole second
const std::string kNow = std::to_string(kNowMs);
const std::string kDepth = "/binance/api/v3/depth?symbol=";

struct Level {
  std::int64_t price;
  std::int64_t quantity;
};

std::vector<Level> levels(const nlohmann::ordered_json& side) {
  std::vector<Level> out;
  for (const auto& level : side) {
    out.push_back({decimal_units(level.at(0).get<std::string>()),
                   decimal_units(level.at(1).get<std::string>())});
  }
  return out;
}

// Strictly sorted from the best price outwards, on the tick, with positive whole steps.
void expect_valid_book(const nlohmann::ordered_json& book, std::int64_t tick, std::int64_t step,
                       const std::string& label) {
  const auto bids = levels(book["bids"]);
  const auto asks = levels(book["asks"]);
  ASSERT_FALSE(bids.empty()) << label;
  ASSERT_FALSE(asks.empty()) << label;
  EXPECT_LT(bids.front().price, asks.front().price) << label;
  for (std::size_t i = 0; i < bids.size(); ++i) {
    EXPECT_GT(bids[i].price, 0) << label;
    EXPECT_EQ(bids[i].price % tick, 0) << label << " bid " << i;
    EXPECT_GT(bids[i].quantity, 0) << label;
    EXPECT_EQ(bids[i].quantity % step, 0) << label << " bid " << i;
    if (i > 0) {
      ASSERT_LT(bids[i].price, bids[i - 1].price) << label << " bids fall from the best";
    }
  }
  for (std::size_t i = 0; i < asks.size(); ++i) {
    EXPECT_EQ(asks[i].price % tick, 0) << label << " ask " << i;
    EXPECT_GT(asks[i].quantity, 0) << label;
    EXPECT_EQ(asks[i].quantity % step, 0) << label << " ask " << i;
    if (i > 0) {
      ASSERT_GT(asks[i].price, asks[i - 1].price) << label << " asks rise from the best";
    }
  }
}

TEST(BinanceDepth, ShapeMatchesTheRecordedBook) {
  const Simulator simulator({"--now-ms", kNow});
  const auto recorded = fixture_response("binance/fetchOrderBook-1.json");
  const auto book = get_ordered_json(simulator, kDepth + "BTCUSDT&limit=2");
  // ccxt's recording stringified lastUpdateId; the live API sends a number (fixtures README).
  EXPECT_EQ(key_types(recorded),
            (std::vector<std::pair<std::string, std::string>>{
                {"lastUpdateId", "string"}, {"bids", "array"}, {"asks", "array"}}));
  EXPECT_EQ(key_types(book),
            (std::vector<std::pair<std::string, std::string>>{
                {"lastUpdateId", "integer"}, {"bids", "array"}, {"asks", "array"}}));
  ASSERT_EQ(book["bids"].size(), 2u);
  ASSERT_EQ(book["asks"].size(), 2u);
  EXPECT_EQ(element_types(book["bids"][0]), element_types(recorded["bids"][0]));
  EXPECT_EQ(element_types(book["asks"][0]), element_types(recorded["asks"][0]));
  // Eight decimals everywhere, as in the recording.
  EXPECT_NO_THROW(levels(book["bids"]));
  EXPECT_NO_THROW(levels(book["asks"]));
}

TEST(BinanceDepth, LimitDefaultsTo100AndIsClampedTo5000) {
  const Simulator simulator({"--now-ms", kNow});
  const auto sizes = [&](const std::string& query) {
    const auto book = get_ordered_json(simulator, kDepth + "BTCUSDT" + query);
    return std::make_pair(book["bids"].size(), book["asks"].size());
  };
  EXPECT_EQ(sizes(""), std::make_pair(std::size_t{100}, std::size_t{100}));
  EXPECT_EQ(sizes("&limit=1"), std::make_pair(std::size_t{1}, std::size_t{1}));
  EXPECT_EQ(sizes("&limit=5000"), std::make_pair(std::size_t{5000}, std::size_t{5000}));
  EXPECT_EQ(sizes("&limit=9000"), std::make_pair(std::size_t{5000}, std::size_t{5000}));
}

TEST(BinanceDepth, WeightFollowsTheLimit) {
  // 20 s into a frozen minute, so the weight window cannot roll over.
  const Simulator simulator({"--now-ms", std::to_string(kNowMs + 20'000)});
  int total = 0;
  for (const auto& [limit, weight] : std::vector<std::pair<std::string, int>>{{"", 5},
                                                                              {"100", 5},
                                                                              {"101", 25},
                                                                              {"500", 25},
                                                                              {"501", 50},
                                                                              {"1000", 50},
                                                                              {"1001", 250},
                                                                              {"9000", 250}}) {
    const auto result =
        simulator.get(kDepth + "ETHUSDT" + (limit.empty() ? "" : "&limit=" + limit));
    ASSERT_TRUE(result);
    total += weight;
    EXPECT_EQ(result->get_header_value("X-MBX-USED-WEIGHT-1M"), std::to_string(total))
        << "limit " << limit;
  }
}

TEST(BinanceDepth, BooksAreSortedOnTheTickAndNeverCross) {
  const Simulator simulator({"--now-ms", kNow});
  // symbol, tick, step in units of 1e-8, as exchangeInfo reports them.
  for (const auto& [symbol, tick, step] :
       std::vector<std::tuple<std::string, std::int64_t, std::int64_t>>{
           {"BTCUSDT", 1'000'000, 1'000},
           {"DOGEUSDT", 1'000, 100'000'000},
           {"XRPUSDT", 10'000, 100'000'000},
           {"NEARUSDT", 100'000, 10'000'000}}) {
    const auto book = get_ordered_json(simulator, kDepth + symbol + "&limit=5000");
    expect_valid_book(book, tick, step, symbol);
    EXPECT_EQ(book["asks"].size(), 5000u) << symbol;
    EXPECT_LE(book["bids"].size(), 5000u) << symbol << ": bids stop above zero";
  }
}

TEST(BinanceDepth, OneBookPerSecondTheSameInEveryProcess) {
  const Simulator start_of_second({"--now-ms", kNow});
  const Simulator end_of_second({"--now-ms", std::to_string(kNowMs + 999)});
  const Simulator next_second({"--now-ms", std::to_string(kNowMs + 1000)});
  const std::string path = kDepth + "SOLUSDT&limit=50";
  const auto book = get_ordered_json(start_of_second, path);
  EXPECT_EQ(get_ordered_json(end_of_second, path), book);
  const auto later = get_ordered_json(next_second, path);
  EXPECT_NE(later, book);
  EXPECT_GT(later["lastUpdateId"].get<std::int64_t>(), book["lastUpdateId"].get<std::int64_t>());
}

TEST(BinanceDepth, ErrorsAreBinancesOwn) {
  const Simulator simulator({"--now-ms", kNow});
  const auto expect_error = [&](const std::string& path, const std::string& body) {
    const auto result = simulator.get(path);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << path;
    EXPECT_EQ(result->body, body) << path;
    EXPECT_TRUE(result->has_header("X-MBX-USED-WEIGHT-1M")) << path;
  };
  expect_error(
      "/binance/api/v3/depth",
      R"({"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."})");
  expect_error(kDepth + "NOPEUSDT", R"({"code":-1121,"msg":"Invalid symbol."})");
  expect_error(kDepth + "BTCUSDT&limit=0",
               R"({"code":-1130,"msg":"Data sent for parameter 'limit' is not valid."})");
  expect_error(
      kDepth + "BTCUSDT&limit=lots",
      R"({"code":-1100,"msg":"Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."})");
}

}  // namespace
}  // namespace cryptopipe::testing
