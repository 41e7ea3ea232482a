// Bybit v5 spot under /bybit: the real base URL https://api.bybit.com maps to
// http://127.0.0.1:PORT/bybit.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct BybitOptions {
  int requests_per_window = 600;  // Bybit's IP limit: requests per 5 s window
  int ban_seconds = 600;          // how long a client over the limit is shut out with 403
};

void register_bybit_routes(httplib::Server& server, const SimServices& services,
                           const BybitOptions& options);

}  // namespace exchange_sim
