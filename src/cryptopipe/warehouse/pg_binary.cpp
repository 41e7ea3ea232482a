#include "cryptopipe/warehouse/pg_binary.h"

#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"

namespace cryptopipe::warehouse::pg {
namespace {

constexpr std::uint16_t kNumericPositive = 0x0000;
constexpr std::uint16_t kNumericNegative = 0x4000;
constexpr int kDigitsPerGroup = 4;  // numeric's base is 10000
// 2000-01-01T00:00:00Z, PostgreSQL's epoch, in ms since the Unix epoch.
constexpr std::int64_t kPostgresEpochMs = 946'684'800'000;

void put16(std::string& out, std::uint16_t value) {
  out += static_cast<char>(value >> 8);
  out += static_cast<char>(value & 0xff);
}

void put32(std::string& out, std::uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

void put64(std::string& out, std::uint64_t value) {
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((value >> shift) & 0xff);
}

[[noreturn]] void bad(std::string_view what, std::string_view text) {
  throw Error(ErrorKind::kBadPayload, "bad " + std::string(what) + " '" + std::string(text) +
                                          "' in a row to load");
}

bool all_digits(std::string_view text) {
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int two_digits(std::string_view text, std::size_t at) {
  return (text[at] - '0') * 10 + (text[at + 1] - '0');
}

}  // namespace

void append_binary_numeric(std::string& out, std::string_view decimal) {
  std::string_view text = decimal;
  const bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  const std::size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || !all_digits(whole) || !all_digits(fraction) ||
      (dot != std::string_view::npos && fraction.empty())) {
    bad("decimal", decimal);
  }

  // Groups of four digits aligned on the decimal point: the whole part padded on the left,
  // the fraction on the right.
  std::vector<std::uint16_t> groups;
  const std::size_t lead = (kDigitsPerGroup - whole.size() % kDigitsPerGroup) % kDigitsPerGroup;
  int value = 0;
  int count = static_cast<int>(lead);
  for (const char c : whole) {
    value = value * 10 + (c - '0');
    if (++count == kDigitsPerGroup) {
      groups.push_back(static_cast<std::uint16_t>(value));
      value = count = 0;
    }
  }
  const int whole_groups = static_cast<int>(groups.size());
  for (const char c : fraction) {
    value = value * 10 + (c - '0');
    if (++count == kDigitsPerGroup) {
      groups.push_back(static_cast<std::uint16_t>(value));
      value = count = 0;
    }
  }
  if (count > 0) {
    for (; count < kDigitsPerGroup; ++count) value *= 10;
    groups.push_back(static_cast<std::uint16_t>(value));
  }

  int weight = whole_groups - 1;
  std::size_t first = 0;
  while (first < groups.size() && groups[first] == 0) {
    ++first;
    --weight;
  }
  std::size_t last = groups.size();
  while (last > first && groups[last - 1] == 0) --last;
  const std::size_t ndigits = last - first;
  if (ndigits == 0) weight = 0;

  put32(out, static_cast<std::uint32_t>(8 + 2 * ndigits));
  put16(out, static_cast<std::uint16_t>(ndigits));
  put16(out, static_cast<std::uint16_t>(static_cast<std::int16_t>(weight)));
  put16(out, negative && ndigits > 0 ? kNumericNegative : kNumericPositive);
  put16(out, static_cast<std::uint16_t>(fraction.size()));
  for (std::size_t i = first; i < last; ++i) put16(out, groups[i]);
}

void append_binary_timestamptz(std::string& out, std::string_view iso) {
  // YYYY-MM-DDTHH:MM:SS.mmmZ
  constexpr std::size_t kLength = 24;
  if (iso.size() != kLength || iso[10] != 'T' || iso[13] != ':' || iso[16] != ':' ||
      iso[19] != '.' || iso[23] != 'Z' || !all_digits(iso.substr(11, 2)) ||
      !all_digits(iso.substr(14, 2)) || !all_digits(iso.substr(17, 2)) ||
      !all_digits(iso.substr(20, 3))) {
    bad("time", iso);
  }
  std::int64_t ms = 0;
  try {
    ms = UtcDay::parse(iso.substr(0, 10)).start_ms();
  } catch (const Error&) {
    bad("time", iso);
  }
  ms += two_digits(iso, 11) * kMillisPerHour + two_digits(iso, 14) * kMillisPerMinute +
        two_digits(iso, 17) * kMillisPerSecond + (iso[20] - '0') * 100 + two_digits(iso, 21);
  put32(out, 8);
  put64(out, static_cast<std::uint64_t>((ms - kPostgresEpochMs) * 1000));
}

void append_binary_int8(std::string& out, std::int64_t value) {
  put32(out, 8);
  put64(out, static_cast<std::uint64_t>(value));
}

void append_binary_int4(std::string& out, std::int32_t value) {
  put32(out, 4);
  put32(out, static_cast<std::uint32_t>(value));
}

void append_binary_bool(std::string& out, bool value) {
  put32(out, 1);
  out += value ? '\1' : '\0';
}

void append_binary_text(std::string& out, std::string_view text) {
  put32(out, static_cast<std::uint32_t>(text.size()));
  out += text;
}

}  // namespace cryptopipe::warehouse::pg
