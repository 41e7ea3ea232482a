#include "candle_interval.h"

#include <chrono>

namespace exchange_sim {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;
using std::chrono::year_month_day;

std::int64_t floor_div(std::int64_t value, std::int64_t divisor) {
  const std::int64_t quotient = value / divisor;
  return (value % divisor != 0 && value < 0) ? quotient - 1 : quotient;
}

std::chrono::year_month first_month_day_containing(std::int64_t t) {
  const year_month_day date{std::chrono::floor<days>(sys_days{} + milliseconds(t))};
  return date.year() / date.month();
}

std::int64_t to_ms(sys_days day) {
  return std::chrono::duration_cast<milliseconds>(day.time_since_epoch()).count();
}

}  // namespace

std::int64_t CandleInterval::open_containing(std::int64_t t) const {
  if (is_calendar_month()) {
    return to_ms(sys_days{first_month_day_containing(t) / 1});
  }
  return floor_div(t - alignment_ms_, length_ms_) * length_ms_ + alignment_ms_;
}

std::int64_t CandleInterval::next_open(std::int64_t open) const {
  if (is_calendar_month()) {
    return to_ms(sys_days{(first_month_day_containing(open) + std::chrono::months{1}) / 1});
  }
  return open + length_ms_;
}

std::int64_t CandleInterval::shifted_open(std::int64_t open, std::int64_t count) const {
  if (is_calendar_month()) {
    return to_ms(sys_days{(first_month_day_containing(open) + std::chrono::months{count}) / 1});
  }
  return open + count * length_ms_;
}

}  // namespace exchange_sim
