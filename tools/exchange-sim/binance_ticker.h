#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/ticker/24hr, type FULL: one object for `symbol`, an array for `symbols` (a JSON
// array) or for every market when neither is sent.
void answer_ticker_24hr(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock);

// Its request weight, which grows with the number of symbols asked for.
int ticker_24hr_weight(const httplib::Request& request);

}  // namespace exchange_sim::binance
