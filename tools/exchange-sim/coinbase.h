// Coinbase Exchange's public REST API under /coinbase: the real base URL
// https://api.exchange.coinbase.com maps to http://127.0.0.1:PORT/coinbase.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

// Coinbase's public limit per IP, over every endpoint: a token bucket refilled with
// `requests_per_second` and holding at most `burst` requests.
struct CoinbaseOptions {
  int requests_per_second = 10;
  int burst = 15;
};

void register_coinbase_routes(httplib::Server& server, const SimServices& services,
                              const CoinbaseOptions& options);

}  // namespace exchange_sim
