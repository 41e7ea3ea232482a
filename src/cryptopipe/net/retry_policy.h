#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <random>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"

namespace cryptopipe::net {

struct RetrySettings {
  int max_attempts = 6;  // the first try included
  std::chrono::milliseconds base_delay{200};
  std::chrono::milliseconds max_delay{10'000};
  // A Retry-After longer than this is not waited out: the call fails at once with the
  // server's wait in the message.
  std::chrono::milliseconds max_retry_after{120'000};
};

// Retries what is safe to retry: Error(kTransient) (connect errors, timeouts, broken
// transfers, 5xx) and Error(kRateLimited) (429). Waits exponential backoff with jitter between
// attempts, or exactly the server's Retry-After when it gave one. Everything else, a ban
// (kBanned) included, propagates at once. Thread safe.
class RetryPolicy {
 public:
  using RetryObserver = std::function<void(int attempt, const Error& error,
                                           std::chrono::milliseconds wait)>;

  RetryPolicy(RetrySettings settings, Clock& clock, std::uint64_t seed = std::random_device{}());

  // The delay before attempt number `attempt + 1` (attempt counts from 1): a random value in
  // [d/2, d] where d = min(max_delay, base_delay * 2^(attempt-1)) ("equal jitter").
  std::chrono::milliseconds backoff(int attempt);

  static bool is_retryable(const Error& error);

  template <typename Fn>
  auto run(Fn&& attempt_fn, const RetryObserver& on_retry = {}) -> decltype(attempt_fn()) {
    for (int attempt = 1;; ++attempt) {
      try {
        return attempt_fn();
      } catch (const Error& error) {
        const std::chrono::milliseconds wait = wait_before_retry(attempt, error);
        if (on_retry) on_retry(attempt, error, wait);
        clock_.sleep_for(wait);
      }
    }
  }

  const RetrySettings& settings() const { return settings_; }

 private:
  // Rethrows the error when it must not be retried (or the attempts are spent).
  std::chrono::milliseconds wait_before_retry(int attempt, const Error& error);

  RetrySettings settings_;
  Clock& clock_;
  std::mutex mutex_;
  std::mt19937_64 random_;
};

}  // namespace cryptopipe::net
