// Kraken's public spot REST API under /kraken: the real base URL https://api.kraken.com maps to
// http://127.0.0.1:PORT/kraken (routes /kraken/0/public/...).
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

// Kraken publishes no public budget: `requests_per_window` per `window_ms` over every endpoint,
// per IP, answered past it with HTTP 200 {"error":["EGeneral:Too many requests"]}. With
// lockout_seconds, going over shuts the client out that long with
// {"error":["EGeneral:Temporary lockout"]}.
struct KrakenOptions {
  int requests_per_window = 4;
  std::int64_t window_ms = 2'000;
  int lockout_seconds = 0;
};

void register_kraken_routes(httplib::Server& server, const SimServices& services,
                            const KrakenOptions& options);

}  // namespace exchange_sim
