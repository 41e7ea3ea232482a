#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::gate {

// GET /spot/tickers: optionally one currency_pair; always an array.
void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

// GET /spot/order_book: currency_pair, limit (default 10, at most 1000), with_id.
void answer_order_book(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock);

// GET /spot/currency_pairs: every market, never paginated.
void answer_currency_pairs(const httplib::Request& request, httplib::Response& response,
                           const SimClock& clock);

}  // namespace exchange_sim::gate
