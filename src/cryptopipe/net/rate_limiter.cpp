#include "cryptopipe/net/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace cryptopipe::net {

RateLimiter::RateLimiter(double capacity, std::chrono::milliseconds window, Clock& clock)
    : capacity_(capacity),
      refill_per_ms_(capacity / static_cast<double>(window.count())),
      clock_(clock),
      tokens_(capacity),
      last_refill_(clock.now_ms()) {}

void RateLimiter::refill_locked() {
  const TimestampMs now = clock_.now_ms();
  if (now > last_refill_) {
    tokens_ = std::min(capacity_, tokens_ + static_cast<double>(now - last_refill_) * refill_per_ms_);
    last_refill_ = now;
  }
}

void RateLimiter::acquire(double weight) {
  const double needed = std::min(weight, capacity_);  // an oversize request waits for a full bucket
  for (;;) {
    std::chrono::milliseconds wait{};
    {
      std::lock_guard lock(mutex_);
      refill_locked();
      if (last_refill_ < held_until_) {
        wait = std::chrono::milliseconds(held_until_ - last_refill_);
      } else if (tokens_ >= needed) {
        tokens_ -= needed;
        return;
      } else {
        wait = std::chrono::milliseconds(
            static_cast<std::int64_t>(std::ceil((needed - tokens_) / refill_per_ms_)));
      }
    }
    clock_.sleep_for(std::max(wait, std::chrono::milliseconds(1)));
  }
}

void RateLimiter::observe_used(double used) {
  std::lock_guard lock(mutex_);
  refill_locked();
  tokens_ = std::min(tokens_, std::max(0.0, capacity_ - used));
}

void RateLimiter::hold_until(TimestampMs until) {
  std::lock_guard lock(mutex_);
  held_until_ = std::max(held_until_, until);
}

double RateLimiter::available() {
  std::lock_guard lock(mutex_);
  refill_locked();
  return tokens_;
}

}  // namespace cryptopipe::net
