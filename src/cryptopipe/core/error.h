#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cryptopipe {

// What kind of failure an Error is decides what happens next: retry, stop the exchange,
// fail the asset, or exit with a usage error.
enum class ErrorKind {
  kInvalidInput,  // a bad symbol, timeframe, date or selection given by the user
  kConfig,        // configuration that cannot be read or does not validate
  kRateLimited,   // the exchange asked us to slow down; retry after retry_after()
  kBanned,        // the exchange banned us for a while; do not retry
  kTransient,     // timeouts, connection failures, 5xx: safe to retry
  kPermanent,     // the exchange refused the request for good (4xx other than limits)
  kBadPayload,    // a response or stored object that does not parse or validate
  kStorage,       // the lake or the warehouse failed
  kAlreadyExists, // an immutable object already exists at that key
  kNotFound,      // a lake object or manifest that should exist does not
};

std::string_view to_string(ErrorKind kind);

// The one error type: says what failed (the message names the exchange, symbol, URL, key or
// config entry involved) and why (the kind).
class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message,
        std::optional<std::chrono::milliseconds> retry_after = std::nullopt)
      : std::runtime_error(message), kind_(kind), retry_after_(retry_after) {}

  ErrorKind kind() const { return kind_; }
  // Only for kRateLimited and kBanned: how long the exchange asked us to wait.
  std::optional<std::chrono::milliseconds> retry_after() const { return retry_after_; }
  // Usage and configuration problems exit with 2, everything else with 1.
  bool is_usage_error() const {
    return kind_ == ErrorKind::kInvalidInput || kind_ == ErrorKind::kConfig;
  }

 private:
  ErrorKind kind_;
  std::optional<std::chrono::milliseconds> retry_after_;
};

}  // namespace cryptopipe
