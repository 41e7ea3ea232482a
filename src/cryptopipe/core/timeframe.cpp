#include "cryptopipe/core/timeframe.h"

#include "cryptopipe/core/error.h"

namespace cryptopipe {
namespace {

constexpr TimestampMs kMillisPerWeek = 7 * kMillisPerDay;
constexpr TimestampMs kFirstMondayAfterEpoch = 4 * kMillisPerDay;  // 1970-01-05

TimestampMs floor_to(TimestampMs ms, TimestampMs step, TimestampMs offset) {
  const TimestampMs shifted = ms - offset;
  TimestampMs q = shifted / step;
  if (shifted % step != 0 && shifted < 0) --q;
  return q * step + offset;
}

}  // namespace

const std::vector<Timeframe>& Timeframe::all() {
  static const std::vector<Timeframe> kAll = {
      {"1m", kMillisPerMinute},      {"3m", 3 * kMillisPerMinute},  {"5m", 5 * kMillisPerMinute},
      {"15m", 15 * kMillisPerMinute}, {"30m", 30 * kMillisPerMinute}, {"1h", kMillisPerHour},
      {"2h", 2 * kMillisPerHour},    {"4h", 4 * kMillisPerHour},    {"6h", 6 * kMillisPerHour},
      {"8h", 8 * kMillisPerHour},    {"12h", 12 * kMillisPerHour},  {"1d", kMillisPerDay},
      {"1w", kMillisPerWeek},
  };
  return kAll;
}

Timeframe Timeframe::parse(std::string_view text) {
  for (const Timeframe& tf : all()) {
    if (tf.name_ == text) return tf;
  }
  std::string supported;
  for (const Timeframe& tf : all()) {
    if (!supported.empty()) supported += ' ';
    supported += tf.name_;
  }
  throw Error(ErrorKind::kInvalidInput,
              "bad timeframe '" + std::string(text) + "': supported are " + supported);
}

TimestampMs Timeframe::align(TimestampMs ms) const {
  return floor_to(ms, duration_ms_, duration_ms_ == kMillisPerWeek ? kFirstMondayAfterEpoch : 0);
}

}  // namespace cryptopipe
