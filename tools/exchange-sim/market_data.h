// Deterministic synthetic candles: the same market, interval and open time give the same candle
// in every run and process. Exchange modules only choose which candles to ask for and how to
// print them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "candle_interval.h"
#include "markets.h"

namespace exchange_sim {

// Prices in units of 1e-8 quote, quantities in units of 1e-8 base.
struct Candle {
  std::int64_t open_time_ms;
  std::int64_t close_time_ms;  // the last millisecond inside the candle
  std::int64_t open;
  std::int64_t high;
  std::int64_t low;
  std::int64_t close;
  std::int64_t volume;
  std::int64_t quote_volume;
  std::int64_t trade_count;
  std::int64_t taker_buy_volume;
  std::int64_t taker_buy_quote_volume;
};

// The market's price at time t, a multiple of its tick size and never below one tick.
std::int64_t price_at(const Market& market, std::int64_t t_ms);

// Tickers and order books change once a second: they describe the market as of the start of the
// second containing now, so that two requests within one second see the same market.
constexpr std::int64_t snapshot_time_ms(std::int64_t now_ms) { return now_ms - now_ms % kSecondMs; }

// The candle opening at open_time_ms as seen at now_ms; a candle still open at now_ms closes at
// the current price and carries only the volume traded so far.
Candle candle_at(const Market& market, const CandleInterval& interval, std::int64_t open_time_ms,
                 std::int64_t now_ms);

// Which candles a query wants: open times within [first_open_ms, last_open_ms].
struct CandleWindow {
  std::int64_t first_open_ms;
  std::int64_t last_open_ms;
  std::size_t limit;
};

// Candles in the window, oldest first, never opening before the listing or after now; when more
// than `limit` qualify these keep the earliest, latest_candles the latest.
std::vector<Candle> earliest_candles(const Market& market, const CandleInterval& interval,
                                     const CandleWindow& window, std::int64_t now_ms);
std::vector<Candle> latest_candles(const Market& market, const CandleInterval& interval,
                                   const CandleWindow& window, std::int64_t now_ms);

}  // namespace exchange_sim
