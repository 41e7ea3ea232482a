#include "cryptopipe/core/time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe {
namespace {

using unit::ThrowsError;

// 2024-01-30T00:00:00.000Z
constexpr TimestampMs kJan30 = 1706572800000;

TEST(UtcDay, ParsesRealCalendarDays) {
  EXPECT_EQ(UtcDay::parse("1970-01-01").start_ms(), 0);
  EXPECT_EQ(UtcDay::parse("2024-01-30").start_ms(), kJan30);
  for (const char* text : {"1970-01-01", "2024-02-29", "2000-02-29", "2023-12-31", "2026-11-25",
                           "2024-04-30", "9999-12-31"}) {
    EXPECT_EQ(UtcDay::parse(text).to_string(), text);
  }
}

TEST(UtcDay, LeapDayFollowsTheGregorianRules) {
  EXPECT_EQ(UtcDay::parse("2024-02-29").next().to_string(), "2024-03-01");
  EXPECT_EQ(UtcDay::parse("2000-02-29").start_ms(), 951782400000);
  EXPECT_TRUE(ThrowsError([] { UtcDay::parse("2023-02-29"); }, ErrorKind::kInvalidInput));
  EXPECT_TRUE(ThrowsError([] { UtcDay::parse("2100-02-29"); }, ErrorKind::kInvalidInput));
}

TEST(UtcDay, RefusesAnythingButYyyyMmDdNamingTheText) {
  for (const char* text :
       {"2023-02-29", "2026-13-01", "2026-00-10", "2026-04-31", "2026-01-00", "2026-01-32",
        "2026-1-01", "2026-01-1", "yesterday", "2026-11-25x", "x2026-11-25", "", "1969-12-31",
        "0000-01-01", "2026/11/25", "20261125", "2026-11-25T00:00:00Z", " 2026-11-25",
        "2026-11-2 ", "+026-11-25", "2026--1-25"}) {
    EXPECT_TRUE(ThrowsError([&] { UtcDay::parse(text); }, ErrorKind::kInvalidInput,
                            {"'" + std::string(text) + "'"}))
        << text;
  }
}

TEST(UtcDay, StartAndEndCoverOneDay) {
  const UtcDay day = UtcDay::parse("2024-01-30");
  EXPECT_EQ(day.start_ms(), kJan30);
  EXPECT_EQ(day.end_ms(), kJan30 + kMillisPerDay);
  EXPECT_EQ(day.end_ms(), day.next().start_ms());
}

TEST(UtcDay, NextAndPreviousCrossMonthsAndYears) {
  EXPECT_EQ(UtcDay::parse("2024-02-28").next().to_string(), "2024-02-29");
  EXPECT_EQ(UtcDay::parse("2023-02-28").next().to_string(), "2023-03-01");
  EXPECT_EQ(UtcDay::parse("2024-12-31").next().to_string(), "2025-01-01");
  EXPECT_EQ(UtcDay::parse("2025-01-01").previous().to_string(), "2024-12-31");
  EXPECT_EQ(UtcDay::parse("2024-03-01").previous().to_string(), "2024-02-29");
  EXPECT_EQ(UtcDay::parse("1970-01-01").previous().to_string(), "1969-12-31");
  const UtcDay day = UtcDay::parse("2026-11-25");
  EXPECT_EQ(day.next().previous(), day);
  EXPECT_LT(day, day.next());
  EXPECT_GT(day, day.previous());
}

TEST(UtcDay, MonthsBeginOnTheFirstAndTheNextBeginsAcrossYearsAndLeapDays) {
  EXPECT_EQ(UtcDay::parse("2024-02-29").first_of_month().to_string(), "2024-02-01");
  EXPECT_EQ(UtcDay::parse("2024-02-29").first_of_next_month().to_string(), "2024-03-01");
  EXPECT_EQ(UtcDay::parse("2024-12-31").first_of_next_month().to_string(), "2025-01-01");
  EXPECT_EQ(UtcDay::parse("2025-01-01").first_of_month().to_string(), "2025-01-01");
  EXPECT_EQ(UtcDay::parse("2025-01-01").first_of_next_month().to_string(), "2025-02-01");
}

TEST(UtcDay, ContainingFloorsToTheDayIncludingNegativeTimes) {
  EXPECT_EQ(UtcDay::containing(0).to_string(), "1970-01-01");
  EXPECT_EQ(UtcDay::containing(kMillisPerDay - 1).to_string(), "1970-01-01");
  EXPECT_EQ(UtcDay::containing(kMillisPerDay).to_string(), "1970-01-02");
  EXPECT_EQ(UtcDay::containing(-1).to_string(), "1969-12-31");
  EXPECT_EQ(UtcDay::containing(-1).start_ms(), -kMillisPerDay);
  EXPECT_EQ(UtcDay::containing(-kMillisPerDay).to_string(), "1969-12-31");
  EXPECT_EQ(UtcDay::containing(-kMillisPerDay - 1).to_string(), "1969-12-30");
  EXPECT_EQ(UtcDay::containing(kJan30), UtcDay::parse("2024-01-30"));
  EXPECT_EQ(UtcDay::containing(kJan30 - 1), UtcDay::parse("2024-01-29"));
  EXPECT_EQ(UtcDay::containing(kJan30 + kMillisPerDay - 1), UtcDay::parse("2024-01-30"));
  EXPECT_EQ(UtcDay::containing(kJan30 + kMillisPerDay), UtcDay::parse("2024-01-31"));
}

TEST(FormatIso8601, WritesUtcWithMilliseconds) {
  EXPECT_EQ(format_iso8601(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(kJan30), "2024-01-30T00:00:00.000Z");
  EXPECT_EQ(format_iso8601(kJan30 + 13 * kMillisPerHour + 5 * kMillisPerMinute + 9 * 1000 + 7),
            "2024-01-30T13:05:09.007Z");
  EXPECT_EQ(format_iso8601(kJan30 - 1), "2024-01-29T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(format_iso8601(951868800000 - 1), "2000-02-29T23:59:59.999Z");
}

TEST(FormatCompactUtc, WritesSortableKeySafeText) {
  EXPECT_EQ(format_compact_utc(0), "19700101T000000000Z");
  EXPECT_EQ(format_compact_utc(kJan30 + 10 * kMillisPerHour + 15 * kMillisPerMinute + 123),
            "20240130T101500123Z");
  EXPECT_EQ(format_compact_utc(kJan30 - 1), "20240129T235959999Z");
  // Lexicographic order is time order.
  std::vector<TimestampMs> times = {0, 1, 999, 1000, 59'999, kMillisPerHour, kJan30 - 1, kJan30,
                                    kJan30 + 1, 4'102'444'800'000};
  for (std::size_t i = 1; i < times.size(); ++i) {
    EXPECT_LT(format_compact_utc(times[i - 1]), format_compact_utc(times[i])) << times[i];
  }
}

TEST(Iso8601Appender, WritesTheSameTextAsFormatIso8601) {
  Iso8601Appender appender;
  std::vector<TimestampMs> times;
  // Forward through a day change, then back, then far away and into negative times.
  for (TimestampMs t = kJan30 - 3 * kMillisPerHour; t < kJan30 + 3 * kMillisPerHour;
       t += 7 * kMillisPerMinute + 13) {
    times.push_back(t);
  }
  for (const TimestampMs t : {kJan30 - 1, kJan30, kJan30 - 1, TimestampMs{0}, TimestampMs{-1},
                              TimestampMs{-kMillisPerDay}, TimestampMs{-kMillisPerDay - 1},
                              TimestampMs{951868800000 - 1}, TimestampMs{951868800000},
                              kJan30 + 999, kJan30 + 86'399'999, TimestampMs{4'102'444'800'000}}) {
    times.push_back(t);
  }
  for (const TimestampMs t : times) {
    std::string out;
    appender.append(out, t);
    EXPECT_EQ(out, format_iso8601(t)) << t;
  }
}

TEST(Iso8601Appender, AppendsAfterExistingText) {
  Iso8601Appender appender;
  std::string out = "open_time=";
  appender.append(out, kJan30 + 1);
  out += ',';
  appender.append(out, kJan30 + kMillisPerDay);
  EXPECT_EQ(out, "open_time=2024-01-30T00:00:00.001Z,2024-01-31T00:00:00.000Z");
}

TEST(SystemClock, ReportsTheCurrentEra) {
  SystemClock clock;
  // After 2024-01-30 and before 2100: a wrong unit (seconds, micros) would fail this.
  EXPECT_GT(clock.now_ms(), kJan30);
  EXPECT_LT(clock.now_ms(), 4'102'444'800'000);
}

}  // namespace
}  // namespace cryptopipe
