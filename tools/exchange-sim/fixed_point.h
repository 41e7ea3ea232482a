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

// "43519.34000000": always exactly eight decimals, as Binance sends them.
std::string format_units(std::int64_t units);

// A value counted in units of 10^-decimals, e.g. format_scaled(-258, 3) == "-0.258".
std::string format_scaled(std::int64_t scaled, int decimals);

// "43519.3400" -> "43519.34", "43488.00" -> "43488": the shortest exact spelling, as Bybit and
// Gate send numbers.
std::string without_trailing_zeros(std::string decimal);
std::string format_units_trimmed(std::int64_t units);

// The change from `from` to `to` as a share of `from`, in units of 1/scale and rounded half away
// from zero: scale 100'000 gives a percentage with three decimals. `from` must be positive.
std::int64_t scaled_change(std::int64_t from, std::int64_t to, std::int64_t scale);

}  // namespace exchange_sim
