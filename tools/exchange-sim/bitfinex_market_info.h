#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::bitfinex {

// GET /v2/tickers?symbols=ALL or a comma list of symbols (required); unknown symbols are left
// out; ALL adds two funding tickers (fUSD, fUST) in their own 17-field layout.
void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);

// GET /v2/ticker/SYMBOL (the route's match): one trading ticker without its symbol, as ccxt's
// fetchTicker asks for it.
void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock);

// GET /v2/book/SYMBOL/PRECISION (the route's matches): len 1, 25 (default) or 100; P0 answers
// [PRICE, COUNT, AMOUNT] levels, R0 [ORDER_ID, PRICE, AMOUNT] orders (one per level); bids
// first, amounts positive, then asks, amounts negative, each side best first.
void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock);

// GET /v2/conf/LABEL[,LABEL...] (the route's match): one entry per label, as ccxt's
// fetchMarkets and fetchCurrencies ask for them; null for a label not simulated.
void answer_conf(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock);

}  // namespace exchange_sim::bitfinex
