// The candle switches of the fault injector: candles sent twice, out of order, or not at all, on
// every exchange's candle route, each in its own answer format.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "exchange_route.h"
#include "faults.h"

namespace exchange_sim {

// Where an exchange's candle answer keeps its rows, and the unit of a row's first field, the open
// time (an integer or a decimal string).
struct CandleRowsLayout {
  nlohmann::ordered_json::json_pointer rows;  // "" for a top-level array
  std::int64_t open_time_unit_ms = 1;         // 1000 where the open time is in seconds
  // The rows are the first member of the object at `rows` (Kraken keys them by pair name).
  bool rows_under_first_key = false;
  // Rows that are objects (trades) keep their time under this key; empty: rows are arrays whose
  // first field is the time.
  const char* time_key = "";
};

// Wraps a candle route (or a trades route: the same switches, on trade times): on a successful
// answer, leaves out the candles opening in the gap window,
// sends some candles twice (right after themselves) and shuffles the page, as switched on. The
// rest of the answer keeps its fields and their order; an answer with no switch on is untouched.
RouteHandler with_candle_faults(FaultInjector& faults, CandleRowsLayout layout,
                                RouteHandler handler);

}  // namespace exchange_sim
