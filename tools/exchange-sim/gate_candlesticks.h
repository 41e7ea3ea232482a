#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::gate {

// GET /spot/candlesticks: currency_pair, interval (default 30m), from/to in seconds (both
// inclusive), limit (default 100, at most 1000, not together with `from`); rows oldest first,
// nothing older than 10000 candles before the current one.
void answer_candlesticks(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock);

}  // namespace exchange_sim::gate
