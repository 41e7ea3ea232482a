#pragma once

#include <chrono>
#include <mutex>

#include "cryptopipe/core/time.h"

namespace cryptopipe::net {

// A token bucket counted in request weight: `capacity` weight per `window`, refilled
// continuously. acquire() blocks (on the injected clock) until the weight is available, so
// the exchange's limit is respected before sending; observe_used() corrects the bucket from
// the weight the exchange says was used (e.g. Binance's X-MBX-USED-WEIGHT-1M), which also
// counts other clients sharing our IP. Thread safe.
class RateLimiter {
 public:
  RateLimiter(double capacity, std::chrono::milliseconds window, Clock& clock);

  void acquire(double weight);
  // The server reports `used` of its `capacity` spent in the current window.
  void observe_used(double used);
  // The server reports a budget of its own spent until `until` (ms since the epoch), e.g. a
  // per-endpoint window: acquire() waits until then. A time in the past changes nothing.
  void hold_until(TimestampMs until);

  double available();  // for tests and logs

 private:
  void refill_locked();

  const double capacity_;
  const double refill_per_ms_;
  Clock& clock_;
  std::mutex mutex_;
  double tokens_;
  TimestampMs last_refill_;
  TimestampMs held_until_ = 0;
};

}  // namespace cryptopipe::net
