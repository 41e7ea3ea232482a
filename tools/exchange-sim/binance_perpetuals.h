#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /fapi/v1/fundingRate (USD-M futures): symbol, startTime, endTime (ms, inclusive), limit
// (default 100, clamped to 1000). Oldest first: with startTime the first `limit` events from
// it, else the latest `limit` up to endTime or now.
void answer_funding_rate(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock);

// GET /futures/data/openInterestHist: symbol, period (5m 15m 30m 1h 2h 4h 6h 12h 1d), limit
// (default 30, clamped to 500), startTime, endTime. Only the latest 30 days: an older startTime
// is -1130. Oldest first, like fundingRate.
void answer_open_interest_hist(const httplib::Request& request, httplib::Response& response,
                               const SimClock& clock);

// GET /fapi/v1/exchangeInfo (USD-M futures): every perpetual, one per USDT market
// (contractType PERPETUAL, status TRADING, marginAsset USDT).
void answer_futures_exchange_info(const httplib::Request& request, httplib::Response& response,
                                  const SimClock& clock);

}  // namespace exchange_sim::binance
