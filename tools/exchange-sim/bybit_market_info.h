#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::bybit {

// GET /v5/market/tickers: category=spot, optionally one symbol.
void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

// GET /v5/market/orderbook: category=spot, symbol, limit 1-1000 (default 1, the top of the book).
void answer_orderbook(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock);

// GET /v5/market/instruments-info: category=spot, optionally one symbol; never paginated.
void answer_instruments_info(const httplib::Request& request, httplib::Response& response,
                             const SimClock& clock);

}  // namespace exchange_sim::bybit
