// OKX v5 spot under /okx: the real base URL https://www.okx.com maps to
// http://127.0.0.1:PORT/okx.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

// OKX's public budgets, requests per 2 s per endpoint and IP (docs-v5, each endpoint's "Rate
// Limit" line). Only history-candles' is an option: it is the one extraction runs into.
struct OkxOptions {
  int history_candles_per_window = 20;
};

void register_okx_routes(httplib::Server& server, const SimServices& services,
                         const OkxOptions& options);

}  // namespace exchange_sim
