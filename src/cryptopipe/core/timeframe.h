#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/time.h"

namespace cryptopipe {

// A candle interval in the engine's canonical spelling: 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h
// 1d 1w. Each exchange maps it to its own token.
class Timeframe {
 public:
  // Throws Error(kInvalidInput) naming the text and listing the supported timeframes.
  static Timeframe parse(std::string_view text);
  static const std::vector<Timeframe>& all();

  std::string_view name() const { return name_; }
  TimestampMs duration_ms() const { return duration_ms_; }

  // The open time of the candle containing ms. Weekly candles open on Monday 00:00 UTC, as
  // exchanges bucket them (the epoch was a Thursday).
  TimestampMs align(TimestampMs ms) const;
  bool is_aligned(TimestampMs ms) const { return align(ms) == ms; }

  friend bool operator==(const Timeframe& a, const Timeframe& b) { return a.name_ == b.name_; }

 private:
  Timeframe(std::string_view name, TimestampMs duration) : name_(name), duration_ms_(duration) {}
  std::string_view name_;
  TimestampMs duration_ms_;
};

}  // namespace cryptopipe
