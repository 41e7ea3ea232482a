#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/aggTrades: symbol, fromId, startTime, endTime (ms, both inclusive, at most an hour
// apart), limit (default 500, clamped to 1000). Aggregate trades oldest first, never after now.
void answer_agg_trades(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock);

}  // namespace exchange_sim::binance
