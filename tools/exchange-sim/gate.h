// Gate.io API v4 spot under /gateio: the real base URL https://api.gateio.ws/api/v4 maps to
// http://127.0.0.1:PORT/gateio.
#pragma once

#include <httplib.h>

#include "exchange_route.h"

namespace exchange_sim {

struct GateOptions {
  int requests_per_window = 200;  // Gate's public limit: requests per 10 s, per endpoint
};

void register_gate_routes(httplib::Server& server, const SimServices& services,
                          const GateOptions& options);

}  // namespace exchange_sim
