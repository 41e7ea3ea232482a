#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::okx {

// GET /api/v5/market/tickers: instType (SPOT lists every market; the other types nothing).
void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

// GET /api/v5/market/ticker: instId, one market.
void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

// GET /api/v5/market/books: instId, sz 1-400 (default 1, the top of the book).
void answer_books(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);

// GET /api/v5/market/books-full: instId, sz 1-5000 (default 1).
void answer_books_full(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock);

// GET /api/v5/public/instruments: instType (SPOT lists every market; the other types, which
// ccxt's load_markets asks for too, nothing), optionally instId.
void answer_instruments(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock);

// GET /api/v5/public/time: the server's time in ms.
void answer_time(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock);

}  // namespace exchange_sim::okx
