// The synthetic candles themselves: determinism and the invariants real candles obey.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "support/binance_klines.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);
constexpr std::int64_t kDayMs = 86'400'000;
__extension__ using Int128 = __int128;  // volume x price overflows int64

std::string klines_path(const std::string& symbol, const std::string& interval,
                        const std::string& extra = "") {
  return "/binance/api/v3/klines?symbol=" + symbol + "&interval=" + interval + extra;
}

std::string body_of(const Simulator& simulator, const std::string& path) {
  const auto result = simulator.get(path);
  if (!result || result->status != 200) {
    ADD_FAILURE() << "GET " << path
                  << " failed: " << (result ? result->body : httplib::to_string(result.error()));
    return "[]";
  }
  return result->body;
}

TEST(KlinesData, TwoProcessesReturnByteIdenticalPastCandles) {
  // Different seeds too: the seed drives only the fault switches, never the market data.
  const Simulator first({"--seed", "1"});
  const Simulator second({"--seed", "99"});
  const std::string past = "&startTime=1704067200000&endTime=1704153600000&limit=1000";
  for (const char* interval : {"1m", "1h", "1d"}) {
    const std::string path = klines_path("ETHUSDT", interval, past);
    const std::string body = body_of(first, path);
    EXPECT_GT(parse_binance_klines(body).size(), 0u) << interval;
    EXPECT_EQ(body, body_of(second, path)) << interval;
  }
}

TEST(KlinesData, FrozenClockMakesEvenTheOpenCandleRepeatable) {
  const Simulator first({"--now-ms", kNow});
  const Simulator second({"--now-ms", kNow});
  EXPECT_EQ(body_of(first, klines_path("BTCUSDT", "1m")),
            body_of(second, klines_path("BTCUSDT", "1m")));
}

TEST(KlinesData, ClosedCandlesDoNotDependOnNow) {
  const Simulator earlier({"--now-ms", kNow});
  const Simulator later({"--now-ms", std::to_string(kNowMs + 30 * kDayMs)});
  const std::string path = klines_path("SOLUSDT", "15m", "&startTime=1706000000000&limit=200");
  EXPECT_EQ(body_of(earlier, path), body_of(later, path));
}

TEST(KlinesData, SymbolsHaveTheirOwnPricePaths) {
  const Simulator simulator({"--now-ms", kNow});
  const auto btc =
      parse_binance_klines(body_of(simulator, klines_path("BTCUSDT", "1h", "&limit=5")));
  const auto eth =
      parse_binance_klines(body_of(simulator, klines_path("ETHUSDT", "1h", "&limit=5")));
  ASSERT_EQ(btc.size(), 5u);
  ASSERT_EQ(eth.size(), 5u);
  EXPECT_NE(btc[0].open, eth[0].open);
}

// Checks every row of one answer against what a real exchange's candles always satisfy.
void expect_well_formed(const std::vector<BinanceKline>& rows, const std::string& label,
                        std::int64_t interval_ms) {
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BinanceKline& row = rows[i];
    SCOPED_TRACE(label + " row " + std::to_string(i));
    EXPECT_GE(row.high, std::max(row.open, row.close));
    EXPECT_LE(row.low, std::min(row.open, row.close));
    EXPECT_GT(row.low, 0);
    EXPECT_GT(row.volume, 0);
    EXPECT_GT(row.trade_count, 0);
    EXPECT_LE(row.taker_buy_volume, row.volume);
    EXPECT_LE(row.taker_buy_quote_volume, row.quote_volume);
    EXPECT_EQ(row.unused, "0");
    // The quote volume is the volume times some price within the candle's range, rounded.
    const Int128 volume = row.volume;
    EXPECT_GE(Int128{row.quote_volume} * 100'000'000 + 100'000'000, volume * row.low);
    EXPECT_LE(Int128{row.quote_volume} * 100'000'000 - 100'000'000, volume * row.high);
    if (interval_ms > 0) {
      EXPECT_EQ(row.close_time_ms, row.open_time_ms + interval_ms - 1);
    }
    if (i + 1 < rows.size()) {
      EXPECT_EQ(row.close_time_ms + 1, rows[i + 1].open_time_ms) << "candles are consecutive";
      EXPECT_EQ(row.close, rows[i + 1].open) << "each candle opens where the previous closed";
    }
  }
}

TEST(KlinesData, EveryIntervalObeysCandleInvariants) {
  const Simulator simulator({"--now-ms", kNow});
  const std::vector<std::pair<std::string, std::int64_t>> intervals{
      {"1s", 1'000},      {"1m", 60'000},     {"3m", 180'000},    {"5m", 300'000},
      {"15m", 900'000},   {"30m", 1'800'000}, {"1h", 3'600'000},  {"2h", 7'200'000},
      {"4h", 14'400'000}, {"6h", 21'600'000}, {"8h", 28'800'000}, {"12h", 43'200'000},
      {"1d", kDayMs},     {"3d", 3 * kDayMs}, {"1w", 7 * kDayMs}, {"1M", 0}};
  for (const char* symbol : {"BTCUSDT", "DOGEUSDT", "XRPUSDT", "BCHUSDT", "NEARUSDT"}) {
    for (const auto& [interval, length_ms] : intervals) {
      const std::string label = std::string(symbol) + " " + interval;
      const auto rows =
          parse_binance_klines(body_of(simulator, klines_path(symbol, interval, "&limit=300")));
      EXPECT_FALSE(rows.empty()) << label;
      expect_well_formed(rows, label, length_ms);
    }
  }
}

TEST(KlinesData, DecimalsAreStringsWithExactlyEightPlaces) {
  const Simulator simulator({"--now-ms", kNow});
  const auto result = simulator.get(klines_path("DOGEUSDT", "1h", "&limit=50"));
  ASSERT_TRUE(result);
  // parse_binance_klines throws unless every decimal field is a string with eight places.
  EXPECT_NO_THROW(parse_binance_klines(result->body));
  EXPECT_EQ(result->body.find(' '), std::string::npos) << "compact JSON";
  EXPECT_EQ(result->body.rfind("[[", 0), 0u);
}

TEST(KlinesData, WeeksOpenOnMondayAndMonthsOnTheFirst) {
  const Simulator simulator({"--now-ms", kNow});
  for (const auto& row :
       parse_binance_klines(body_of(simulator, klines_path("BTCUSDT", "1w", "&limit=60")))) {
    // Day 0 of the epoch was a Thursday, so Mondays are days 4, 11, 18, ...
    EXPECT_EQ(row.open_time_ms % kDayMs, 0);
    EXPECT_EQ((row.open_time_ms / kDayMs - 4) % 7, 0) << row.open_time_ms;
  }
  for (const auto& row :
       parse_binance_klines(body_of(simulator, klines_path("BTCUSDT", "1M", "&limit=30")))) {
    const auto day =
        std::chrono::floor<std::chrono::days>(std::chrono::sys_time<std::chrono::milliseconds>(
            std::chrono::milliseconds(row.open_time_ms)));
    EXPECT_EQ(std::chrono::year_month_day(day).day(), std::chrono::day(1));
    EXPECT_EQ(day.time_since_epoch().count() * kDayMs, row.open_time_ms);
    const auto next =
        std::chrono::sys_days(std::chrono::year_month_day(day) + std::chrono::months(1));
    EXPECT_EQ(row.close_time_ms + 1, next.time_since_epoch().count() * kDayMs);
  }
}

TEST(KlinesData, TheOpenCandleReflectsOnlyTheTimeElapsed) {
  // Two views of the 18:00 hourly candle: ten and fifty minutes in.
  constexpr std::int64_t kCandleOpen = 1706637600000;
  const Simulator early({"--now-ms", std::to_string(kCandleOpen + 10 * 60'000)});
  const Simulator late({"--now-ms", std::to_string(kCandleOpen + 50 * 60'000)});
  const Simulator after({"--now-ms", std::to_string(kCandleOpen + 90 * 60'000)});
  const std::string path =
      klines_path("ETHUSDT", "1h", "&startTime=" + std::to_string(kCandleOpen));
  const auto early_rows = parse_binance_klines(body_of(early, path));
  const auto late_rows = parse_binance_klines(body_of(late, path));
  const auto after_rows = parse_binance_klines(body_of(after, path));
  ASSERT_EQ(early_rows.size(), 1u);
  ASSERT_EQ(late_rows.size(), 1u);
  ASSERT_EQ(after_rows.size(), 2u);
  EXPECT_EQ(early_rows[0].open, late_rows[0].open);
  EXPECT_EQ(early_rows[0].open, after_rows[0].open);
  EXPECT_LT(early_rows[0].volume, late_rows[0].volume);
  EXPECT_LT(late_rows[0].volume, after_rows[0].volume);
  EXPECT_EQ(after_rows[0].close, after_rows[1].open);
}

}  // namespace
}  // namespace cryptopipe::testing
