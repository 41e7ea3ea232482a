// Which candles a klines request gets: startTime, endTime and limit as Binance applies them.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "support/binance_klines.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kNowMs = 1706640000000;       // 2024-01-30T18:40:00Z
constexpr std::int64_t kOpenHourMs = 1706637600000;  // the hourly candle containing kNowMs
constexpr std::int64_t k2019Ms = 1546300800000;      // 2019-01-01T00:00:00Z

class KlinesWindow : public ::testing::Test {
 protected:
  std::vector<BinanceKline> klines(const std::string& query) const {
    const std::string path = "/binance/api/v3/klines?" + query;
    const auto result = simulator_.get(path);
    if (!result || result->status != 200) {
      ADD_FAILURE() << "GET " << path
                    << " failed: " << (result ? result->body : httplib::to_string(result.error()));
      return {};
    }
    return parse_binance_klines(result->body);
  }

  const Simulator simulator_{{"--now-ms", std::to_string(kNowMs)}};
};

std::string at(std::int64_t ms) { return std::to_string(ms); }

TEST_F(KlinesWindow, DefaultLimitIs500) {
  EXPECT_EQ(klines("symbol=BTCUSDT&interval=1m&startTime=" + at(k2019Ms)).size(), 500u);
  EXPECT_EQ(klines("symbol=BTCUSDT&interval=1m").size(), 500u);
}

TEST_F(KlinesWindow, LimitAbove1000IsClampedTo1000) {
  EXPECT_EQ(klines("symbol=BTCUSDT&interval=1m&limit=1000").size(), 1000u);
  EXPECT_EQ(klines("symbol=BTCUSDT&interval=1m&limit=5000").size(), 1000u);
  EXPECT_EQ(klines("symbol=BTCUSDT&interval=1m&limit=1").size(), 1u);
}

TEST_F(KlinesWindow, StartTimeInsideACandleSkipsThatCandle) {
  // The recorded Binance fixture: startTime 15:23:11Z gave a first row at 16:00Z.
  const auto rows = klines("symbol=BTCUSDT&interval=1h&startTime=1706628191000&limit=3");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].open_time_ms, 1706630400000);
  EXPECT_EQ(rows[0].close_time_ms, 1706633999999);
  EXPECT_EQ(rows[2].open_time_ms, 1706637600000);
}

TEST_F(KlinesWindow, StartTimeOnABoundaryIncludesThatCandle) {
  const auto rows = klines("symbol=BTCUSDT&interval=1h&startTime=1706630400000&limit=2");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].open_time_ms, 1706630400000);
}

TEST_F(KlinesWindow, EndTimeOnlyGivesTheLatestCandlesOpeningAtOrBeforeIt) {
  const std::int64_t end = 1706630400000 + 5;
  const auto rows = klines("symbol=BTCUSDT&interval=1h&limit=4&endTime=" + at(end));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows.back().open_time_ms, 1706630400000);
  EXPECT_EQ(rows.front().open_time_ms, 1706630400000 - 3 * kHourMs);
}

TEST_F(KlinesWindow, BothBoundsStartAtStartTimeAndStopAtEndTime) {
  const std::int64_t start = 1706630400000 - kDayMs;
  const auto rows = klines("symbol=BTCUSDT&interval=1h&startTime=" + at(start) +
                           "&endTime=" + at(start - kHourMs + 10 * kHourMs));
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_EQ(rows.front().open_time_ms, start);
  EXPECT_EQ(rows.back().open_time_ms, start + 9 * kHourMs);

  const auto limited = klines("symbol=BTCUSDT&interval=1h&limit=3&startTime=" + at(start) +
                              "&endTime=" + at(start + 10 * kHourMs));
  ASSERT_EQ(limited.size(), 3u);
  EXPECT_EQ(limited.front().open_time_ms, start) << "the earliest candles are kept";
}

TEST_F(KlinesWindow, NeitherBoundEndsWithTheCandleStillOpen) {
  const auto rows = klines("symbol=BTCUSDT&interval=1h&limit=3");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows.back().open_time_ms, kOpenHourMs);
  EXPECT_GE(rows.back().close_time_ms, kNowMs);
  EXPECT_LE(rows.back().open_time_ms, kNowMs);
  EXPECT_EQ(rows.front().open_time_ms, kOpenHourMs - 2 * kHourMs);
}

TEST_F(KlinesWindow, NothingOpensAfterNow) {
  EXPECT_TRUE(klines("symbol=BTCUSDT&interval=1h&startTime=" + at(kNowMs + 1)).empty());
  const auto rows =
      klines("symbol=BTCUSDT&interval=1h&limit=2&endTime=" + at(kNowMs + 30 * kDayMs));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows.back().open_time_ms, kOpenHourMs);
  const auto forward = klines("symbol=BTCUSDT&interval=1h&startTime=" + at(kOpenHourMs - kHourMs));
  ASSERT_EQ(forward.size(), 2u);
  EXPECT_EQ(forward.back().open_time_ms, kOpenHourMs);
}

TEST_F(KlinesWindow, NothingOpensBeforeTheListing) {
  const auto btc = klines("symbol=BTCUSDT&interval=1d&startTime=0&limit=2");
  ASSERT_EQ(btc.size(), 2u);
  EXPECT_EQ(btc.front().open_time_ms, k2019Ms);

  const std::int64_t apt_listing = 1666137600000;  // 2022-10-19
  const auto apt = klines("symbol=APTUSDT&interval=1d&startTime=0&limit=1");
  ASSERT_EQ(apt.size(), 1u);
  EXPECT_EQ(apt.front().open_time_ms, apt_listing);
  EXPECT_TRUE(klines("symbol=APTUSDT&interval=1d&endTime=" + at(apt_listing - 1)).empty());

  // Asking for the newest 1000 daily candles of a young market returns only those since listing.
  EXPECT_EQ(klines("symbol=APTUSDT&interval=1d&limit=1000&endTime=" + at(apt_listing + 9 * kDayMs))
                .size(),
            10u);
}

TEST(KlinesWallClock, WithoutNowMsTheLastCandleContainsTheCurrentTime) {
  const Simulator simulator;
  const auto now = [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const std::int64_t before = now();
  const auto result = simulator.get("/binance/api/v3/klines?symbol=ETHUSDT&interval=1m&limit=2");
  const std::int64_t after = now();
  ASSERT_TRUE(result);
  const auto rows = parse_binance_klines(result->body);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_LE(rows.back().open_time_ms, after);
  EXPECT_GE(rows.back().close_time_ms, before);

  const std::int64_t server_time = simulator.get_json("/binance/api/v3/time")["serverTime"];
  EXPECT_GE(server_time, before);
}

}  // namespace
}  // namespace cryptopipe::testing
