// The part of an exchange route that is the same for every exchange: the fault switches and gzip.
#pragma once

#include <httplib.h>

#include <functional>

#include "faults.h"
#include "sim_clock.h"

namespace exchange_sim {

// What every exchange's routes need from the simulator.
struct SimServices {
  const SimClock& clock;
  FaultInjector& faults;
};

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;

// An endpoint that needs nothing but the request and the clock, as market-data endpoints do.
using ClockedAnswer = void (*)(const httplib::Request&, httplib::Response&, const SimClock&);

// How an exchange words the failures the simulator injects, so that they look like the real
// venue's. 502 and 503 come from the proxy in front of any exchange and are worded generically.
struct InjectedFailureWording {
  std::function<void(httplib::Response&, int retry_after_s)> rate_limited;
  std::function<void(httplib::Response&)> internal_error;  // the 500
  // The ban of an exchange that bans (Binance's 418); empty for exchanges that do not.
  std::function<void(httplib::Response&, int ban_s)> banned;
};

// Wraps an exchange's handler with the fault switches: the latency, the injected ban, 429 and 5xx
// answers in place of the handler's, then the cut-short or malformed body on a successful answer.
// Counts a client's request that comes before the Retry-After of its injected 429 is over.
RouteHandler with_faults(FaultInjector& faults, InjectedFailureWording wording,
                         RouteHandler handler);

// Wraps a handler so that its JSON answer is gzipped when the client asks for it; meant to be the
// outermost layer, so that every answer of the route is covered.
RouteHandler with_gzip(RouteHandler handler);

}  // namespace exchange_sim
