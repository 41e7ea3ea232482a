#include "cryptopipe/net/retry_policy.h"

#include <algorithm>
#include <string>

namespace cryptopipe::net {

RetryPolicy::RetryPolicy(RetrySettings settings, Clock& clock, std::uint64_t seed)
    : settings_(settings), clock_(clock), random_(seed) {}

std::chrono::milliseconds RetryPolicy::backoff(int attempt) {
  const int doublings = std::clamp(attempt - 1, 0, 30);
  const std::int64_t ceiling =
      std::min<std::int64_t>(settings_.max_delay.count(),
                             settings_.base_delay.count() * (std::int64_t{1} << doublings));
  std::lock_guard lock(mutex_);
  std::uniform_int_distribution<std::int64_t> jitter(ceiling / 2, ceiling);
  return std::chrono::milliseconds(jitter(random_));
}

bool RetryPolicy::is_retryable(const Error& error) {
  return error.kind() == ErrorKind::kTransient || error.kind() == ErrorKind::kRateLimited;
}

std::chrono::milliseconds RetryPolicy::wait_before_retry(int attempt, const Error& error) {
  if (!is_retryable(error)) throw error;
  if (attempt >= settings_.max_attempts) {
    throw Error(error.kind(), std::string(error.what()) + " (gave up after " +
                                  std::to_string(attempt) + " attempts)",
                error.retry_after());
  }
  if (const auto retry_after = error.retry_after()) {
    if (*retry_after > settings_.max_retry_after) {
      throw Error(error.kind(), std::string(error.what()) + " (server asks to wait " +
                                    std::to_string(retry_after->count() / 1000) +
                                    " s, longer than the retry budget)",
                  retry_after);
    }
    return *retry_after;
  }
  return backoff(attempt);
}

}  // namespace cryptopipe::net
