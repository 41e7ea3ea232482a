#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::bybit {

// GET /v5/market/funding/history: category (linear; inverse has no market here, spot is a
// params error), symbol, startTime (only with endTime), endTime (ms), limit [1, 200] default
// 200. Newest first: the newest `limit` events up to endTime or now.
void answer_funding_history(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock);

// GET /v5/market/open-interest: category, symbol, intervalTime (5min 15min 30min 1h 4h 1d),
// startTime, endTime, limit [1, 200] default 50, cursor. Newest first; nextPageCursor goes on
// to older samples, "" at the end.
void answer_open_interest(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock);

// GET /v5/market/instruments-info?category=linear: the linear perpetuals (one per USDT market),
// or the one `symbol` names; a single page (nextPageCursor "") since there are fewer than the
// default limit of 500.
void answer_linear_instruments(const httplib::Request& request, httplib::Response& response,
                               const SimClock& clock);

}  // namespace exchange_sim::bybit
