#include "day_stats.h"

#include <algorithm>
#include <vector>

#include "candle_interval.h"
#include "market_data.h"

namespace exchange_sim {

DayStats day_stats(const Market& market, std::int64_t as_of_ms) {
  constexpr std::size_t kMinutesPerDay = kDayMs / kMinuteMs;
  const CandleWindow window{as_of_ms - kDayMs + 1, as_of_ms, kMinutesPerDay};
  const std::vector<Candle> candles =
      latest_candles(market, CandleInterval::fixed(kMinuteMs), window, as_of_ms);

  DayStats stats{.open_time_ms = as_of_ms - kDayMs, .close_time_ms = as_of_ms};
  if (candles.empty()) {
    return stats;
  }
  stats.open = candles.front().open;
  stats.high = candles.front().high;
  stats.low = candles.front().low;
  stats.last = candles.back().close;
  for (const Candle& candle : candles) {
    stats.high = std::max(stats.high, candle.high);
    stats.low = std::min(stats.low, candle.low);
    stats.volume += candle.volume;
    stats.quote_volume += candle.quote_volume;
    stats.trade_count += candle.trade_count;
  }
  return stats;
}

}  // namespace exchange_sim
