#include "cryptopipe/warehouse/pg_binary.h"

#include <gtest/gtest.h>

#include <string>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe::warehouse::pg {
namespace {

using unit::ThrowsError;

std::string bytes(std::initializer_list<int> values) {
  std::string out;
  for (const int value : values) out += static_cast<char>(value);
  return out;
}

std::string numeric(std::string_view decimal) {
  std::string out;
  append_binary_numeric(out, decimal);
  return out;
}

std::string timestamptz(std::string_view iso) {
  std::string out;
  append_binary_timestamptz(out, iso);
  return out;
}

// Field length, then ndigits, weight, sign, dscale and the base-10000 digits, big-endian.
TEST(PgBinaryNumeric, ZeroHasNoDigitsButKeepsItsScale) {
  EXPECT_EQ(numeric("0"), bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(numeric("0.000"), bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 3}));
  EXPECT_EQ(numeric("-0.0"), bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1}));
}

TEST(PgBinaryNumeric, FractionsAlignOnTheDecimalPoint) {
  // 0.10 = 1000 x 10000^-1, scale 2
  EXPECT_EQ(numeric("0.10"), bytes({0, 0, 0, 10, 0, 1, 0xff, 0xff, 0, 0, 0, 2, 0x03, 0xe8}));
  // 0.00000001 = 1 x 10000^-2, scale 8
  EXPECT_EQ(numeric("0.00000001"), bytes({0, 0, 0, 10, 0, 1, 0xff, 0xfe, 0, 0, 0, 8, 0, 1}));
}

TEST(PgBinaryNumeric, NegativeNumbersWithWholeAndFractionDigits) {
  // -12345.678 = -(1 x 10000^1 + 2345 + 6780 x 10000^-1), scale 3
  EXPECT_EQ(numeric("-12345.678"), bytes({0, 0, 0, 14, 0, 3, 0, 1, 0x40, 0, 0, 3, 0, 1, 0x09,
                                          0x29, 0x1a, 0x7c}));
}

TEST(PgBinaryNumeric, TrailingZeroGroupsAreDroppedButTheScaleStays) {
  // 43000.00000000 = 4 x 10000^1 + 3000, scale 8
  EXPECT_EQ(numeric("43000.00000000"),
            bytes({0, 0, 0, 12, 0, 2, 0, 1, 0, 0, 0, 8, 0, 4, 0x0b, 0xb8}));
}

TEST(PgBinaryNumeric, AnythingButPlainDecimalTextIsABadPayload) {
  for (const char* text : {"", "-", "1.", ".5", "1e5", "1,5", " 1", "+1", "1.2.3", "NaN"}) {
    EXPECT_TRUE(ThrowsError([&] { numeric(text); }, ErrorKind::kBadPayload)) << text;
  }
}

TEST(PgBinaryTimestamptz, MicrosecondsSincePostgresEpoch) {
  EXPECT_EQ(timestamptz("2000-01-01T00:00:00.000Z"), bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0}));
  EXPECT_EQ(timestamptz("2000-01-01T00:00:00.001Z"),
            bytes({0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0x03, 0xe8}));
  EXPECT_EQ(timestamptz("1999-12-31T23:59:59.999Z"),
            bytes({0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfc, 0x18}));
}

TEST(PgBinaryTimestamptz, OtherShapesAreABadPayload) {
  for (const char* text : {"", "2026-11-25", "2026-11-25 00:00:00.000Z", "2026-11-25T00:00:00Z",
                           "2026-02-30T00:00:00.000Z", "2026-11-25T0a:00:00.000Z"}) {
    EXPECT_TRUE(ThrowsError([&] { timestamptz(text); }, ErrorKind::kBadPayload)) << text;
  }
}

}  // namespace
}  // namespace cryptopipe::warehouse::pg
