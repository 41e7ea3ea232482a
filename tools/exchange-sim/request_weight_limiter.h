// A request-weight budget per window (a minute by default) with escalation to a ban, in the
// style of Binance's IP limits.
// Exchange-neutral so that other weight-based venues can reuse it.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>

namespace exchange_sim {

class RequestWeightLimiter {
 public:
  enum class Outcome { kAdmitted, kLimited, kBanned };

  struct Verdict {
    Outcome outcome;
    int used_weight;               // in the current window, including this request if admitted
    int retry_after_s;             // when limited or banned
    std::int64_t banned_until_ms;  // when banned
  };

  // 429s answered in one window before the next over-limit request earns a ban: the third request
  // a client sends after its first 429 is banned.
  static constexpr int kLimitedAnswersBeforeBan = 3;

  // Windows are `window_ms` long (a UTC minute by default, MEXC's 10 s) and aligned to the epoch.
  RequestWeightLimiter(int weight_limit, std::chrono::seconds ban_duration,
                       std::int64_t window_ms = 60'000);

  Verdict admit(int weight, std::int64_t now_ms);
  int weight_limit() const { return weight_limit_; }

 private:
  const int weight_limit_;
  const std::chrono::seconds ban_duration_;
  const std::int64_t window_ms_;

  std::mutex mutex_;
  std::int64_t window_ = -1;  // the window the counters below belong to
  int used_weight_ = 0;
  int rejected_ = 0;
  std::int64_t banned_until_ms_ = 0;
};

}  // namespace exchange_sim
