#include "cryptopipe/transform/ohlcv_validation.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>
#include <string>
#include <vector>

namespace cryptopipe::transform {
namespace {

using exchanges::RawCandle;

const Timeframe kMinute = Timeframe::parse("1m");
const TimestampMs kDayStart = UtcDay::parse("2024-01-30").start_ms();
const TimestampMs kDayEnd = UtcDay::parse("2024-01-30").end_ms();

RawCandle valid_row() {
  RawCandle row;
  row.open_time = kDayStart + 10 * kMillisPerMinute;
  row.close_time = row.open_time + kMillisPerMinute - 1;
  row.open = "100.5";
  row.high = "110.00000000";
  row.low = "90";
  row.close = "105.25";
  row.volume = "1.5";
  row.quote_volume = "157.5";
  row.trade_count = 12;
  return row;
}

std::optional<RejectReason> check(const RawCandle& row) {
  return validate_candle(row, kMinute, kDayStart, kDayEnd);
}

struct Case {
  std::string name;
  RejectReason expected;
  std::function<void(RawCandle&)> spoil;
};

void PrintTo(const Case& c, std::ostream* out) { *out << c.name; }

// One entry per row-level reason, each spoiling a valid row in exactly one way.
const std::vector<Case>& row_cases() {
  static const std::vector<Case> kCases = {
      {"malformed", RejectReason::kMalformedRow, [](RawCandle& r) { r.malformed = "too short"; }},
      {"open_not_decimal", RejectReason::kInvalidDecimal, [](RawCandle& r) { r.open = "1e5"; }},
      {"high_not_decimal", RejectReason::kInvalidDecimal, [](RawCandle& r) { r.high = "NaN"; }},
      {"low_empty", RejectReason::kInvalidDecimal, [](RawCandle& r) { r.low = ""; }},
      {"close_not_decimal", RejectReason::kInvalidDecimal, [](RawCandle& r) { r.close = "1,5"; }},
      {"volume_empty", RejectReason::kInvalidDecimal, [](RawCandle& r) { r.volume = ""; }},
      {"quote_volume_not_decimal", RejectReason::kInvalidDecimal,
       [](RawCandle& r) { r.quote_volume = "abc"; }},
      {"misaligned", RejectReason::kMisalignedOpenTime,
       [](RawCandle& r) {
         r.open_time += 1;
         r.close_time = r.open_time + kMillisPerMinute - 1;
       }},
      {"at_partition_end", RejectReason::kOutsidePartition,
       [](RawCandle& r) {
         r.open_time = kDayEnd;
         r.close_time = r.open_time + kMillisPerMinute - 1;
       }},
      {"before_partition", RejectReason::kOutsidePartition,
       [](RawCandle& r) {
         r.open_time = kDayStart - kMillisPerMinute;
         r.close_time = r.open_time + kMillisPerMinute - 1;
       }},
      {"close_time_off_by_one", RejectReason::kCloseTimeMismatch,
       [](RawCandle& r) { r.close_time = r.open_time + kMillisPerMinute; }},
      {"close_time_of_another_timeframe", RejectReason::kCloseTimeMismatch,
       [](RawCandle& r) { r.close_time = r.open_time + kMillisPerHour - 1; }},
      {"zero_low", RejectReason::kNonPositivePrice, [](RawCandle& r) { r.low = "0.00"; }},
      {"negative_open", RejectReason::kNonPositivePrice, [](RawCandle& r) { r.open = "-100.5"; }},
      {"zero_close", RejectReason::kNonPositivePrice, [](RawCandle& r) { r.close = "0"; }},
      {"zero_high", RejectReason::kNonPositivePrice, [](RawCandle& r) { r.high = "-0"; }},
      {"high_below_low", RejectReason::kHighBelowLow,
       [](RawCandle& r) {
         r.high = "89.99999999";
         r.open = "95";
         r.close = "95";
       }},
      {"open_above_high", RejectReason::kOpenOutsideRange, [](RawCandle& r) { r.open = "110.00000001"; }},
      {"open_below_low", RejectReason::kOpenOutsideRange, [](RawCandle& r) { r.open = "89.9"; }},
      {"close_above_high", RejectReason::kCloseOutsideRange, [](RawCandle& r) { r.close = "111"; }},
      {"close_below_low", RejectReason::kCloseOutsideRange, [](RawCandle& r) { r.close = "89"; }},
      {"negative_volume", RejectReason::kNegativeVolume, [](RawCandle& r) { r.volume = "-0.1"; }},
      {"negative_quote_volume", RejectReason::kNegativeVolume,
       [](RawCandle& r) { r.quote_volume = "-157.5"; }},
      {"negative_trade_count", RejectReason::kNegativeTradeCount,
       [](RawCandle& r) { r.trade_count = -1; }},
  };
  return kCases;
}

// Duplicates and ordering need the series, and whether a decimal fits needs the silver column:
// the transformer checks them (ohlcv_transform_test).
const std::set<RejectReason> kSeriesReasons = {RejectReason::kDuplicate, RejectReason::kOutOfOrder,
                                               RejectReason::kDecimalOutOfRange};

class ValidateCandle : public ::testing::TestWithParam<Case> {};

TEST_P(ValidateCandle, RejectsWithTheReason) {
  RawCandle row = valid_row();
  GetParam().spoil(row);
  const auto reason = check(row);
  ASSERT_TRUE(reason.has_value()) << GetParam().name << " was accepted";
  EXPECT_EQ(to_string(*reason), to_string(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(EveryRowLevelReason, ValidateCandle, ::testing::ValuesIn(row_cases()),
                         [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ValidateCandleTable, CoversEveryRejectReason) {
  std::set<RejectReason> covered(kSeriesReasons);
  for (const Case& c : row_cases()) covered.insert(c.expected);
  for (int i = 0; i < kRejectReasonCount; ++i) {
    const auto reason = static_cast<RejectReason>(i);
    EXPECT_TRUE(covered.contains(reason)) << "no case for " << to_string(reason);
  }
  EXPECT_EQ(static_cast<int>(covered.size()), kRejectReasonCount);
}

TEST(ValidateCandleTable, NeverReportsSeriesLevelReasons) {
  // validate_candle sees one row: every case's reason is a row-level one.
  for (const Case& c : row_cases()) {
    RawCandle row = valid_row();
    c.spoil(row);
    const auto reason = check(row);
    ASSERT_TRUE(reason.has_value());
    EXPECT_FALSE(kSeriesReasons.contains(*reason)) << c.name;
  }
}

TEST(ValidateCandleAccepts, AValidRow) { EXPECT_EQ(check(valid_row()), std::nullopt); }

TEST(ValidateCandleAccepts, OptionalFieldsMissing) {
  RawCandle row = valid_row();
  row.close_time.reset();
  row.quote_volume = {};
  row.trade_count.reset();
  EXPECT_EQ(check(row), std::nullopt);
}

TEST(ValidateCandleAccepts, BoundaryValues) {
  RawCandle row = valid_row();
  row.open = "90.000";  // open == low
  row.close = "110";    // close == high
  row.volume = "0";     // no trades in the minute
  row.quote_volume = "-0.0";
  row.trade_count = 0;
  EXPECT_EQ(check(row), std::nullopt);

  RawCandle flat = valid_row();
  flat.open = flat.high = flat.low = flat.close = "0.00000001";
  EXPECT_EQ(check(flat), std::nullopt);

  RawCandle first = valid_row();
  first.open_time = kDayStart;
  first.close_time = kDayStart + kMillisPerMinute - 1;
  EXPECT_EQ(check(first), std::nullopt);
  RawCandle last = valid_row();
  last.open_time = kDayEnd - kMillisPerMinute;
  last.close_time = kDayEnd - 1;
  EXPECT_EQ(check(last), std::nullopt);
}

TEST(ValidateCandleAccepts, DecimalsBeyondDoublePrecision) {
  RawCandle row = valid_row();
  row.high = "100.000000000000000000000000002";
  row.low = "100.000000000000000000000000001";
  row.open = "100.000000000000000000000000001";
  row.close = "100.000000000000000000000000002";
  EXPECT_EQ(check(row), std::nullopt);
  row.close = "100.000000000000000000000000003";
  EXPECT_EQ(check(row), RejectReason::kCloseOutsideRange);
}

TEST(ValidateCandleAccepts, WeeklyCandlesOnMondays) {
  const Timeframe week = Timeframe::parse("1w");
  const UtcDay monday = UtcDay::parse("2024-01-29");
  RawCandle row = valid_row();
  row.open_time = monday.start_ms();
  row.close_time = monday.start_ms() + 7 * kMillisPerDay - 1;
  EXPECT_EQ(validate_candle(row, week, monday.start_ms(), monday.end_ms()), std::nullopt);
  row.open_time = UtcDay::parse("2024-01-30").start_ms();
  row.close_time = row.open_time + 7 * kMillisPerDay - 1;
  EXPECT_EQ(validate_candle(row, week, row.open_time, row.open_time + kMillisPerDay),
            RejectReason::kMisalignedOpenTime);
}

TEST(RejectReasonNames, AreUniqueSnakeCase) {
  std::set<std::string> names;
  for (int i = 0; i < kRejectReasonCount; ++i) {
    const std::string name(to_string(static_cast<RejectReason>(i)));
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown");
    for (const char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
    EXPECT_TRUE(names.insert(name).second) << "duplicate " << name;
  }
  EXPECT_EQ(to_string(RejectReason::kDuplicate), "duplicate");
  EXPECT_EQ(to_string(RejectReason::kOutOfOrder), "out_of_order");
}

}  // namespace
}  // namespace cryptopipe::transform
