#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe {
namespace {

// Decimal text built from random digits: short and long (beyond 18 digits), with and without
// fractions, leading zeros, trailing zeros and signs.
std::string random_decimal(std::mt19937_64& random) {
  std::uniform_int_distribution<int> coin(0, 3), digit(0, 9), length(1, 24);
  std::string text;
  if (coin(random) == 0) text += '-';
  const int integer_digits = length(random) % (coin(random) == 0 ? 24 : 8) + 1;
  for (int i = 0; i < integer_digits; ++i) text += static_cast<char>('0' + digit(random));
  if (coin(random) != 0) {
    text += '.';
    const int fraction_digits = length(random) % (coin(random) == 0 ? 24 : 10) + 1;
    for (int i = 0; i < fraction_digits; ++i) text += static_cast<char>('0' + digit(random));
  }
  return text;
}

int sign_of(std::string_view text) {
  if (is_zero_decimal(text)) return 0;
  return is_negative_decimal(text) ? -1 : 1;
}

TEST(DecimalView, ParsesExactlyWhatIsDecimal) {
  for (const char* text : {"0", "-0", "1", "43519.34000000", "0.00000001", "00.5",
                           "123456789012345678", "1234567890123456789", "-999999999999999999.9",
                           "0.000000000000000000000000000001"}) {
    const auto view = DecimalView::parse(text);
    ASSERT_TRUE(view.has_value()) << text;
    EXPECT_EQ(view->text(), text);
  }
  for (const char* text : {"", "-", ".", "1.", ".5", "+1", "1e5", "NaN", " 1", "1 ", "1,5",
                           "1.2.3", "--1", "0x10"}) {
    EXPECT_FALSE(DecimalView::parse(text).has_value()) << "'" << text << "'";
  }
}

TEST(DecimalView, SignMatchesTheTextRules) {
  for (const char* text : {"0", "-0", "-0.000", "0.0001", "-0.0001", "5", "-5",
                           "0.0000000000000000000000001", "-0.0000000000000000000000001",
                           "-000000000000000000000000.000000000000000000000"}) {
    EXPECT_EQ(DecimalView::parse(text)->sign(), sign_of(text)) << text;
  }
}

TEST(DecimalView, ComparesLikeCompareDecimal) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"1.50", "1.5"},
      {"-0", "0.000"},
      {"9.99999999", "10"},
      {"999999999999999999", "1000000000000000000"},                 // 18 and 19 digits
      {"0.999999999999999999", "1"},                                 // 18 fraction digits
      {"123456789012345678", "123456789012345678.0000000000000001"},  // fits vs long
      {"-0.000000000000000001", "0"},
      {"100000000000000000", "0.00000000000000001"},                  // scales 0 and 17
      {"999999999999999999", "0.999999999999999999"},                 // scales 0 and 18
      {"-43519.34", "-43519.340000001"},
  };
  for (const auto& [a, b] : pairs) {
    EXPECT_EQ(DecimalView::parse(a)->compare(*DecimalView::parse(b)), compare_decimal(a, b))
        << a << " vs " << b;
    EXPECT_EQ(DecimalView::parse(b)->compare(*DecimalView::parse(a)), compare_decimal(b, a))
        << b << " vs " << a;
  }
}

TEST(DecimalView, AgreesWithCompareDecimalOnRandomValues) {
  std::mt19937_64 random(20261125);
  for (int i = 0; i < 20'000; ++i) {
    const std::string a = random_decimal(random);
    const std::string b = i % 5 == 0 ? a + (a.find('.') == std::string::npos ? ".0" : "0")
                                     : random_decimal(random);
    const auto va = DecimalView::parse(a);
    const auto vb = DecimalView::parse(b);
    ASSERT_TRUE(va && vb) << a << " " << b;
    ASSERT_EQ(va->compare(*vb), compare_decimal(a, b)) << a << " vs " << b;
    ASSERT_EQ(va->sign(), sign_of(a)) << a;
  }
}

}  // namespace
}  // namespace cryptopipe
