#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cryptopipe {

// Exact decimals travel as their text from the exchange to the warehouse: never through a
// binary float. The accepted form is JSON's number grammar without exponent:
//   -?(0|[1-9][0-9]*)(\.[0-9]+)?
// Leading zeros are tolerated in the integer part ("00.5"), because some exchanges pad.

bool is_decimal(std::string_view text);

// Numeric comparison of two valid decimals without converting them: -1, 0 or 1.
// "1.50" == "1.5", "-0" == "0". Precondition: both satisfy is_decimal().
int compare_decimal(std::string_view a, std::string_view b);

// The plain decimal text of a number in JSON's exponent form ("1.5e-7" → "0.00000015",
// "2E+3" → "2000", "-1.25e1" → "-12.5"), exactly, digits moved rather than computed; nullopt
// when the text is not a JSON number with an exponent, or its exponent is beyond ±400 (no
// market quantity is, and the text would be huge). Venues whose JSON serializer writes small
// or huge numbers this way (JavaScript's does below 1e-6) send such text as prices and volumes.
std::optional<std::string> plain_decimal_from_exponent(std::string_view text);

// A 24 h change sent as a fraction (Bybit's price24hPcnt, Bitget's change24h, MEXC's
// priceChangePercent, Bitfinex's DAILY_CHANGE_RELATIVE) in percent, as RawTicker wants it: the
// decimal text times 100, exactly, by moving the point: "0.025861" -> "2.5861", "-0.0068" ->
// "-0.68", "1.5" -> "150". Empty for text that is not a decimal (an empty field stays empty).
std::string percent_from_fraction(std::string_view fraction);

bool is_negative_decimal(std::string_view text);  // strictly below zero
bool is_zero_decimal(std::string_view text);

// A decimal read once and compared many times, exactly: up to 18 digits it is held as an
// integer mantissa and scale (value = mantissa / 10^scale), and compared with integer
// arithmetic; longer ones fall back to compare_decimal() on the text. Views `text`.
// A fixed-point decimal as a count of 10^-scale units: Parquet's DECIMAL(precision, scale), up
// to 38 digits (10^38 < 2^127).
__extension__ typedef __int128 ScaledDecimal;
inline constexpr int kMaxDecimalPrecision = 38;

// The exact value of a decimal text in units of 10^-scale, or nullopt when the text is not a
// decimal, or its value does not fit DECIMAL(precision, scale) exactly: a non-zero digit past
// the scale (it would have to be rounded) or more than precision - scale integer digits.
// Trailing zeros past the scale are not digits of the value: "1.5000000000000000000" fits
// DECIMAL(10, 2).
std::optional<ScaledDecimal> to_scaled_decimal(std::string_view text, int precision, int scale);

// Appends the shortest text of unscaled / 10^scale: no trailing fractional zeros, no '.' for a
// whole number, no "-0" ("97123.45", "0.001", "12", "-0.5").
void append_scaled_decimal(std::string& out, ScaledDecimal unscaled, int scale);

// The exact product of two decimal texts ("124724" x "0.0001" = "12.4724"), shortest form as
// append_scaled_decimal writes it; nullopt when either is not a decimal or the product needs
// more than 38 digits.
std::optional<std::string> multiply_decimals(std::string_view a, std::string_view b);

class DecimalView {
 public:
  // nullopt unless is_decimal(text).
  static std::optional<DecimalView> parse(std::string_view text);

  std::string_view text() const { return text_; }
  int sign() const;  // -1, 0 or 1
  int compare(const DecimalView& other) const;

 private:
  std::string_view text_;
  bool fits_ = false;
  std::int64_t mantissa_ = 0;
  int scale_ = 0;
};

}  // namespace cryptopipe
