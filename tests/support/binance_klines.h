// Reading Binance kline answers in tests, with exact decimals rather than doubles.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cryptopipe::testing {

// One row of GET /api/v3/klines; decimals in integer units of 1e-8.
struct BinanceKline {
  std::int64_t open_time_ms;
  std::int64_t open;
  std::int64_t high;
  std::int64_t low;
  std::int64_t close;
  std::int64_t volume;
  std::int64_t close_time_ms;
  std::int64_t quote_volume;
  std::int64_t trade_count;
  std::int64_t taker_buy_volume;
  std::int64_t taker_buy_quote_volume;
  std::string unused;  // field 11, "0" on Binance
};

// "43519.34000000" -> 4351934000000. Throws std::invalid_argument unless the text is digits, a
// dot and exactly eight decimals.
std::int64_t decimal_units(std::string_view text);

// Parses a klines body, checking each row's shape and JSON types (integers where Binance sends
// integers, eight-decimal strings elsewhere). Throws std::invalid_argument on any mismatch.
std::vector<BinanceKline> parse_binance_klines(const std::string& body);

}  // namespace cryptopipe::testing
