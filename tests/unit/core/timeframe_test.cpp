#include "cryptopipe/core/timeframe.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe {
namespace {

using unit::ThrowsError;

const std::vector<std::pair<std::string, TimestampMs>>& expected_timeframes() {
  static const std::vector<std::pair<std::string, TimestampMs>> kExpected = {
      {"1m", kMillisPerMinute},       {"3m", 3 * kMillisPerMinute},  {"5m", 5 * kMillisPerMinute},
      {"15m", 15 * kMillisPerMinute}, {"30m", 30 * kMillisPerMinute}, {"1h", kMillisPerHour},
      {"2h", 2 * kMillisPerHour},     {"4h", 4 * kMillisPerHour},     {"6h", 6 * kMillisPerHour},
      {"8h", 8 * kMillisPerHour},     {"12h", 12 * kMillisPerHour},   {"1d", kMillisPerDay},
      {"1w", 7 * kMillisPerDay}};
  return kExpected;
}

// Monday is day 4 after the epoch (1970-01-05); Thursday, the epoch itself, is day 0.
bool is_monday(const UtcDay& day) {
  const std::int64_t days = day.start_ms() / kMillisPerDay;
  return ((days - 4) % 7 + 7) % 7 == 0;
}

TEST(Timeframe, ParsesEverySupportedName) {
  for (const auto& [name, duration] : expected_timeframes()) {
    const Timeframe tf = Timeframe::parse(name);
    EXPECT_EQ(tf.name(), name);
    EXPECT_EQ(tf.duration_ms(), duration) << name;
  }
}

TEST(Timeframe, AllListsTheThirteenInOrder) {
  const auto& all = Timeframe::all();
  ASSERT_EQ(all.size(), expected_timeframes().size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].name(), expected_timeframes()[i].first);
    EXPECT_EQ(all[i], Timeframe::parse(expected_timeframes()[i].first));
  }
  EXPECT_FALSE(Timeframe::parse("1m") == Timeframe::parse("3m"));
}

TEST(Timeframe, RefusesOtherSpellingsListingTheSupportedOnes) {
  for (const char* text : {"1M", "1s", "7m", "", "1H", "60m", "1 m", " 1m", "1m ", "1D", "1W",
                           "m1", "1mo", "3d"}) {
    EXPECT_TRUE(ThrowsError([&] { Timeframe::parse(text); }, ErrorKind::kInvalidInput,
                            {"'" + std::string(text) + "'", "1m", "3m", "5m", "15m", "30m", "1h",
                             "2h", "4h", "6h", "8h", "12h", "1d", "1w"}))
        << "'" << text << "'";
  }
}

TEST(Timeframe, AlignsToTheCandleOpen) {
  const TimestampMs jan30 = UtcDay::parse("2024-01-30").start_ms();
  const TimestampMs t = jan30 + 13 * kMillisPerHour + 47 * kMillisPerMinute + 12'345;
  EXPECT_EQ(Timeframe::parse("1m").align(t), jan30 + 13 * kMillisPerHour + 47 * kMillisPerMinute);
  EXPECT_EQ(Timeframe::parse("3m").align(t), jan30 + 13 * kMillisPerHour + 45 * kMillisPerMinute);
  EXPECT_EQ(Timeframe::parse("15m").align(t), jan30 + 13 * kMillisPerHour + 45 * kMillisPerMinute);
  EXPECT_EQ(Timeframe::parse("1h").align(t), jan30 + 13 * kMillisPerHour);
  EXPECT_EQ(Timeframe::parse("4h").align(t), jan30 + 12 * kMillisPerHour);
  EXPECT_EQ(Timeframe::parse("12h").align(t), jan30 + 12 * kMillisPerHour);
  EXPECT_EQ(Timeframe::parse("1d").align(t), jan30);
  // Already aligned times stay where they are.
  for (const Timeframe& tf : Timeframe::all()) {
    const TimestampMs open = tf.align(t);
    EXPECT_LE(open, t) << tf.name();
    EXPECT_GT(open + tf.duration_ms(), t) << tf.name();
    EXPECT_EQ(tf.align(open), open) << tf.name();
    EXPECT_EQ(tf.align(open + tf.duration_ms() - 1), open) << tf.name();
    EXPECT_EQ(tf.align(open + tf.duration_ms()), open + tf.duration_ms()) << tf.name();
  }
}

TEST(Timeframe, WeeklyCandlesOpenOnMondayMidnightUtc) {
  const Timeframe week = Timeframe::parse("1w");
  const TimestampMs wednesday = UtcDay::parse("2026-11-25").start_ms() + 15 * kMillisPerHour;
  const UtcDay monday = UtcDay::parse("2026-11-23");
  ASSERT_TRUE(is_monday(monday));
  EXPECT_EQ(week.align(wednesday), monday.start_ms());
  EXPECT_EQ(week.align(monday.start_ms()), monday.start_ms());
  EXPECT_EQ(week.align(monday.start_ms() - 1), UtcDay::parse("2026-11-16").start_ms());
  EXPECT_EQ(week.align(UtcDay::parse("2026-11-29").end_ms() - 1), monday.start_ms());
  // Around the epoch (a Thursday): the week containing it began Monday 1969-12-29.
  EXPECT_EQ(week.align(0), UtcDay::parse("1970-01-05").start_ms() - 7 * kMillisPerDay);
  EXPECT_EQ(week.align(0), -3 * kMillisPerDay);
  EXPECT_EQ(week.align(4 * kMillisPerDay), 4 * kMillisPerDay);
  // Every day of a few years lands on a Monday no later than itself.
  for (UtcDay day = UtcDay::parse("2023-12-25"); day < UtcDay::parse("2025-01-10");
       day = day.next()) {
    const TimestampMs open = week.align(day.start_ms() + 12 * kMillisPerHour);
    EXPECT_TRUE(is_monday(UtcDay::containing(open))) << day.to_string();
    EXPECT_EQ(open % kMillisPerDay, 0);
    EXPECT_LE(open, day.start_ms());
    EXPECT_GT(open + 7 * kMillisPerDay, day.start_ms());
  }
}

TEST(Timeframe, AlignsNegativeTimesDownwards) {
  EXPECT_EQ(Timeframe::parse("1m").align(-1), -kMillisPerMinute);
  EXPECT_EQ(Timeframe::parse("1h").align(-kMillisPerHour), -kMillisPerHour);
  EXPECT_EQ(Timeframe::parse("1d").align(-kMillisPerDay - 1), -2 * kMillisPerDay);
}

TEST(Timeframe, IsAligned) {
  const TimestampMs jan30 = UtcDay::parse("2024-01-30").start_ms();
  EXPECT_TRUE(Timeframe::parse("1h").is_aligned(jan30 + kMillisPerHour));
  EXPECT_FALSE(Timeframe::parse("1h").is_aligned(jan30 + kMillisPerHour + 1));
  EXPECT_FALSE(Timeframe::parse("1h").is_aligned(jan30 + kMillisPerMinute));
  EXPECT_TRUE(Timeframe::parse("1d").is_aligned(jan30));
  EXPECT_FALSE(Timeframe::parse("1w").is_aligned(jan30));  // a Tuesday
  EXPECT_TRUE(Timeframe::parse("1w").is_aligned(UtcDay::parse("2024-01-29").start_ms()));
}

}  // namespace
}  // namespace cryptopipe
