// Fixed integer hashing. Market data must be identical across runs, processes and standard
// libraries, which rules out std::hash and the <random> distributions.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string_view>

namespace exchange_sim {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// FNV-1a: a stable hash of a symbol's bytes.
constexpr std::uint64_t hash_text(std::string_view text) {
  std::uint64_t hash = 0xCBF29CE484222325ull;
  for (const char c : text) {
    hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ull;
  }
  return hash;
}

// Chains several integers into one well-mixed value; the order of the parts matters.
constexpr std::uint64_t hash_parts(std::initializer_list<std::uint64_t> parts) {
  std::uint64_t hash = 0;
  for (const std::uint64_t part : parts) {
    hash = splitmix64(hash ^ part);
  }
  return hash;
}

// A value in [0, bound] drawn from a hash.
constexpr std::int64_t hash_below_or_equal(std::uint64_t hash, std::int64_t bound) {
  return static_cast<std::int64_t>(hash % (static_cast<std::uint64_t>(bound) + 1));
}

}  // namespace exchange_sim
