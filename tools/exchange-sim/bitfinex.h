// Bitfinex API v2 public REST under /bitfinex: the real base URL https://api-pub.bitfinex.com maps
// to http://127.0.0.1:PORT/bitfinex.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct BitfinexOptions {
  int candle_requests_per_minute = 30;  // the candles endpoint's documented limit
  int book_requests_per_minute = 240;   // the book endpoint's documented limit
  int requests_per_minute = 90;         // tickers, ticker and conf: 90 a minute each
  int block_seconds = 60;               // how long an IP over a limit is answered 429
};

void register_bitfinex_routes(httplib::Server& server, const SimServices& services,
                              const BitfinexOptions& options);

}  // namespace exchange_sim
