#include "cryptopipe/core/decimal.h"

#include <array>
#include <string>

namespace cryptopipe {
namespace {

struct DecimalParts {
  bool negative = false;
  std::string_view integer;   // without leading zeros, may be empty (meaning 0)
  std::string_view fraction;  // without trailing zeros, may be empty
};

DecimalParts split(std::string_view text) {
  DecimalParts parts;
  if (!text.empty() && text.front() == '-') {
    parts.negative = true;
    text.remove_prefix(1);
  }
  const auto dot = text.find('.');
  parts.integer = text.substr(0, dot);
  parts.fraction = dot == std::string_view::npos ? std::string_view{} : text.substr(dot + 1);
  while (!parts.integer.empty() && parts.integer.front() == '0') parts.integer.remove_prefix(1);
  while (!parts.fraction.empty() && parts.fraction.back() == '0') parts.fraction.remove_suffix(1);
  if (parts.integer.empty() && parts.fraction.empty()) parts.negative = false;  // -0 is 0
  return parts;
}

int compare_magnitude(const DecimalParts& a, const DecimalParts& b) {
  if (a.integer.size() != b.integer.size()) return a.integer.size() < b.integer.size() ? -1 : 1;
  if (const int c = a.integer.compare(b.integer); c != 0) return c < 0 ? -1 : 1;
  if (const int c = a.fraction.compare(b.fraction); c != 0) return c < 0 ? -1 : 1;
  return 0;
}

}  // namespace

std::optional<ScaledDecimal> to_scaled_decimal(std::string_view text, int precision, int scale) {
  // One pass over the text, the grammar checked on the way (this runs for every decimal of
  // every silver row). Digits gather in 64 bits, 18 at a time, then join the 128-bit value.
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  const char* const integer_start = p;
  while (p != end && *p == '0') ++p;
  const char* const significant = p;
  while (p != end && *p >= '0' && *p <= '9') ++p;
  if (p == integer_start) return std::nullopt;  // no integer digit
  const std::string_view integer(significant, static_cast<std::size_t>(p - significant));
  std::string_view fraction;
  if (p != end) {
    if (*p != '.') return std::nullopt;
    const char* const fraction_start = ++p;
    while (p != end && *p >= '0' && *p <= '9') ++p;
    if (p != end || p == fraction_start) return std::nullopt;
    fraction = std::string_view(fraction_start, static_cast<std::size_t>(p - fraction_start));
    while (!fraction.empty() && fraction.back() == '0') fraction.remove_suffix(1);
  }
  if (integer.size() > static_cast<std::size_t>(precision - scale) ||
      fraction.size() > static_cast<std::size_t>(scale)) {
    return std::nullopt;
  }
  // The significant digits (at most 38), then one multiplication for the scale's padding.
  static const auto kPowers = [] {
    std::array<ScaledDecimal, kMaxDecimalPrecision + 1> powers{};
    powers[0] = 1;
    for (std::size_t i = 1; i < powers.size(); ++i) powers[i] = powers[i - 1] * 10;
    return powers;
  }();
  ScaledDecimal value = 0;
  std::uint64_t chunk = 0;
  std::size_t chunk_digits = 0;
  const auto push = [&](char c) {
    chunk = chunk * 10 + static_cast<std::uint64_t>(c - '0');
    if (++chunk_digits == 18) {
      value = value * kPowers[18] + chunk;
      chunk = 0;
      chunk_digits = 0;
    }
  };
  for (const char c : integer) push(c);
  for (const char c : fraction) push(c);
  value = (value * kPowers[chunk_digits] + chunk) *
          kPowers[static_cast<std::size_t>(scale) - fraction.size()];
  return negative ? -value : value;
}

void append_scaled_decimal(std::string& out, ScaledDecimal unscaled, int scale) {
  __extension__ typedef unsigned __int128 Magnitude;
  constexpr std::uint64_t kTen19 = 10'000'000'000'000'000'000ULL;
  const bool negative = unscaled < 0;
  Magnitude magnitude = negative ? -static_cast<Magnitude>(unscaled) : static_cast<Magnitude>(unscaled);
  // Digits from the last, 19 at a time through 64-bit arithmetic: one 128-bit division per
  // 19 digits instead of one per digit.
  std::array<char, 2 * kMaxDecimalPrecision> digits{};
  std::size_t count = 0;
  while (magnitude >= kTen19) {
    std::uint64_t chunk = static_cast<std::uint64_t>(magnitude % kTen19);
    magnitude /= kTen19;
    for (int i = 0; i < 19; ++i, chunk /= 10) digits[count++] = static_cast<char>('0' + chunk % 10);
  }
  for (std::uint64_t rest = static_cast<std::uint64_t>(magnitude); rest != 0; rest /= 10) {
    digits[count++] = static_cast<char>('0' + rest % 10);
  }
  const auto fraction = static_cast<std::size_t>(scale);
  std::size_t first_kept = 0;  // trailing fractional zeros are dropped
  while (first_kept < fraction && first_kept < count && digits[first_kept] == '0') ++first_kept;
  if (count == 0) {
    out += '0';
    return;
  }
  if (negative) out += '-';
  if (count <= fraction) {
    out += '0';
  } else {
    for (std::size_t i = count; i > fraction; --i) out += digits[i - 1];
  }
  if (first_kept < fraction) {
    out += '.';
    for (std::size_t i = fraction; i > count; --i) out += '0';
    for (std::size_t i = std::min(count, fraction); i > first_kept; --i) out += digits[i - 1];
  }
}

bool is_decimal(std::string_view text) { return DecimalView::parse(text).has_value(); }

int compare_decimal(std::string_view a, std::string_view b) {
  const DecimalParts pa = split(a);
  const DecimalParts pb = split(b);
  if (pa.negative != pb.negative) return pa.negative ? -1 : 1;
  const int magnitude = compare_magnitude(pa, pb);
  return pa.negative ? -magnitude : magnitude;
}

std::optional<std::string> plain_decimal_from_exponent(std::string_view text) {
  constexpr int kMaxExponent = 400;
  const std::size_t e = text.find_first_of("eE");
  if (e == std::string_view::npos) return std::nullopt;
  const std::string_view mantissa = text.substr(0, e);
  std::string_view exponent_text = text.substr(e + 1);
  if (!is_decimal(mantissa)) return std::nullopt;
  bool negative_exponent = false;
  if (!exponent_text.empty() && (exponent_text.front() == '+' || exponent_text.front() == '-')) {
    negative_exponent = exponent_text.front() == '-';
    exponent_text.remove_prefix(1);
  }
  if (exponent_text.empty() || exponent_text.size() > 3) return std::nullopt;
  int exponent = 0;
  for (const char c : exponent_text) {
    if (c < '0' || c > '9') return std::nullopt;
    exponent = exponent * 10 + (c - '0');
  }
  if (exponent > kMaxExponent) return std::nullopt;
  if (negative_exponent) exponent = -exponent;

  const bool negative = mantissa.front() == '-';
  const std::string_view unsigned_mantissa = negative ? mantissa.substr(1) : mantissa;
  const std::size_t dot = unsigned_mantissa.find('.');
  std::string digits(unsigned_mantissa.substr(0, dot));
  if (dot != std::string_view::npos) digits += unsigned_mantissa.substr(dot + 1);
  // The point sits after `point` digits of `digits`; the exponent moves it.
  long point = static_cast<long>(dot == std::string_view::npos ? unsigned_mantissa.size() : dot) +
               exponent;
  if (point <= 0) {
    digits.insert(0, static_cast<std::size_t>(1 - point), '0');
    point = 1;
  } else if (static_cast<std::size_t>(point) > digits.size()) {
    digits.append(static_cast<std::size_t>(point) - digits.size(), '0');
  }
  std::string plain = negative ? "-" : "";
  plain.append(digits, 0, static_cast<std::size_t>(point));
  if (static_cast<std::size_t>(point) < digits.size()) {
    plain.append(".").append(digits, static_cast<std::size_t>(point));
  }
  return plain;
}

std::string percent_from_fraction(std::string_view fraction) {
  if (!is_decimal(fraction)) return {};
  const bool negative = fraction.front() == '-';
  if (negative) fraction.remove_prefix(1);
  const std::size_t point = fraction.find('.');
  std::string digits(fraction.substr(0, point));
  std::string_view decimals = point == std::string_view::npos ? "" : fraction.substr(point + 1);
  // Times 100 is the point moved two places right: the first two decimals (zeros where there
  // are fewer) join the whole part, and the rest stay decimals, trailing zeros included.
  for (int shifted = 0; shifted < 2; ++shifted) {
    digits += decimals.empty() ? '0' : decimals.front();
    if (!decimals.empty()) decimals.remove_prefix(1);
  }
  const std::size_t first_digit = std::min(digits.find_first_not_of('0'), digits.size() - 1);
  std::string percent = negative ? "-" : "";
  percent.append(digits, first_digit);
  if (!decimals.empty()) percent.append(".").append(decimals);
  if (negative && is_zero_decimal(percent)) percent.erase(0, 1);  // "-0.00" is just 0 %
  return percent;
}

bool is_negative_decimal(std::string_view text) { return split(text).negative; }

bool is_zero_decimal(std::string_view text) {
  const DecimalParts parts = split(text);
  return parts.integer.empty() && parts.fraction.empty();
}

std::optional<DecimalView> DecimalView::parse(std::string_view text) {
  constexpr std::size_t kMaxExactDigits = 18;  // 10^18 < 2^63
  const char* p = text.data();
  const char* const end = p + text.size();
  const bool negative = p != end && *p == '-';
  if (negative) ++p;
  // Unsigned arithmetic wraps harmlessly past 18 digits; such values fall back to the text.
  std::uint64_t mantissa = 0;
  const auto read_digits = [&] {
    const char* const start = p;
    for (; p != end && static_cast<unsigned char>(*p - '0') < 10; ++p) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(*p - '0');
    }
    return static_cast<std::size_t>(p - start);
  };
  const std::size_t integer_digits = read_digits();
  if (integer_digits == 0) return std::nullopt;
  std::size_t scale = 0;
  if (p != end) {
    if (*p != '.') return std::nullopt;
    ++p;
    scale = read_digits();
    if (scale == 0 || p != end) return std::nullopt;
  }
  DecimalView view;
  view.text_ = text;
  view.fits_ = integer_digits + scale <= kMaxExactDigits;
  if (view.fits_) {
    const auto magnitude = static_cast<std::int64_t>(mantissa);
    view.mantissa_ = negative ? -magnitude : magnitude;
  }
  view.scale_ = static_cast<int>(scale);
  return view;
}

int DecimalView::sign() const {
  if (!fits_) return is_zero_decimal(text_) ? 0 : (is_negative_decimal(text_) ? -1 : 1);
  return (mantissa_ > 0) - (mantissa_ < 0);
}

int DecimalView::compare(const DecimalView& other) const {
  if (!fits_ || !other.fits_) return compare_decimal(text_, other.text_);
  static constexpr std::int64_t kPowersOfTen[] = {1,
                                                  10,
                                                  100,
                                                  1000,
                                                  10000,
                                                  100000,
                                                  1000000,
                                                  10000000,
                                                  100000000,
                                                  1000000000,
                                                  10000000000,
                                                  100000000000,
                                                  1000000000000,
                                                  10000000000000,
                                                  100000000000000,
                                                  1000000000000000,
                                                  10000000000000000,
                                                  100000000000000000,
                                                  1000000000000000000};
  __extension__ using Wide = __int128;  // 10^18 * 10^18 < 2^127
  Wide a = mantissa_;
  Wide b = other.mantissa_;
  if (scale_ < other.scale_) a *= kPowersOfTen[other.scale_ - scale_];
  if (other.scale_ < scale_) b *= kPowersOfTen[scale_ - other.scale_];
  return (a > b) - (a < b);
}

std::optional<std::string> multiply_decimals(std::string_view a, std::string_view b) {
  const auto scaled = [](std::string_view text) -> std::optional<std::pair<ScaledDecimal, int>> {
    const auto dot = text.find('.');
    const int scale = dot == std::string_view::npos ? 0 : static_cast<int>(text.size() - dot - 1);
    if (scale > kMaxDecimalPrecision) return std::nullopt;
    const auto value = to_scaled_decimal(text, kMaxDecimalPrecision, scale);
    if (!value) return std::nullopt;
    return std::pair{*value, scale};
  };
  const auto x = scaled(a);
  const auto y = scaled(b);
  ScaledDecimal product = 0;
  if (!x || !y || x->second + y->second > kMaxDecimalPrecision ||
      __builtin_mul_overflow(x->first, y->first, &product)) {
    return std::nullopt;
  }
  std::string out;
  append_scaled_decimal(out, product, x->second + y->second);
  return out;
}

}  // namespace cryptopipe
