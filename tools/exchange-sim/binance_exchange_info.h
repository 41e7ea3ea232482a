#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/exchangeInfo, optionally narrowed by `symbol` or `symbols` (a JSON array). The
// REQUEST_WEIGHT limit it reports is the simulator's configured one.
void answer_exchange_info(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock, int weight_limit);

}  // namespace exchange_sim::binance
