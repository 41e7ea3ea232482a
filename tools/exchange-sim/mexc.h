// MEXC spot v3 under /mexc: the real base URL https://api.mexc.com maps to
// http://127.0.0.1:PORT/mexc.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct MexcOptions {
  int weight_limit = 500;  // request weight per endpoint per IP per 10 s window
  int ban_seconds = 120;   // the 418 ban of a client that keeps going after 429s (2 min to 3 days)
};

void register_mexc_routes(httplib::Server& server, const SimServices& services,
                          const MexcOptions& options);

}  // namespace exchange_sim
