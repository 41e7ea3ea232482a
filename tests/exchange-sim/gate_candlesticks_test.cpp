// Gate.io GET /spot/candlesticks: rows oldest first in Gate's own field order, times in seconds,
// from/to inclusive, the `limit` rules, the 10000-candle history cap, and Gate's error bodies.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);
constexpr std::int64_t kNowS = kNowMs / 1000;
constexpr std::int64_t kOpenHourS = 1706637600;  // the hourly candle containing now
constexpr std::int64_t kDayS = 86'400;
const std::string kCandles = "/gateio/spot/candlesticks?currency_pair=BTC_USDT";

std::string at(std::int64_t seconds) { return std::to_string(seconds); }

std::int64_t time_of(const nlohmann::ordered_json& row) {
  return std::stoll(row.at(0).get<std::string>());
}

std::vector<std::int64_t> times_of(const nlohmann::ordered_json& rows) {
  std::vector<std::int64_t> times;
  for (const auto& row : rows) {
    times.push_back(time_of(row));
  }
  return times;
}

class GateCandlesticks : public ::testing::Test {
 protected:
  nlohmann::ordered_json rows(const std::string& query) const {
    return get_ordered_json(simulator_, kCandles + query);
  }

  // The status and body of an answer expected to be an error.
  std::pair<int, std::string> error(const std::string& query) const {
    const auto result = simulator_.get(kCandles + query);
    return result ? std::make_pair(result->status, result->body) : std::make_pair(-1, "");
  }

  const Simulator simulator_{{"--now-ms", kNow}};
};

std::pair<int, std::string> invalid_param(const std::string& message) {
  return {400, R"({"label":"INVALID_PARAM_VALUE","message":")" + message + R"("})"};
}

TEST_F(GateCandlesticks, ShapeMatchesTheRecordedCandles) {
  const auto recorded = fixture_response("gate/fetchOHLCV-1.json");
  const auto answer = rows("&interval=1h&limit=3");
  ASSERT_TRUE(answer.is_array());
  ASSERT_EQ(answer.size(), 3u);
  for (const auto& row : answer) {
    EXPECT_EQ(element_types(row), element_types(recorded[0])) << row.dump();
    for (std::size_t i = 1; i <= 6; ++i) {
      EXPECT_NO_THROW(decimal_text_units(row[i].get<std::string>())) << row.dump();
    }
  }
}

TEST_F(GateCandlesticks, OldestFirstAndOnlyTheOpenCandleIsNotClosed) {
  const auto answer = rows("&interval=1h&limit=3");
  EXPECT_EQ(times_of(answer),
            (std::vector<std::int64_t>{kOpenHourS - 7200, kOpenHourS - 3600, kOpenHourS}));
  EXPECT_EQ(answer[0][7], "true");
  EXPECT_EQ(answer[1][7], "true");
  EXPECT_EQ(answer[2][7], "false") << "the candle containing now is still forming";
  EXPECT_EQ(answer[1][2], answer[2][5]) << "each candle opens where the previous closed";
}

TEST_F(GateCandlesticks, DefaultsAre30mAnd100Candles) {
  const auto answer = rows("");
  ASSERT_EQ(answer.size(), 100u);
  EXPECT_EQ(time_of(answer[1]) - time_of(answer[0]), 1800);
  EXPECT_EQ(time_of(answer.back()), kNowS - kNowS % 1800);
}

TEST_F(GateCandlesticks, LimitGoesUpTo1000) {
  EXPECT_EQ(rows("&interval=1m&limit=1000").size(), 1000u);
  EXPECT_EQ(rows("&interval=1m&limit=1").size(), 1u);
  EXPECT_EQ(error("&interval=1m&limit=1001"), invalid_param("limit must be between 1 and 1000"));
  EXPECT_EQ(error("&interval=1m&limit=0"), invalid_param("limit must be between 1 and 1000"));
}

TEST_F(GateCandlesticks, FromAndToAreInclusiveInSeconds) {
  const std::int64_t from = 1706630400;  // 16:00
  EXPECT_EQ(times_of(rows("&interval=1m&from=" + at(from) + "&to=" + at(from + 120))),
            (std::vector<std::int64_t>{from, from + 60, from + 120}));
  // A `from` inside a candle starts at the next one; a `to` inside a candle still takes it in.
  EXPECT_EQ(times_of(rows("&interval=1m&from=" + at(from + 1) + "&to=" + at(from + 61))),
            (std::vector<std::int64_t>{from + 60}));
}

TEST_F(GateCandlesticks, ToWithLimitGivesTheLatestUpToTo) {
  const std::int64_t to = 1706630400;
  EXPECT_EQ(times_of(rows("&interval=1m&limit=3&to=" + at(to))),
            (std::vector<std::int64_t>{to - 120, to - 60, to}));
}

TEST_F(GateCandlesticks, FromWithLimitIsRefused) {
  EXPECT_EQ(error("&interval=1m&limit=10&from=1706630400"),
            invalid_param("limit cannot be combined with from"));
  EXPECT_EQ(error("&interval=1m&limit=10&from=1706630400&to=1706631000"),
            invalid_param("limit cannot be combined with from"));
}

TEST_F(GateCandlesticks, AtMost1000PointsPerRequest) {
  const std::int64_t to = 1706630400;
  const auto thousand = rows("&interval=1m&from=" + at(to - 999 * 60) + "&to=" + at(to));
  ASSERT_EQ(thousand.size(), 1000u);
  EXPECT_EQ(time_of(thousand.front()), to - 999 * 60);
  EXPECT_EQ(time_of(thousand.back()), to);
  EXPECT_EQ(error("&interval=1m&from=" + at(to - 1000 * 60) + "&to=" + at(to)),
            invalid_param("Too many points requested. Maximum 1000 points are allowed"));
  // `to` defaults to now, so a `from` more than 1000 candles back is refused on its own too.
  EXPECT_EQ(error("&interval=1m&from=" + at(kNowS - 1000 * 60)),
            invalid_param("Too many points requested. Maximum 1000 points are allowed"));
  EXPECT_EQ(rows("&interval=1m&from=" + at(kNowS - 999 * 60)).size(), 1000u);
}

TEST_F(GateCandlesticks, NothingOlderThan10000CandlesBeforeTheCurrentOne) {
  const std::string too_long_ago = "Candlestick too long ago. Maximum 10000 points ago are allowed";
  const std::int64_t oldest = kNowS - 10'000 * 60;  // now is on a minute boundary
  const auto reachable = rows("&interval=1m&from=" + at(oldest) + "&to=" + at(oldest + 120));
  EXPECT_EQ(times_of(reachable), (std::vector<std::int64_t>{oldest, oldest + 60, oldest + 120}));
  EXPECT_EQ(error("&interval=1m&from=" + at(oldest - 1) + "&to=" + at(oldest + 120)),
            invalid_param(too_long_ago));
  // With `to` and `limit`, the earliest candle the limit reaches back to counts.
  EXPECT_EQ(rows("&interval=1m&limit=1000&to=" + at(oldest + 999 * 60)).size(), 1000u);
  EXPECT_EQ(error("&interval=1m&limit=1000&to=" + at(oldest + 998 * 60)),
            invalid_param(too_long_ago));
  // Daily candles reach back 10000 days (to 1996), past the listing on 2019-01-01.
  EXPECT_EQ(times_of(rows("&interval=1d&from=1514764800&to=1546387200")),
            (std::vector<std::int64_t>{1546300800, 1546387200}));
  EXPECT_EQ(error("&interval=1d&from=0&to=86400"), invalid_param(too_long_ago));
}

TEST_F(GateCandlesticks, TheSameCandlesAsBinance) {
  const std::int64_t from = 1706630400 - kDayS;
  const auto gate = rows("&interval=5m&from=" + at(from) + "&to=" + at(from + 49 * 300));
  const auto binance_result = simulator_.get(
      "/binance/api/v3/klines?symbol=BTCUSDT&interval=5m&limit=50&startTime=" + at(from * 1000));
  ASSERT_TRUE(binance_result);
  const auto binance = parse_binance_klines(binance_result->body);
  ASSERT_EQ(gate.size(), 50u);
  ASSERT_EQ(binance.size(), 50u);
  for (std::size_t i = 0; i < gate.size(); ++i) {
    const auto units = [&](std::size_t index) {
      return decimal_text_units(gate[i][index].get<std::string>());
    };
    SCOPED_TRACE(gate[i].dump());
    EXPECT_EQ(time_of(gate[i]) * 1000, binance[i].open_time_ms);
    EXPECT_EQ(units(1), binance[i].quote_volume);
    EXPECT_EQ(units(2), binance[i].close);
    EXPECT_EQ(units(3), binance[i].high);
    EXPECT_EQ(units(4), binance[i].low);
    EXPECT_EQ(units(5), binance[i].open);
    EXPECT_EQ(units(6), binance[i].volume);
  }
}

TEST_F(GateCandlesticks, IntervalsAlignLikeGates) {
  const auto seconds = times_of(rows("&interval=10s&limit=3"));
  EXPECT_EQ(seconds[1] - seconds[0], 10);
  const auto eight_hours = times_of(rows("&interval=8h&limit=3"));
  EXPECT_EQ(eight_hours[1] - eight_hours[0], 8 * 3600);
  for (const std::int64_t t : times_of(rows("&interval=7d&limit=8"))) {
    EXPECT_EQ(t % kDayS, 0);
    EXPECT_EQ((t / kDayS - 4) % 7, 0) << t << " is a Monday";
  }
  for (const std::int64_t t : times_of(rows("&interval=30d&limit=14"))) {
    const auto day =
        std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(t)));
    EXPECT_EQ(std::chrono::year_month_day(day).day(), std::chrono::day(1)) << t;
  }
}

TEST_F(GateCandlesticks, ErrorsAreGatesOwn) {
  const auto missing = simulator_.get("/gateio/spot/candlesticks?interval=1m");
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->status, 400);
  EXPECT_EQ(
      missing->body,
      R"({"label":"MISSING_REQUIRED_PARAM","message":"Missing required parameter: currency_pair"})");
  EXPECT_EQ(missing->get_header_value("Content-Type"), "application/json; charset=utf-8");
  for (const std::string pair : {"BTC_USDX", "BTCUSDT", "btc_usdt", "BT_CUSDT"}) {
    const auto unknown = simulator_.get("/gateio/spot/candlesticks?currency_pair=" + pair);
    ASSERT_TRUE(unknown);
    EXPECT_EQ(unknown->status, 400) << pair;
    EXPECT_EQ(
        unknown->body,
        R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair )" + pair + R"("})");
  }
  EXPECT_EQ(error("&interval=2h"), invalid_param("Invalid interval: 2h"));
  EXPECT_EQ(error("&interval=1M"), invalid_param("Invalid interval: 1M"));
  EXPECT_EQ(error("&interval=1m&limit=ten"), invalid_param("Invalid limit: ten"));
  EXPECT_EQ(error("&interval=1m&from=-5&to=1706630400"), invalid_param("Invalid from: -5"));
  EXPECT_EQ(error("&interval=1m&from=1706630400000&to=1706630400"),
            invalid_param("from must not be later than to"));
}

TEST(GateCandlesticksProcesses, TwoProcessesServeTheSamePastCandles) {
  const Simulator first({"--seed", "3"});
  const Simulator second({"--seed", "4"});
  const std::string path = kCandles + "&interval=1d&from=1704067200&to=1709251200";
  const auto body = first.get(path);
  ASSERT_TRUE(body);
  ASSERT_EQ(body->status, 200) << body->body;
  EXPECT_EQ(nlohmann::json::parse(body->body).size(), 61u);
  EXPECT_EQ(second.get(path)->body, body->body);
}

}  // namespace
}  // namespace cryptopipe::testing
