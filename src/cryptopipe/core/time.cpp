#include "cryptopipe/core/time.h"

#include <array>
#include <cstdio>
#include <thread>

#include "cryptopipe/core/error.h"

namespace cryptopipe {
namespace {

struct CivilDate {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

// Howard Hinnant's days_from_civil / civil_from_days algorithms (proleptic Gregorian).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

CivilDate civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

unsigned days_in_month(std::int64_t year, unsigned month) {
  static constexpr std::array<unsigned, 12> kDays = {31, 28, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

struct Clockwork {
  CivilDate date;
  std::int64_t millis_of_day;
};

Clockwork split(TimestampMs ms) {
  const std::int64_t days = floor_div(ms, kMillisPerDay);
  return {civil_from_days(days), ms - days * kMillisPerDay};
}

}  // namespace

UtcDay UtcDay::parse(std::string_view text) {
  const auto fail = [&] {
    return Error(ErrorKind::kInvalidInput,
                 "bad date '" + std::string(text) + "': expected a UTC day as YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') throw fail();
  const auto number = [&](std::size_t from, std::size_t length) {
    std::int64_t value = 0;
    for (std::size_t i = from; i < from + length; ++i) {
      if (text[i] < '0' || text[i] > '9') throw fail();
      value = value * 10 + (text[i] - '0');
    }
    return value;
  };
  const std::int64_t year = number(0, 4);
  const auto month = static_cast<unsigned>(number(5, 2));
  const auto day = static_cast<unsigned>(number(8, 2));
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) {
    throw fail();
  }
  return UtcDay(days_from_civil(year, month, day));
}

UtcDay UtcDay::containing(TimestampMs ms) { return UtcDay(floor_div(ms, kMillisPerDay)); }

UtcDay UtcDay::first_of_month() const {
  const CivilDate date = civil_from_days(days_since_epoch_);
  return UtcDay(days_from_civil(date.year, date.month, 1));
}

UtcDay UtcDay::first_of_next_month() const {
  const CivilDate date = civil_from_days(days_since_epoch_);
  return date.month == 12 ? UtcDay(days_from_civil(date.year + 1, 1, 1))
                          : UtcDay(days_from_civil(date.year, date.month + 1, 1));
}

std::string UtcDay::to_string() const {
  const CivilDate date = civil_from_days(days_since_epoch_);
  std::array<char, 16> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "%04lld-%02u-%02u",
                static_cast<long long>(date.year), date.month, date.day);
  return buffer.data();
}

namespace {

// Formats with printf-style directives for year, month, day, hours, minutes, seconds, millis.
std::string format_utc(TimestampMs ms, const char* format) {
  const Clockwork c = split(ms);
  const std::int64_t t = c.millis_of_day;
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, static_cast<long long>(c.date.year),
                c.date.month, c.date.day, static_cast<long long>(t / kMillisPerHour),
                static_cast<long long>(t / kMillisPerMinute % 60),
                static_cast<long long>(t / kMillisPerSecond % 60),
                static_cast<long long>(t % kMillisPerSecond));
  return buffer.data();
}

}  // namespace

std::string format_iso8601(TimestampMs ms) {
  return format_utc(ms, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ");
}

std::string format_compact_utc(TimestampMs ms) {
  return format_utc(ms, "%04lld%02u%02uT%02lld%02lld%02lld%03lldZ");
}

void Iso8601Appender::append(std::string& out, TimestampMs ms) {
  const std::int64_t day = floor_div(ms, kMillisPerDay);
  if (day != cached_day_) {
    cached_day_ = day;
    date_prefix_ = format_iso8601(day * kMillisPerDay).substr(0, 11);
  }
  const std::int64_t t = ms - day * kMillisPerDay;
  std::array<char, 13> clock{};  // HH:MM:SS.mmmZ
  const auto two = [&clock](std::size_t at, std::int64_t v) {
    clock[at] = static_cast<char>('0' + v / 10);
    clock[at + 1] = static_cast<char>('0' + v % 10);
  };
  two(0, t / kMillisPerHour);
  clock[2] = ':';
  two(3, t / kMillisPerMinute % 60);
  clock[5] = ':';
  two(6, t / kMillisPerSecond % 60);
  clock[8] = '.';
  const std::int64_t millis = t % kMillisPerSecond;
  clock[9] = static_cast<char>('0' + millis / 100);
  two(10, millis % 100);
  clock[12] = 'Z';
  out += date_prefix_;
  out.append(clock.data(), clock.size());
}

TimestampMs SystemClock::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void SystemClock::sleep_for(std::chrono::milliseconds duration) {
  std::this_thread::sleep_for(duration);
}

}  // namespace cryptopipe
