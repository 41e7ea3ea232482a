// The trailing 24 hours of a market as tickers report them, built from the very 1m candles the
// candle endpoints serve, so that a client can check one against the other.
#pragma once

#include <cstdint>

#include "markets.h"

namespace exchange_sim {

// Prices in units of 1e-8 quote, quantities in units of 1e-8 base.
struct DayStats {
  std::int64_t open_time_ms;   // as_of_ms - 24 h
  std::int64_t close_time_ms;  // as_of_ms
  std::int64_t open;           // the first candle's open; every field below is 0 without candles
  std::int64_t high;
  std::int64_t low;
  std::int64_t last;  // the price at as_of_ms: the close of the candle still open
  std::int64_t volume;
  std::int64_t quote_volume;
  std::int64_t trade_count;
};

// Aggregates the 1m candles opening in (as_of - 24 h, as_of] as seen at as_of: 1440 of them, or
// fewer for a market listed within the day.
DayStats day_stats(const Market& market, std::int64_t as_of_ms);

}  // namespace exchange_sim
