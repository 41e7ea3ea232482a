#pragma once

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

bool is_negative_decimal(std::string_view text);  // strictly below zero
bool is_zero_decimal(std::string_view text);

// A validated decimal value; construct with parse().
class Decimal {
 public:
  // Throws Error(kBadPayload) naming the text when it is not a decimal.
  static Decimal parse(std::string_view text);

  const std::string& text() const { return text_; }
  friend bool operator==(const Decimal& a, const Decimal& b) {
    return compare_decimal(a.text_, b.text_) == 0;
  }
  friend bool operator<(const Decimal& a, const Decimal& b) {
    return compare_decimal(a.text_, b.text_) < 0;
  }

 private:
  explicit Decimal(std::string text) : text_(std::move(text)) {}
  std::string text_;
};

}  // namespace cryptopipe
