#include "fixed_point.h"

#include <cstdio>

namespace exchange_sim {

std::string format_units(std::int64_t units) {
  // Work on the magnitude as unsigned so INT64_MIN cannot overflow on negation.
  const bool negative = units < 0;
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(units) : static_cast<std::uint64_t>(units);
  const auto whole = static_cast<unsigned long long>(magnitude / kUnitsPerWhole);
  const auto fraction = static_cast<unsigned long long>(magnitude % kUnitsPerWhole);
  char text[32];
  std::snprintf(text, sizeof text, "%s%llu.%08llu", negative ? "-" : "", whole, fraction);
  return text;
}

}  // namespace exchange_sim
