#pragma once

#include <chrono>
#include <climits>
#include <cstdint>
#include <string>
#include <string_view>

namespace cryptopipe {

// Milliseconds since the Unix epoch, UTC. Every timestamp in the engine has this unit.
using TimestampMs = std::int64_t;

inline constexpr TimestampMs kMillisPerSecond = 1000;
inline constexpr TimestampMs kMillisPerMinute = 60 * kMillisPerSecond;
inline constexpr TimestampMs kMillisPerHour = 60 * kMillisPerMinute;
inline constexpr TimestampMs kMillisPerDay = 24 * kMillisPerHour;

// A UTC calendar day: the partition unit. Covers [start_ms(), end_ms()).
class UtcDay {
 public:
  // Accepts exactly YYYY-MM-DD of a real calendar day; throws Error(kInvalidInput) otherwise.
  static UtcDay parse(std::string_view text);
  static UtcDay containing(TimestampMs ms);

  TimestampMs start_ms() const { return days_since_epoch_ * kMillisPerDay; }
  TimestampMs end_ms() const { return start_ms() + kMillisPerDay; }
  UtcDay next() const { return UtcDay(days_since_epoch_ + 1); }
  UtcDay previous() const { return UtcDay(days_since_epoch_ - 1); }
  // The first day of its calendar month, and of the month after.
  UtcDay first_of_month() const;
  UtcDay first_of_next_month() const;
  std::string to_string() const;  // YYYY-MM-DD

  friend auto operator<=>(const UtcDay&, const UtcDay&) = default;

 private:
  explicit UtcDay(std::int64_t days) : days_since_epoch_(days) {}
  std::int64_t days_since_epoch_;
};

// 2026-11-25T00:00:00.000Z
std::string format_iso8601(TimestampMs ms);
// 20261125T000000123Z: sorts lexicographically in time order, safe in object keys.
std::string format_compact_utc(TimestampMs ms);

// Appends format_iso8601(ms) to `out`, fast: the date part is computed once per day and
// reused, which matters when formatting millions of candle times. Not thread safe.
class Iso8601Appender {
 public:
  void append(std::string& out, TimestampMs ms);

 private:
  std::int64_t cached_day_ = INT64_MIN;
  std::string date_prefix_;  // YYYY-MM-DDT
};

// The wall clock behind an interface so that closed-candle decisions, retries and rate limits
// are tested with a fake clock. Implementations are thread safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimestampMs now_ms() const = 0;
  virtual void sleep_for(std::chrono::milliseconds duration) = 0;
};

class SystemClock final : public Clock {
 public:
  TimestampMs now_ms() const override;
  void sleep_for(std::chrono::milliseconds duration) override;
};

}  // namespace cryptopipe
