#include "cryptopipe/core/decimal.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>

namespace cryptopipe {
namespace {

TEST(Decimal, AcceptsExchangeNumberText) {
  for (const char* text : {"0", "1", "-1", "43519.34000000", "0.00000001", "-0.5", "00.5",
                           "123456789012345678901234567890.123456789012345678901234567890"}) {
    EXPECT_TRUE(is_decimal(text)) << text;
  }
}

TEST(Decimal, RefusesWhatIsNotAnExactDecimal) {
  for (const char* text : {"", "-", ".", "1.", ".5", "+1", "1e5", "1E-3", "0x10", "NaN", "inf",
                           " 1", "1 ", "1,5", "1.2.3", "--1", "\"1\""}) {
    EXPECT_FALSE(is_decimal(text)) << text;
  }
}

TEST(Decimal, ComparesNumericallyWithoutFloats) {
  EXPECT_EQ(compare_decimal("1.50", "1.5"), 0);
  EXPECT_EQ(compare_decimal("-0", "0.000"), 0);
  EXPECT_EQ(compare_decimal("0010", "10"), 0);
  EXPECT_LT(compare_decimal("9.99999999", "10"), 0);
  EXPECT_GT(compare_decimal("10.00000001", "10"), 0);
  EXPECT_LT(compare_decimal("-2", "-1"), 0);
  EXPECT_GT(compare_decimal("-0.1", "-0.2"), 0);
  EXPECT_LT(compare_decimal("-0.1", "0"), 0);
  // Beyond double precision: these differ in the 20th significant digit.
  EXPECT_LT(compare_decimal("12345678901234567890.1", "12345678901234567890.2"), 0);
}

TEST(Decimal, MultipliesExactly) {
  EXPECT_EQ(multiply_decimals("124724", "0.0001"), "12.4724");
  EXPECT_EQ(multiply_decimals("124720", "0.0001"), "12.472");
  EXPECT_EQ(multiply_decimals("-1.5", "2"), "-3");
  EXPECT_EQ(multiply_decimals("0", "0.0001"), "0");
  EXPECT_EQ(multiply_decimals("0.1", "0.1"), "0.01");
  EXPECT_EQ(multiply_decimals("99999999999999999999", "99999999999999999999"), std::nullopt);
  EXPECT_EQ(multiply_decimals("1e5", "2"), std::nullopt);
  EXPECT_EQ(multiply_decimals("", "2"), std::nullopt);
  EXPECT_EQ(multiply_decimals("12", "abc"), std::nullopt);
}

TEST(Decimal, SignAndZero) {
  EXPECT_TRUE(is_negative_decimal("-0.01"));
  EXPECT_FALSE(is_negative_decimal("-0.00"));
  EXPECT_TRUE(is_zero_decimal("-0.000"));
  EXPECT_FALSE(is_zero_decimal("0.001"));
}

TEST(Decimal, ViewKeepsTheTextAndComparesByValue) {
  const auto price = DecimalView::parse("43936.00000000");
  ASSERT_TRUE(price);
  EXPECT_EQ(price->text(), "43936.00000000");
  EXPECT_EQ(DecimalView::parse("1.10")->compare(*DecimalView::parse("1.1")), 0);
  EXPECT_LT(DecimalView::parse("1.09")->compare(*DecimalView::parse("1.1")), 0);
  EXPECT_FALSE(DecimalView::parse("1e3"));
}



std::string text_of(ScaledDecimal unscaled, int scale) {
  std::string out;
  append_scaled_decimal(out, unscaled, scale);
  return out;
}

// The exact text back, through the column's fixed point.
std::optional<std::string> through(std::string_view text, int precision, int scale) {
  const auto value = to_scaled_decimal(text, precision, scale);
  if (!value) return std::nullopt;
  return text_of(*value, scale);
}

TEST(ScaledDecimal, HoldsEveryValueThatFitsExactly) {
  EXPECT_EQ(to_scaled_decimal("43519.34000000", 28, 12), ScaledDecimal{43519340000000000});
  EXPECT_EQ(to_scaled_decimal("-0.5", 28, 12), ScaledDecimal{-500000000000});
  EXPECT_EQ(to_scaled_decimal("0", 28, 12), ScaledDecimal{0});
  EXPECT_EQ(to_scaled_decimal("-0.000", 28, 12), ScaledDecimal{0});
  EXPECT_EQ(to_scaled_decimal("007.5", 10, 2), ScaledDecimal{750});
  // Zeros past the scale are no digits of the value.
  EXPECT_EQ(to_scaled_decimal("1.5000000000000000000000000", 10, 2), ScaledDecimal{150});
  EXPECT_EQ(through("891428.42858070", 38, 18), "891428.4285807");
  EXPECT_EQ(through("0.000000000001", 28, 12), "0.000000000001");
  EXPECT_EQ(through("-123.4", 28, 12), "-123.4");
  EXPECT_EQ(through("100", 28, 12), "100");
  EXPECT_EQ(through("100.000", 28, 12), "100");
  EXPECT_EQ(through("-0", 28, 12), "0");
}

TEST(ScaledDecimal, TheWidestColumnHoldsThirtyEightDigits) {
  const std::string widest = "99999999999999999999.999999999999999999";  // 20 + 18 digits
  EXPECT_EQ(through(widest, 38, 18), widest);
  EXPECT_EQ(through("-" + widest, 38, 18), "-" + widest);
  EXPECT_EQ(through("12345678901234567890.123456789012345678", 38, 18),
            "12345678901234567890.123456789012345678");
  EXPECT_EQ(through("10000000000000000000.000000000000000001", 38, 18),
            "10000000000000000000.000000000000000001");
  EXPECT_EQ(through("0.000000000000000001", 38, 18), "0.000000000000000001");
}

TEST(ScaledDecimal, RefusesWhatWouldHaveToBeRoundedOrDoesNotFit) {
  EXPECT_FALSE(to_scaled_decimal("0.0000000000001", 28, 12));      // 13 fractional digits
  EXPECT_FALSE(to_scaled_decimal("12345678901234567", 28, 12));    // 17 integer digits
  EXPECT_FALSE(to_scaled_decimal("100000000000000000000", 38, 18));  // 21 integer digits
  EXPECT_FALSE(to_scaled_decimal("1.0000000000000000001", 38, 18));
  EXPECT_FALSE(to_scaled_decimal("1e5", 28, 12));
  EXPECT_FALSE(to_scaled_decimal("", 28, 12));
  EXPECT_FALSE(to_scaled_decimal("1.", 28, 12));
  EXPECT_FALSE(to_scaled_decimal("+1", 28, 12));
  EXPECT_TRUE(to_scaled_decimal("0000000000000000000000001", 28, 12)) << "leading zeros are padding";
}

TEST(ScaledDecimal, ShortestTextOfEveryMagnitude) {
  EXPECT_EQ(text_of(0, 12), "0");
  EXPECT_EQ(text_of(5, 3), "0.005");
  EXPECT_EQ(text_of(-5, 3), "-0.005");
  EXPECT_EQ(text_of(1000, 3), "1");
  EXPECT_EQ(text_of(1010, 3), "1.01");
  EXPECT_EQ(text_of(42, 0), "42");
  // Past 19 digits the 128-bit path: 10^19 exactly and its neighbours.
  const ScaledDecimal ten19 = static_cast<ScaledDecimal>(10'000'000'000'000'000'000ULL);
  EXPECT_EQ(text_of(ten19, 0), "10000000000000000000");
  EXPECT_EQ(text_of(ten19 - 1, 0), "9999999999999999999");
  EXPECT_EQ(text_of(ten19 + 1, 18), "10.000000000000000001");
  EXPECT_EQ(text_of(ten19 * 10, 18), "100");
}

TEST(PlainDecimalFromExponent, MovesThePointExactly) {
  EXPECT_EQ(plain_decimal_from_exponent("1e-8"), "0.00000001");
  EXPECT_EQ(plain_decimal_from_exponent("1.5e-7"), "0.00000015");
  EXPECT_EQ(plain_decimal_from_exponent("-1.25e1"), "-12.5");
  EXPECT_EQ(plain_decimal_from_exponent("2E+3"), "2000");
  EXPECT_EQ(plain_decimal_from_exponent("1.2345e2"), "123.45");
  EXPECT_EQ(plain_decimal_from_exponent("12.5e-1"), "1.25");
  EXPECT_EQ(plain_decimal_from_exponent("3e0"), "3");
  EXPECT_EQ(plain_decimal_from_exponent("1.7976931348623157e21"), "1797693134862315700000");
  // Digits a double would not keep stay.
  EXPECT_EQ(plain_decimal_from_exponent("1.00000000000000000001e-3"),
            "0.00100000000000000000001");
  const auto plain = plain_decimal_from_exponent("9.99e-7");
  ASSERT_TRUE(plain.has_value());
  EXPECT_TRUE(is_decimal(*plain));
  EXPECT_EQ(compare_decimal(*plain, "0.000000999"), 0);
}

TEST(PlainDecimalFromExponent, RefusesWhatIsNotAnExponentForm) {
  EXPECT_FALSE(plain_decimal_from_exponent("123.45"));  // no exponent: nothing to do
  EXPECT_FALSE(plain_decimal_from_exponent("e5"));
  EXPECT_FALSE(plain_decimal_from_exponent("1e"));
  EXPECT_FALSE(plain_decimal_from_exponent("1e+"));
  EXPECT_FALSE(plain_decimal_from_exponent("1.e5"));
  EXPECT_FALSE(plain_decimal_from_exponent("1e5x"));
  EXPECT_FALSE(plain_decimal_from_exponent("1e401"));
  EXPECT_FALSE(plain_decimal_from_exponent("1e-9999"));
  EXPECT_FALSE(plain_decimal_from_exponent("--1e5"));
}

}  // namespace
}  // namespace cryptopipe
