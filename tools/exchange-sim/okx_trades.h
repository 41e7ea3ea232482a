#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::okx {

// GET /api/v5/market/history-trades: instId, type (1: after/before are trade ids, the default;
// 2: timestamps in ms), after (older than), before (newer than), limit (default and at most
// 100). Newest first.
void answer_history_trades(const httplib::Request& request, httplib::Response& response,
                           const SimClock& clock);

}  // namespace exchange_sim::okx
