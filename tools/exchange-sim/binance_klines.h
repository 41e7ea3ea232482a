#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/klines: symbol, interval, startTime, endTime, limit, with Binance's window rules.
void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

}  // namespace exchange_sim::binance
