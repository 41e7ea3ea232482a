// A request-count budget per fixed time window, in the style of Bybit's and Gate's IP limits (as
// opposed to Binance's weights). Exchange-neutral and safe to use from any thread.
#pragma once

#include <cstdint>
#include <mutex>

namespace exchange_sim {

class RequestCountLimiter {
 public:
  struct Verdict {
    bool admitted;
    int remaining;                  // requests left in the current window after this one
    std::int64_t window_reset_ms;   // when the current window ends
    std::int64_t refused_until_ms;  // when refused: when requests are admitted again
  };

  // Windows are `window_ms` long and aligned to multiples of it since the epoch. With a lockout,
  // the first request over the limit shuts every later one out for lockout_ms (Bybit's 403 ban);
  // without one, only until the window ends.
  RequestCountLimiter(int limit, std::int64_t window_ms, std::int64_t lockout_ms = 0);

  Verdict admit(std::int64_t now_ms);
  int limit() const { return limit_; }

 private:
  const int limit_;
  const std::int64_t window_ms_;
  const std::int64_t lockout_ms_;

  std::mutex mutex_;
  std::int64_t window_start_ms_ = -1;
  int used_ = 0;
  std::int64_t locked_until_ms_ = 0;
};

}  // namespace exchange_sim
