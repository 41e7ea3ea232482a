#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::okx {

// GET /api/v5/market/candles: instId, bar, after, before, limit (1-300, default 100); only the
// latest 1440 bars. Rows newest first.
void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

// GET /api/v5/market/history-candles: the same parameters and limits, every age since the
// listing.
void answer_history_candles(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock);

}  // namespace exchange_sim::okx
