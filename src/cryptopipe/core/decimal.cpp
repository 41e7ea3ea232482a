#include "cryptopipe/core/decimal.h"

#include "cryptopipe/core/error.h"

namespace cryptopipe {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

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

bool is_decimal(std::string_view text) {
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') ++i;
  const std::size_t integer_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  if (i == integer_start) return false;
  if (i == text.size()) return true;
  if (text[i] != '.') return false;
  ++i;
  const std::size_t fraction_start = i;
  while (i < text.size() && is_digit(text[i])) ++i;
  return i > fraction_start && i == text.size();
}

int compare_decimal(std::string_view a, std::string_view b) {
  const DecimalParts pa = split(a);
  const DecimalParts pb = split(b);
  if (pa.negative != pb.negative) return pa.negative ? -1 : 1;
  const int magnitude = compare_magnitude(pa, pb);
  return pa.negative ? -magnitude : magnitude;
}

bool is_negative_decimal(std::string_view text) { return split(text).negative; }

bool is_zero_decimal(std::string_view text) {
  const DecimalParts parts = split(text);
  return parts.integer.empty() && parts.fraction.empty();
}

std::optional<DecimalView> DecimalView::parse(std::string_view text) {
  constexpr int kMaxExactDigits = 18;  // 10^18 < 2^63
  DecimalView view;
  view.text_ = text;
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  const std::size_t integer_start = i;
  std::int64_t mantissa = 0;
  int digits = 0;
  for (; i < text.size() && is_digit(text[i]); ++i, ++digits) {
    mantissa = digits < kMaxExactDigits ? mantissa * 10 + (text[i] - '0') : 0;
  }
  if (i == integer_start) return std::nullopt;
  int scale = 0;
  if (i < text.size()) {
    if (text[i] != '.') return std::nullopt;
    const std::size_t fraction_start = ++i;
    for (; i < text.size() && is_digit(text[i]); ++i, ++digits, ++scale) {
      mantissa = digits < kMaxExactDigits ? mantissa * 10 + (text[i] - '0') : 0;
    }
    if (i == fraction_start || i != text.size()) return std::nullopt;
  }
  view.fits_ = digits <= kMaxExactDigits;
  view.mantissa_ = negative ? -mantissa : mantissa;
  view.scale_ = scale;
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

Decimal Decimal::parse(std::string_view text) {
  if (!is_decimal(text)) {
    throw Error(ErrorKind::kBadPayload, "not an exact decimal: '" + std::string(text) + "'");
  }
  return Decimal(std::string(text));
}

}  // namespace cryptopipe
