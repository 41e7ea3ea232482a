// Coinbase Exchange under /coinbase: candles as JSON numbers newest first with both bounds
// inclusive and the 300-candle refusal, the bulk stats, ticker and book, the markets and
// currencies ccxt loads, {"message"} errors, the shared per-IP limit, injected faults and gzip.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);
constexpr std::int64_t kOpenHourS = 1706637600;  // the hourly candle containing now
const std::string kCandles = "/coinbase/products/BTC-USDT/candles?granularity=3600";
// Enough for every test's requests within the frozen second.
const std::vector<std::string> kArgs = {"--now-ms", kNow, "--coinbase-burst", "1000"};

std::vector<std::int64_t> times_of(const nlohmann::ordered_json& rows) {
  std::vector<std::int64_t> times;
  for (const auto& row : rows) times.push_back(row.at(0).get<std::int64_t>());
  return times;
}

std::pair<int, std::string> answer(const Simulator& simulator, const std::string& path) {
  const auto result = simulator.get(path);
  return result ? std::make_pair(result->status, result->body) : std::make_pair(-1, "");
}

TEST(CoinbaseCandles, NumbersNewestFirstBothBoundsInclusive) {
  const Simulator simulator(kArgs);
  const auto rows = get_ordered_json(
      simulator, kCandles + "&start=2024-01-30T15:00:00.000Z&end=2024-01-30T17:00:00Z");
  EXPECT_EQ(times_of(rows),
            (std::vector<std::int64_t>{kOpenHourS - 3600, kOpenHourS - 7200, kOpenHourS - 10800}));
  for (const auto& row : rows) {
    EXPECT_EQ(element_types(row),
              (std::vector<std::string>{"integer", "float", "float", "float", "float", "float"}))
        << row.dump();
  }
  // Unix seconds work as bounds too, and the still-open candle comes first.
  const auto latest = get_ordered_json(simulator, kCandles + "&start=" +
                                                      std::to_string(kOpenHourS - 3600) +
                                                      "&end=" + std::to_string(kOpenHourS + 3599));
  EXPECT_EQ(times_of(latest), (std::vector<std::int64_t>{kOpenHourS, kOpenHourS - 3600}));
}

TEST(CoinbaseCandles, AnUnalignedStartBringsTheCandleContainingIt) {
  const Simulator simulator(kArgs);
  const auto rows = get_ordered_json(
      simulator, kCandles + "&start=2024-01-30T15:30:00Z&end=2024-01-30T16:00:00Z");
  EXPECT_EQ(times_of(rows), (std::vector<std::int64_t>{kOpenHourS - 7200, kOpenHourS - 10800}));
}

TEST(CoinbaseCandles, ThreeHundredCandlesAtMostOrRefused) {
  const Simulator simulator(kArgs);
  const std::string start = "&start=" + std::to_string(kOpenHourS - 400 * 3600);
  const auto three_hundred = get_ordered_json(
      simulator, kCandles + start + "&end=" + std::to_string(kOpenHourS - 101 * 3600));
  EXPECT_EQ(three_hundred.size(), 300u);
  EXPECT_EQ(answer(simulator, kCandles + start + "&end=" + std::to_string(kOpenHourS - 100 * 3600)),
            std::make_pair(400, std::string(R"({"message":"granularity too small for the requested )"
                                            R"(time range. Count of aggregations requested exceeds )"
                                            R"(300"})")));
  // Without both bounds: the latest 300, a lone bound being ignored.
  const auto lone = get_ordered_json(simulator, kCandles + start);
  ASSERT_EQ(lone.size(), 300u);
  EXPECT_EQ(lone.front().at(0), kOpenHourS);
}

TEST(CoinbaseCandles, ErrorsAreMessagesWithTheirStatus) {
  const Simulator simulator(kArgs);
  EXPECT_EQ(answer(simulator, "/coinbase/products/BTC-USDX/candles?granularity=60"),
            std::make_pair(404, std::string(R"({"message":"NotFound"})")));
  EXPECT_EQ(answer(simulator, "/coinbase/products/BT-CUSDT/candles?granularity=60"),
            std::make_pair(404, std::string(R"({"message":"NotFound"})")));
  EXPECT_EQ(answer(simulator, "/coinbase/products/BTC-USDT/candles?granularity=14400"),
            std::make_pair(400, std::string(R"({"message":"Unsupported granularity"})")));
  EXPECT_EQ(answer(simulator, kCandles + "&start=yesterday&end=2024-01-30T16:00:00Z"),
            std::make_pair(400, std::string(R"({"message":"Invalid start"})")));
  EXPECT_EQ(answer(simulator, kCandles + "&start=2024-01-30T16:00:00Z&end=2024-01-30T15:00:00Z"),
            std::make_pair(400, std::string(R"({"message":"start must be before end"})")));
}

TEST(CoinbaseCandles, TheSameCandlesAsGateDigitForDigit) {
  const Simulator simulator(kArgs);
  const auto page =
      simulator.get(kCandles + "&start=2024-01-29T00:00:00Z&end=2024-01-29T23:00:00Z");
  ASSERT_TRUE(page);
  const auto ours = rows_as_sent(page->body);
  const auto gate = get_ordered_json(
      simulator, "/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1h&from=1706486400"
                 "&to=1706569200");
  ASSERT_EQ(ours.size(), 24u);
  ASSERT_EQ(gate.size(), 24u);
  for (std::size_t i = 0; i < 24; ++i) {
    const auto& row = ours[23 - i];  // newest first
    const auto& g = gate[i];        // [t, quote volume, close, high, low, open, volume, closed]
    EXPECT_EQ(row[0], g[0]);
    EXPECT_EQ(row[1], g[4]);  // low
    EXPECT_EQ(row[2], g[3]);  // high
    EXPECT_EQ(row[3], g[5]);  // open
    EXPECT_EQ(row[4], g[2]);  // close
    EXPECT_EQ(row[5], g[6]);  // volume
  }
}

TEST(CoinbaseMarketData, BulkStatsAgreeWithEachProductsStatsAndTicker) {
  const Simulator simulator(kArgs);
  const auto all = get_ordered_json(simulator, "/coinbase/products/stats");
  const auto products = get_ordered_json(simulator, "/coinbase/products");
  ASSERT_EQ(all.size(), products.size());
  const auto& btc = all.at("BTC-USDT");
  EXPECT_EQ(key_types(btc.at("stats_24hour")),
            (std::vector<std::pair<std::string, std::string>>{{"open", "string"},
                                                              {"high", "string"},
                                                              {"low", "string"},
                                                              {"volume", "string"},
                                                              {"last", "string"},
                                                              {"volume_30day", "string"}}));
  EXPECT_EQ(btc.at("stats_30day").at("volume"), btc.at("stats_24hour").at("volume_30day"));
  EXPECT_EQ(get_ordered_json(simulator, "/coinbase/products/BTC-USDT/stats"),
            btc.at("stats_24hour"));
  const auto ticker = get_ordered_json(simulator, "/coinbase/products/BTC-USDT/ticker");
  const auto recorded = fixture_response("coinbaseexchange/fetchTicker-1.json");
  std::vector<std::string> keys, recorded_keys;
  for (const auto& [key, type] : key_types(ticker)) keys.push_back(key);
  for (const auto& [key, type] : key_types(recorded)) recorded_keys.push_back(key);
  EXPECT_EQ(keys, recorded_keys);
  EXPECT_EQ(ticker.at("price"), btc.at("stats_24hour").at("last"));
  EXPECT_EQ(ticker.at("volume"), btc.at("stats_24hour").at("volume"));
  EXPECT_EQ(ticker.at("time"), "2024-01-30T18:40:00.000000Z");
  EXPECT_LT(decimal_text_units(ticker.at("bid").get<std::string>()),
            decimal_text_units(ticker.at("ask").get<std::string>()));
}

TEST(CoinbaseMarketData, BookLevelsOneAndTwo) {
  const Simulator simulator(kArgs);
  const auto full = get_ordered_json(simulator, "/coinbase/products/BTC-USDT/book?level=2");
  ASSERT_EQ(full.at("bids").size(), 1000u);
  ASSERT_EQ(full.at("asks").size(), 1000u);
  EXPECT_EQ(element_types(full.at("bids")[0]),
            (std::vector<std::string>{"string", "string", "integer"}));
  EXPECT_TRUE(full.at("sequence").is_number_integer());
  const auto top = get_ordered_json(simulator, "/coinbase/products/BTC-USDT/book");
  ASSERT_EQ(top.at("bids").size(), 1u);
  EXPECT_EQ(top.at("bids")[0], full.at("bids")[0]);
  EXPECT_EQ(top.at("asks")[0], full.at("asks")[0]);
  EXPECT_EQ(answer(simulator, "/coinbase/products/BTC-USDT/book?level=3").first, 400);
}

TEST(CoinbaseMarketData, SparkLinesAreTwentyFourHoursNewestFirst) {
  const Simulator simulator(kArgs);
  const auto lines = get_ordered_json(simulator, "/coinbase/products/spark-lines");
  const auto& btc = lines.at("BTC-USDT");
  ASSERT_EQ(btc.size(), 24u);
  EXPECT_EQ(btc[0].at(0), kOpenHourS);
  EXPECT_EQ(btc[0].size(), 5u);
  EXPECT_EQ(btc[23].at(0), kOpenHourS - 23 * 3600);
}

TEST(CoinbaseMarketData, ProductsAndCurrenciesAsCcxtLoadsThem) {
  const Simulator simulator(kArgs);
  const auto products = get_ordered_json(simulator, "/coinbase/products");
  std::set<std::string> assets;
  for (const auto& product : products) {
    EXPECT_EQ(product.at("id"), product.at("base_currency").get<std::string>() + "-" +
                                    product.at("quote_currency").get<std::string>());
    EXPECT_EQ(product.at("status"), "online");
    EXPECT_EQ(product.at("trading_disabled"), false);
    assets.insert(product.at("base_currency").get<std::string>());
    assets.insert(product.at("quote_currency").get<std::string>());
  }
  const auto currencies = get_ordered_json(simulator, "/coinbase/currencies");
  std::set<std::string> ids;
  for (const auto& currency : currencies) ids.insert(currency.at("id").get<std::string>());
  EXPECT_EQ(ids, assets);
  EXPECT_TRUE(ids.contains("BTC") && ids.contains("USDT"));
}

TEST(CoinbaseLimits, OneBudgetForEveryEndpointThen429) {
  const Simulator simulator({"--now-ms", kNow, "--coinbase-burst", "3"});
  EXPECT_EQ(simulator.get("/coinbase/products")->status, 200);
  EXPECT_EQ(simulator.get("/coinbase/products/stats")->status, 200);
  EXPECT_EQ(simulator.get("/coinbase/currencies")->status, 200);
  EXPECT_EQ(answer(simulator, "/coinbase/products/BTC-USDT/book?level=2"),
            std::make_pair(429, std::string(R"({"message":"Public rate limit exceeded"})")));
  // Other venues keep their own budgets.
  EXPECT_EQ(simulator.get("/gateio/spot/currency_pairs")->status, 200);
}

TEST(CoinbaseLimits, DefaultIsABurstOfFifteenRefilledTenASecond) {
  // The clock stands still: the bucket holds 15 and nothing refills it.
  const Simulator frozen({"--now-ms", kNow});
  for (int i = 0; i < 15; ++i) EXPECT_EQ(frozen.get("/coinbase/products")->status, 200) << i;
  EXPECT_EQ(frozen.get("/coinbase/products")->status, 429);
  // On the wall clock a client pacing itself at 10 a second is never refused.
  const Simulator live;
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(live.get("/coinbase/currencies")->status, 200) << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

TEST(CoinbaseFaults, InjectedFailuresAreWordedAsCoinbase) {
  const Simulator simulator(kArgs);
  simulator.set_faults({{"rate_limit_every", 1}, {"retry_after", 2}});
  const auto limited = simulator.get("/coinbase/products/stats");
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->body, R"({"message":"Public rate limit exceeded"})");
  EXPECT_EQ(limited->get_header_value("Retry-After"), "2");
  simulator.set_faults({{"rate_limit_every", 0}, {"error_rate", 1.0}});
  const auto failed = simulator.get("/coinbase/products/stats");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 500);
  EXPECT_EQ(failed->body, R"({"message":"Internal server error"})");
}

TEST(CoinbaseFaults, CandleGapsApplyAndAnswersAreGzipped) {
  const Simulator simulator(kArgs);
  simulator.set_faults({{"gap_from_ms", (kOpenHourS - 7200) * 1000},
                        {"gap_to_ms", (kOpenHourS - 3600) * 1000}});
  const auto rows = get_ordered_json(
      simulator, kCandles + "&start=2024-01-30T15:00:00Z&end=2024-01-30T17:00:00Z");
  EXPECT_EQ(times_of(rows), (std::vector<std::int64_t>{kOpenHourS - 3600, kOpenHourS - 10800}));
  const auto compressed =
      simulator.get("/coinbase/products/stats", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
