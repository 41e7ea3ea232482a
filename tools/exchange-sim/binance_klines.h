#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

#include "candle_interval.h"
#include "market_data.h"
#include "sim_clock.h"

namespace exchange_sim::binance {

// What a venue modelled on Binance's klines (MEXC) does its own way; the parameter checks,
// their error answers and the window rules are Binance's.
struct KlinesDialect {
  std::optional<CandleInterval> (*interval_from_token)(const std::string& token);
  void (*append_row)(std::string& out, const Candle& candle);  // one row of the array
  std::int64_t default_limit;
  std::int64_t max_limit;      // larger limits are clamped to it
  bool end_time_exclusive;     // MEXC: candles open before endTime; Binance: at or before
};

// GET /api/v3/klines in `dialect`.
void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock, const KlinesDialect& dialect);

// GET /api/v3/klines: symbol, interval, startTime, endTime, limit, with Binance's window rules.
void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

}  // namespace exchange_sim::binance
