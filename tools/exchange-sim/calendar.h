// Days of the proleptic Gregorian calendar, for the archives' file names.
#pragma once

#include <cstdint>

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

}  // namespace exchange_sim
