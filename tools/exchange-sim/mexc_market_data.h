// MEXC spot v3's market-data answers: where they coincide with Binance's (parameter checks,
// error bodies, the klines window, the depth body) they are Binance's code (binance_*.h).
#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::mexc {

// GET /api/v3/klines: intervals 1m 5m 15m 30m 60m 4h 1d 1W 1M; rows [openTime, o, h, l, c, v,
// closeTime, quoteVolume] with closeTime the next candle's open; default 500 rows, at most 500
// served (larger limits clamped); endTime exclusive.
void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

// GET /api/v3/ticker/24hr: one object for `symbol`, every market's otherwise; priceChangePercent
// a fraction, count null.
void answer_ticker_24hr(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock);
int ticker_24hr_weight(const httplib::Request& request);

// GET /api/v3/depth: symbol, limit (default 100, clamped to 5000), with the book's timestamp.
void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);

// GET /api/v3/exchangeInfo (optionally `symbol`): status "1", isSpotTradingAllowed.
void answer_exchange_info(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock);

// GET /api/v3/defaultSymbols: {"code":200,"data":[market ids],"msg":null}.
void answer_default_symbols(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock);

// GET /api/v1/contract/detail, which ccxt's load_markets also asks for (its swap markets): the
// simulator lists no contracts, {"success":true,"code":0,"data":[]}.
void answer_contract_detail(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock);

}  // namespace exchange_sim::mexc
