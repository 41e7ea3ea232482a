#include "request_count_limiter.h"

#include <algorithm>

namespace exchange_sim {

RequestCountLimiter::RequestCountLimiter(int limit, std::int64_t window_ms, std::int64_t lockout_ms)
    : limit_(limit), window_ms_(window_ms), lockout_ms_(lockout_ms) {}

RequestCountLimiter::Verdict RequestCountLimiter::admit(std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  const std::int64_t window_start = now_ms - now_ms % window_ms_;
  if (window_start != window_start_ms_) {
    window_start_ms_ = window_start;
    used_ = 0;
  }
  const std::int64_t window_reset = window_start + window_ms_;
  if (now_ms < locked_until_ms_) {
    return {false, std::max(0, limit_ - used_), window_reset, locked_until_ms_};
  }
  if (used_ < limit_) {
    ++used_;
    return {true, limit_ - used_, window_reset, 0};
  }
  if (lockout_ms_ > 0) {
    locked_until_ms_ = now_ms + lockout_ms_;
    return {false, 0, window_reset, locked_until_ms_};
  }
  return {false, 0, window_reset, window_reset};
}

}  // namespace exchange_sim
