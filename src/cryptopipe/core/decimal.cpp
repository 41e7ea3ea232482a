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

Decimal Decimal::parse(std::string_view text) {
  if (!is_decimal(text)) {
    throw Error(ErrorKind::kBadPayload, "not an exact decimal: '" + std::string(text) + "'");
  }
  return Decimal(std::string(text));
}

}  // namespace cryptopipe
