// A per-minute request-weight budget with escalation to a ban, in the style of Binance's IP limits.
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
    int used_weight;               // in the current minute, including this request if admitted
    int retry_after_s;             // when limited or banned
    std::int64_t banned_until_ms;  // when banned
  };

  // 429s answered in one minute before the next over-limit request earns a ban: the third request
  // a client sends after its first 429 is banned.
  static constexpr int kLimitedAnswersBeforeBan = 3;

  RequestWeightLimiter(int weight_limit, std::chrono::seconds ban_duration);

  Verdict admit(int weight, std::int64_t now_ms);
  int weight_limit() const { return weight_limit_; }

 private:
  const int weight_limit_;
  const std::chrono::seconds ban_duration_;

  std::mutex mutex_;
  std::int64_t minute_ = -1;  // the UTC minute the counters below belong to
  int used_weight_ = 0;
  int rejected_ = 0;
  std::int64_t banned_until_ms_ = 0;
};

}  // namespace exchange_sim
