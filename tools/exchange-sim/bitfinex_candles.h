#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::bitfinex {

// GET /v2/candles/trade:TF:SYMBOL/{hist,last} (the route's first match is the key, the second
// the section): limit (default 100, 1 to 10000), start and end in ms (both inclusive on MTS),
// sort (1: oldest first keeping the oldest, else newest first keeping the newest); rows
// [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME] as JSON numbers; `last` is the one newest row, flat.
void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

}  // namespace exchange_sim::bitfinex
