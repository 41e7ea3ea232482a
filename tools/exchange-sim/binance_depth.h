#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/depth: symbol, limit (default 100, clamped to 5000).
void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);

// Its request weight, which grows with the limit asked for.
int depth_weight(const httplib::Request& request);

}  // namespace exchange_sim::binance
