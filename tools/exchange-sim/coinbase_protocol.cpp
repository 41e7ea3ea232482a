#include "coinbase_protocol.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace exchange_sim::coinbase {
namespace {

constexpr std::size_t kMaxSecondsDigits = 12;  // far beyond any date the market has

bool all_digits(std::string_view text) {
  return !text.empty() && std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
}

std::int64_t digits_value(std::string_view text) {
  std::int64_t value = 0;
  for (const char c : text) value = value * 10 + (c - '0');
  return value;
}

// The milliseconds of a fraction's digits: ".5" is 500, ".270099" 270.
std::int64_t fraction_ms(std::string_view digits) {
  std::int64_t ms = 0;
  for (std::size_t i = 0; i < 3; ++i) ms = ms * 10 + (i < digits.size() ? digits[i] - '0' : 0);
  return ms;
}

}  // namespace

ApiError bad_request(const std::string& message) { return {400, message}; }
ApiError not_found() { return {404, "NotFound"}; }
ApiError rate_limit_exceeded() { return {429, "Public rate limit exceeded"}; }
ApiError internal_error() { return {500, "Internal server error"}; }

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json; charset=utf-8");
}

void answer_error(httplib::Response& response, const ApiError& error) {
  answer_json(response, error.http_status, nlohmann::json{{"message", error.message}}.dump());
}

std::string product_id(const Market& market) {
  return std::string(market.base_asset) + "-" + std::string(market.quote_asset);
}

const Market& listed_product(const httplib::Request& request) {
  const std::string id = request.matches.size() > 1 ? request.matches[1].str() : std::string();
  const auto dash = id.find('-');
  const Market* market =
      dash == std::string::npos ? nullptr : find_market(id.substr(0, dash) + id.substr(dash + 1));
  // The split must match too, or "BT-CUSDT" would pass for BTC-USDT.
  if (market == nullptr || id != product_id(*market)) throw Rejection(not_found());
  return *market;
}

std::string iso_time_us(std::int64_t ms) {
  using namespace std::chrono;
  const sys_days day = floor<days>(sys_time<milliseconds>(milliseconds(ms)));
  const year_month_day date(day);
  const std::int64_t in_day = ms - duration_cast<milliseconds>(day.time_since_epoch()).count();
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lld000Z",
                static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
                static_cast<unsigned>(date.day()), static_cast<long long>(in_day / 3'600'000),
                static_cast<long long>(in_day / 60'000 % 60),
                static_cast<long long>(in_day / 1000 % 60), static_cast<long long>(in_day % 1000));
  return text;
}

std::optional<std::int64_t> parse_time(const std::string& text) {
  if (all_digits(text)) {
    if (text.size() > kMaxSecondsDigits) return std::nullopt;
    return digits_value(text) * 1000;
  }
  // YYYY-MM-DDTHH:MM:SS is 19 characters; then an optional fraction and zone.
  const std::string_view view(text);
  if (view.size() < 19 || view[4] != '-' || view[7] != '-' || view[10] != 'T' ||
      view[13] != ':' || view[16] != ':') {
    return std::nullopt;
  }
  const std::string_view parts[] = {view.substr(0, 4),  view.substr(5, 2),  view.substr(8, 2),
                                    view.substr(11, 2), view.substr(14, 2), view.substr(17, 2)};
  if (!std::ranges::all_of(parts, all_digits)) return std::nullopt;
  std::string_view rest = view.substr(19);
  std::string_view fraction;
  if (!rest.empty() && rest.front() == '.') {
    const auto end = std::min(rest.find_first_not_of("0123456789", 1), rest.size());
    fraction = rest.substr(1, end - 1);
    if (fraction.empty()) return std::nullopt;
    rest.remove_prefix(end);
  }
  if (rest != "" && rest != "Z" && rest != "+00:00") return std::nullopt;
  using namespace std::chrono;
  const year_month_day date(year(static_cast<int>(digits_value(parts[0]))),
                            month(static_cast<unsigned>(digits_value(parts[1]))),
                            day(static_cast<unsigned>(digits_value(parts[2]))));
  const std::int64_t hours = digits_value(parts[3]), minutes = digits_value(parts[4]),
                     seconds = digits_value(parts[5]);
  if (!date.ok() || hours > 23 || minutes > 59 || seconds > 59) return std::nullopt;
  const std::int64_t day_ms =
      duration_cast<milliseconds>(sys_days(date).time_since_epoch()).count();
  return day_ms + ((hours * 60 + minutes) * 60 + seconds) * 1000 + fraction_ms(fraction);
}

}  // namespace exchange_sim::coinbase
