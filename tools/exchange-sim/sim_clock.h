#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace exchange_sim {

// The simulator's single notion of "now": wall-clock UTC, or frozen by --now-ms so that tests see
// the same open candle, server time and rate-limit minute on every run.
class SimClock {
 public:
  explicit SimClock(std::optional<std::int64_t> frozen_now_ms) : frozen_now_ms_(frozen_now_ms) {}

  std::int64_t now_ms() const {
    if (frozen_now_ms_) {
      return *frozen_now_ms_;
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  std::optional<std::int64_t> frozen_now_ms_;
};

}  // namespace exchange_sim
