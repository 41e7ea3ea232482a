// Binance spot under /binance: the real base URL https://api.binance.com maps to
// http://127.0.0.1:PORT/binance.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct BinanceOptions {
  int weight_limit = 6000;  // REQUEST_WEIGHT per UTC minute
  int ban_seconds = 120;    // Binance's shortest IP ban
};

void register_binance_routes(httplib::Server& server, const SimServices& services,
                             const BinanceOptions& options);

}  // namespace exchange_sim
