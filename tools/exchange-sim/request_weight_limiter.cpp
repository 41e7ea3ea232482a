#include "request_weight_limiter.h"

#include <algorithm>

namespace exchange_sim {
namespace {

int whole_seconds_until(std::int64_t from_ms, std::int64_t until_ms) {
  return static_cast<int>((until_ms - from_ms + 999) / 1000);
}

}  // namespace

RequestWeightLimiter::RequestWeightLimiter(int weight_limit, std::chrono::seconds ban_duration,
                                           std::int64_t window_ms)
    : weight_limit_(weight_limit), ban_duration_(ban_duration), window_ms_(window_ms) {}

RequestWeightLimiter::Verdict RequestWeightLimiter::admit(int weight, std::int64_t now_ms) {
  const std::lock_guard lock(mutex_);
  const std::int64_t window = now_ms / window_ms_;
  if (window != window_) {
    window_ = window;
    used_weight_ = 0;
    rejected_ = 0;
  }
  if (now_ms < banned_until_ms_) {
    return {Outcome::kBanned, used_weight_, whole_seconds_until(now_ms, banned_until_ms_),
            banned_until_ms_};
  }
  if (used_weight_ + weight <= weight_limit_) {
    used_weight_ += weight;
    return {Outcome::kAdmitted, used_weight_, 0, 0};
  }
  ++rejected_;
  if (rejected_ > kLimitedAnswersBeforeBan) {
    banned_until_ms_ = now_ms + std::chrono::milliseconds(ban_duration_).count();
    return {Outcome::kBanned, used_weight_, whole_seconds_until(now_ms, banned_until_ms_),
            banned_until_ms_};
  }
  return {Outcome::kLimited, used_weight_,
          std::max(1, whole_seconds_until(now_ms, (window + 1) * window_ms_)), 0};
}

}  // namespace exchange_sim
