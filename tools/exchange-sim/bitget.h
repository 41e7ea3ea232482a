// Bitget v2 spot under /bitget: the real base URL https://api.bitget.com maps to
// http://127.0.0.1:PORT/bitget.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct BitgetOptions {
  // "Frequency limit: 20 times/1s (IP)", counted per endpoint; past it HTTP 429 until the
  // second ends (Bitget documents no ban for public endpoints).
  int requests_per_second = 20;
};

void register_bitget_routes(httplib::Server& server, const SimServices& services,
                            const BitgetOptions& options);

}  // namespace exchange_sim
