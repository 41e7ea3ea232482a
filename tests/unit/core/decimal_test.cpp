#include "cryptopipe/core/decimal.h"

#include <gtest/gtest.h>


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

}  // namespace
}  // namespace cryptopipe
