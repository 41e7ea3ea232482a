#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::bybit {

// GET /v5/market/kline: category=spot, symbol, interval, start, end, limit; rows newest first.
void answer_kline(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);

}  // namespace exchange_sim::bybit
