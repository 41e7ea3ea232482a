#include "fixed_point.h"

#include <cstdio>

namespace exchange_sim {
namespace {

constexpr int kUnitDecimals = 8;

}  // namespace

std::string format_scaled(std::int64_t scaled, int decimals) {
  std::uint64_t divisor = 1;
  for (int i = 0; i < decimals; ++i) {
    divisor *= 10;
  }
  // Work on the magnitude as unsigned so INT64_MIN cannot overflow on negation.
  const bool negative = scaled < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(scaled) : static_cast<std::uint64_t>(scaled);
  const auto whole = static_cast<unsigned long long>(magnitude / divisor);
  const auto fraction = static_cast<unsigned long long>(magnitude % divisor);
  char text[48];
  if (decimals == 0) {
    std::snprintf(text, sizeof text, "%s%llu", negative ? "-" : "", whole);
  } else {
    std::snprintf(text, sizeof text, "%s%llu.%0*llu", negative ? "-" : "", whole, decimals,
                  fraction);
  }
  return text;
}

std::string format_units(std::int64_t units) { return format_scaled(units, kUnitDecimals); }

std::string without_trailing_zeros(std::string decimal) {
  if (decimal.find('.') == std::string::npos) {
    return decimal;
  }
  decimal.erase(decimal.find_last_not_of('0') + 1);
  if (decimal.back() == '.') {
    decimal.pop_back();
  }
  return decimal;
}

std::string format_units_trimmed(std::int64_t units) {
  return without_trailing_zeros(format_units(units));
}

std::int64_t scaled_change(std::int64_t from, std::int64_t to, std::int64_t scale) {
  const Int128 numerator = Int128{to - from} * scale;
  const Int128 half = from / 2;
  return static_cast<std::int64_t>(numerator >= 0 ? (numerator + half) / from
                                                  : (numerator - half) / from);
}

}  // namespace exchange_sim
