#include "gate_candlesticks.h"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "fixed_point.h"
#include "gate_protocol.h"
#include "market_data.h"

namespace exchange_sim::gate {
namespace {

using nlohmann::ordered_json;

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxPoints = 1000;       // per request, however it is asked for
constexpr std::int64_t kHistoryPoints = 10000;  // how far back from the current candle
constexpr const char* kDefaultInterval = "30m";

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  // Gate's documented list; 7d weeks start on Monday and 30d is a calendar month.
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"10s", CandleInterval::fixed(10 * kSecondMs)},
      {"1m", CandleInterval::fixed(kMinuteMs)},
      {"5m", CandleInterval::fixed(5 * kMinuteMs)},
      {"15m", CandleInterval::fixed(15 * kMinuteMs)},
      {"30m", CandleInterval::fixed(30 * kMinuteMs)},
      {"1h", CandleInterval::fixed(kHourMs)},
      {"4h", CandleInterval::fixed(4 * kHourMs)},
      {"8h", CandleInterval::fixed(8 * kHourMs)},
      {"1d", CandleInterval::fixed(kDayMs)},
      {"7d", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"30d", CandleInterval::calendar_month()},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) {
    return std::nullopt;
  }
  return found->second;
}

// Seconds as milliseconds. Times after now are pinned to the next second, where no candle has
// opened yet, so that huge values cannot overflow.
std::int64_t pinned_ms(std::int64_t seconds, std::int64_t now_ms) {
  return std::min(seconds, now_ms / kSecondMs + 1) * kSecondMs;
}

// How many candles open within [from_ms, to_ms], counting no further than cap + 1.
std::int64_t opens_within(const CandleInterval& interval, std::int64_t from_ms, std::int64_t to_ms,
                          std::int64_t cap) {
  std::int64_t open = interval.open_containing(from_ms);
  if (open < from_ms) {
    open = interval.next_open(open);
  }
  std::int64_t count = 0;
  for (; open <= to_ms && count <= cap; open = interval.next_open(open)) {
    ++count;
  }
  return count;
}

// [t in seconds, quote volume, close, high, low, open, base volume, closed], all strings.
ordered_json row(const Candle& candle, std::int64_t now_ms) {
  return {std::to_string(candle.open_time_ms / kSecondMs),
          format_units_trimmed(candle.quote_volume),
          format_units_trimmed(candle.close),
          format_units_trimmed(candle.high),
          format_units_trimmed(candle.low),
          format_units_trimmed(candle.open),
          format_units_trimmed(candle.volume),
          candle.close_time_ms < now_ms ? "true" : "false"};
}

}  // namespace

void answer_candlesticks(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock) {
  const Market& market = listed_pair(request);
  const std::string token =
      request.has_param("interval") ? request.get_param_value("interval") : kDefaultInterval;
  const std::optional<CandleInterval> interval = interval_from_token(token);
  if (!interval) {
    throw Rejection(invalid_param_value("Invalid interval: " + token));
  }
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t limit = limit_param(request, kDefaultLimit, kMaxPoints);
  const std::optional<std::int64_t> from_s = optional_unsigned_param(request, "from");
  const std::optional<std::int64_t> to_s = optional_unsigned_param(request, "to");
  // Gate's SDK documents `limit` as exclusive with from/to, yet ccxt sends `to` with `limit`; only
  // `from` with `limit` is refused here.
  if (from_s && request.has_param("limit")) {
    throw Rejection(invalid_param_value("limit cannot be combined with from"));
  }
  if (from_s && to_s && *from_s > *to_s) {
    throw Rejection(invalid_param_value("from must not be later than to"));
  }
  const std::int64_t to_ms = to_s ? std::min(pinned_ms(*to_s, now_ms), now_ms) : now_ms;
  // Only read when `from` was sent.
  const std::int64_t from_ms = from_s ? pinned_ms(*from_s, now_ms) : 0;

  // The earliest candle asked for decides whether the request reaches too far back.
  const std::int64_t earliest_asked =
      from_s ? from_ms : interval->shifted_open(interval->open_containing(to_ms), 1 - limit);
  const std::int64_t oldest_reachable =
      interval->shifted_open(interval->open_containing(now_ms), -kHistoryPoints);
  if (from_s && opens_within(*interval, from_ms, to_ms, kMaxPoints) > kMaxPoints) {
    throw Rejection(invalid_param_value("Too many points requested. Maximum " +
                                        std::to_string(kMaxPoints) + " points are allowed"));
  }
  if (earliest_asked < oldest_reachable) {
    throw Rejection(invalid_param_value("Candlestick too long ago. Maximum " +
                                        std::to_string(kHistoryPoints) +
                                        " points ago are allowed"));
  }

  const std::vector<Candle> candles =
      from_s ? earliest_candles(market, *interval, {from_ms, to_ms, kMaxPoints}, now_ms)
             : latest_candles(market, *interval,
                              {std::numeric_limits<std::int64_t>::min(), to_ms,
                               static_cast<std::size_t>(limit)},
                              now_ms);
  ordered_json rows = ordered_json::array();
  for (const Candle& candle : candles) {
    rows.push_back(row(candle, now_ms));
  }
  answer_json(response, 200, rows.dump());
}

}  // namespace exchange_sim::gate
