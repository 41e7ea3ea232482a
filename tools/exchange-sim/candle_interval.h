#pragma once

#include <cstdint>

namespace exchange_sim {

// A candle width and where its candles start. Fixed widths are counted from an alignment point
// (the Unix epoch, or a Monday for weeks); calendar months start on the 1st at 00:00 UTC.
// Exchange modules map their own tokens ("1h", "60", "1H") onto these.
class CandleInterval {
 public:
  static constexpr CandleInterval fixed(std::int64_t length_ms, std::int64_t alignment_ms = 0) {
    return CandleInterval(length_ms, alignment_ms);
  }
  static constexpr CandleInterval calendar_month() { return CandleInterval(0, 0); }

  // The open time of the candle that contains t.
  std::int64_t open_containing(std::int64_t t) const;
  std::int64_t next_open(std::int64_t open) const;
  std::int64_t previous_open(std::int64_t open) const { return open_containing(open - 1); }
  // The open time `count` candles after `open`, or before it when count is negative.
  std::int64_t shifted_open(std::int64_t open, std::int64_t count) const;

  // Distinguishes intervals when seeding per-candle hashes.
  std::int64_t hash_key() const { return is_calendar_month() ? -1 : length_ms_; }

 private:
  constexpr CandleInterval(std::int64_t length_ms, std::int64_t alignment_ms)
      : length_ms_(length_ms), alignment_ms_(alignment_ms) {}

  bool is_calendar_month() const { return length_ms_ == 0; }

  std::int64_t length_ms_;
  std::int64_t alignment_ms_;
};

inline constexpr std::int64_t kSecondMs = 1000;
inline constexpr std::int64_t kMinuteMs = 60 * kSecondMs;
inline constexpr std::int64_t kHourMs = 60 * kMinuteMs;
inline constexpr std::int64_t kDayMs = 24 * kHourMs;
inline constexpr std::int64_t kWeekMs = 7 * kDayMs;
// 1970-01-01 was a Thursday, so the first Monday 00:00 UTC is four days after the epoch.
inline constexpr std::int64_t kFirstMondayMs = 4 * kDayMs;

}  // namespace exchange_sim
