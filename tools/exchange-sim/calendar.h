// Days of the proleptic Gregorian calendar, for the archives' file names.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "candle_interval.h"

namespace exchange_sim {

// Days from 1970-01-01 to y-m-d (Howard Hinnant's days_from_civil).
inline std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// The start of a file name's date (its digits as the path gives them; a monthly file's day is
// "01"), or nullopt for a month or day no calendar has: the archive routes answer those 404.
inline std::optional<std::int64_t> day_start_ms(const std::string& year, const std::string& month,
                                                const std::string& day) {
  const auto m = static_cast<unsigned>(std::stoi(month));
  const auto d = static_cast<unsigned>(std::stoi(day));
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  return days_from_civil(std::stoi(year), m, d) * kDayMs;
}

// The start of the month after the given one.
inline std::int64_t next_month_start_ms(const std::string& year, const std::string& month) {
  const int y = std::stoi(year);
  const auto m = static_cast<unsigned>(std::stoi(month));
  return days_from_civil(m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1) * kDayMs;
}

}  // namespace exchange_sim
