#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::gate {

// GET /spot/trades: currency_pair, limit (default 100, 1 to 1000), page (from 1, at most
// 100,000 rows deep), from and to (s, inclusive), or last_id with reverse. Newest first.
void answer_trades(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

}  // namespace exchange_sim::gate
