// Fixed-point numbers in integer units of 1e-8, the precision exchanges print prices and sizes in.
#pragma once

#include <cstdint>
#include <string>

namespace exchange_sim {

inline constexpr std::int64_t kUnitsPerWhole = 100'000'000;

// Products of two unit values overflow int64, so they are taken in 128 bits.
__extension__ using Int128 = __int128;

// a * b / divisor rounded toward zero; all operands non-negative.
constexpr std::int64_t mul_div_floor(std::int64_t a, std::int64_t b, std::int64_t divisor) {
  return static_cast<std::int64_t>(Int128{a} * b / divisor);
}

// a * b / divisor rounded half up; all operands non-negative.
constexpr std::int64_t mul_div_round(std::int64_t a, std::int64_t b, std::int64_t divisor) {
  return static_cast<std::int64_t>((Int128{a} * b + divisor / 2) / divisor);
}

// Rounds a non-negative value down to a multiple of step.
constexpr std::int64_t floor_to_multiple(std::int64_t value, std::int64_t step) {
  return value / step * step;
}

// "43519.34000000": always exactly eight decimals, as exchanges send them.
std::string format_units(std::int64_t units);

}  // namespace exchange_sim
