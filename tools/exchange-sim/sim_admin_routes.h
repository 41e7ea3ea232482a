// The simulator's own endpoints under /_sim: never delayed, failed or counted.
#pragma once

#include <httplib.h>

#include "faults.h"
#include "request_stats.h"

namespace exchange_sim {

inline constexpr const char* kAdminPrefix = "/_sim/";

// GET/POST /_sim/faults reads or changes the fault switches; GET /_sim/stats returns the request
// counts and the faults served.
void register_admin_routes(httplib::Server& server, FaultInjector& faults,
                           const RequestStats& stats);

}  // namespace exchange_sim
