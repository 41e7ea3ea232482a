// KuCoin spot under /kucoin: the real base URL https://api.kucoin.com maps to
// http://127.0.0.1:PORT/kucoin.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

// KuCoin's public resource pool: weight per 30 s per IP (docs/exchanges/kucoin.md). Past it
// KuCoin answers HTTP 429 with code 429000 until the window ends; it documents no ban.
struct KuCoinOptions {
  int public_pool_weight = 2000;
};

void register_kucoin_routes(httplib::Server& server, const SimServices& services,
                            const KuCoinOptions& options);

}  // namespace exchange_sim
