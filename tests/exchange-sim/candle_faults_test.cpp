// The candle switches (duplicates, shuffled pages, a gap window) on each exchange's candle route,
// the injected Binance ban, and the count of retries that came before their Retry-After.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

const std::string kNow = "1706640000000";      // 2024-01-30T18:40:00Z
constexpr std::int64_t kFrom = 1706572800000;  // 2024-01-30T00:00:00Z
constexpr std::int64_t kMinute = 60'000;

const std::string kBinance =
    "/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime=" + std::to_string(kFrom) +
    "&limit=120";
const std::string kBybit = "/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&start=" +
                           std::to_string(kFrom) + "&end=" + std::to_string(kFrom + 119 * kMinute) +
                           "&limit=1000";
const std::string kGate = "/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1m&from=" +
                          std::to_string(kFrom / 1000) +
                          "&to=" + std::to_string((kFrom + 119 * kMinute) / 1000);

struct Route {
  std::string path;
  nlohmann::json::json_pointer rows;
  std::int64_t unit_ms;
};

const std::vector<Route> kRoutes = {{kBinance, nlohmann::json::json_pointer(""), 1},
                                    {kBybit, nlohmann::json::json_pointer("/result/list"), 1},
                                    {kGate, nlohmann::json::json_pointer(""), 1000}};

// Open times (ms) of the candles of one answer, in the order sent.
std::vector<std::int64_t> open_times(const Simulator& simulator, const Route& route) {
  const nlohmann::json body = simulator.get_json(route.path);
  std::vector<std::int64_t> times;
  for (const auto& row : body.at(route.rows)) {
    const auto& first = row.at(0);
    times.push_back(
        (first.is_string() ? std::stoll(first.get<std::string>()) : first.get<std::int64_t>()) *
        route.unit_ms);
  }
  return times;
}

std::vector<std::int64_t> sorted(std::vector<std::int64_t> times) {
  std::sort(times.begin(), times.end());
  return times;
}

TEST(CandleFaults, AGapWindowLeavesOutItsCandlesOnEveryExchange) {
  const Simulator simulator({"--now-ms", kNow});
  simulator.set_faults(
      {{"gap_from_ms", kFrom + 30 * kMinute}, {"gap_to_ms", kFrom + 90 * kMinute}});
  for (const Route& route : kRoutes) {
    const auto times = sorted(open_times(simulator, route));
    ASSERT_EQ(times.size(), 60u) << route.path;
    EXPECT_EQ(times[29], kFrom + 29 * kMinute) << route.path;
    EXPECT_EQ(times[30], kFrom + 90 * kMinute) << route.path;
  }
  EXPECT_EQ(simulator.stats()["injected_faults"]["gap_candle"], 3 * 60);
}

TEST(CandleFaults, DuplicatesFollowTheirOriginalAndAreIdentical) {
  const Simulator simulator({"--now-ms", kNow, "--duplicate-rate", "0.25", "--seed", "4"});
  int duplicates = 0;
  for (const Route& route : kRoutes) {
    const nlohmann::json body = simulator.get_json(route.path);
    const auto& rows = body.at(route.rows);
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      distinct.insert(rows[i].dump());
      if (i > 0 && rows[i] == rows[i - 1]) ++duplicates;
    }
    EXPECT_EQ(distinct.size(), 120u) << route.path;
    EXPECT_GT(rows.size(), 120u) << route.path;
  }
  EXPECT_EQ(simulator.stats()["injected_faults"]["duplicated_candle"], duplicates);
}

TEST(CandleFaults, AShuffledPageHoldsTheSameCandlesInAnotherOrder) {
  const Simulator plain({"--now-ms", kNow});
  const Simulator shuffled({"--now-ms", kNow, "--shuffle"});
  for (const Route& route : kRoutes) {
    const auto expected = open_times(plain, route);
    const auto got = open_times(shuffled, route);
    EXPECT_NE(got, expected) << route.path;
    EXPECT_EQ(sorted(got), sorted(expected)) << route.path;
  }
  EXPECT_EQ(shuffled.stats()["injected_faults"]["shuffled_page"], 3);
}

TEST(CandleFaults, OtherRoutesAndErrorAnswersAreLeftAlone) {
  const Simulator simulator({"--now-ms", kNow, "--shuffle", "--duplicate-rate", "1"});
  const auto bad = simulator.get("/binance/api/v3/klines?symbol=NOPE&interval=1m");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  const auto depth = simulator.get_json("/binance/api/v3/depth?symbol=BTCUSDT&limit=5");
  EXPECT_EQ(depth["bids"].size(), 5u);
  EXPECT_FALSE(simulator.stats()["injected_faults"].contains("duplicated_candle"));
}

TEST(CandleFaults, ABanAnswersBinance418WithItsLengthAndLeavesTheOthersAlone) {
  const Simulator simulator({"--now-ms", kNow});
  simulator.set_faults({{"ban_s", 120}});
  const auto banned = simulator.get(kBinance);
  ASSERT_TRUE(banned);
  EXPECT_EQ(banned->status, 418);
  EXPECT_EQ(banned->get_header_value("Retry-After"), "120");
  EXPECT_EQ(nlohmann::json::parse(banned->body)["code"], -1003) << banned->body;
  EXPECT_NE(banned->body.find(std::to_string(std::stoll(kNow) + 120'000)), std::string::npos)
      << banned->body;
  EXPECT_EQ(simulator.get(kBybit)->status, 200);
  EXPECT_EQ(simulator.get(kGate)->status, 200);
  EXPECT_EQ(simulator.stats()["injected_faults"]["banned"], 1);
}

TEST(CandleFaults, ARetryBeforeTheRetryAfterIsCountedAsEarly) {
  const Simulator simulator({"--rate-limit-every", "2", "--retry-after", "30"});
  httplib::Client client("127.0.0.1", simulator.port());  // one connection, kept alive
  client.set_keep_alive(true);
  EXPECT_EQ(client.Get("/binance/api/v3/ping")->status, 200);
  EXPECT_EQ(client.Get("/binance/api/v3/ping")->status, 429);
  EXPECT_FALSE(simulator.stats()["injected_faults"].contains("early_retry"));
  EXPECT_EQ(client.Get("/binance/api/v3/ping")->status, 200);  // at once, not 30 s later
  EXPECT_EQ(simulator.stats()["injected_faults"]["early_retry"], 1);
}

}  // namespace
}  // namespace cryptopipe::testing
