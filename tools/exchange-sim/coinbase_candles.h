#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::coinbase {

// GET /products/{id}/candles: granularity in seconds (60, 300, 900, 3600, 21600, 86400),
// start and end (ISO 8601 or Unix seconds, both inclusive, ignored unless both are sent), at
// most 300 candles or 400; rows [time s, low, high, open, close, volume] as JSON numbers,
// newest first, the candle still open included.
void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

}  // namespace exchange_sim::coinbase
