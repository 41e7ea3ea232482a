#include "bybit_kline.h"

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "bybit_protocol.h"
#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"

namespace exchange_sim::bybit {
namespace {

using nlohmann::ordered_json;

constexpr std::int64_t kDefaultLimit = 200;
constexpr std::int64_t kMaxLimit = 1000;

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  // Minutes as bare numbers, then day, week (from Monday) and calendar month.
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1", CandleInterval::fixed(kMinuteMs)},
      {"3", CandleInterval::fixed(3 * kMinuteMs)},
      {"5", CandleInterval::fixed(5 * kMinuteMs)},
      {"15", CandleInterval::fixed(15 * kMinuteMs)},
      {"30", CandleInterval::fixed(30 * kMinuteMs)},
      {"60", CandleInterval::fixed(kHourMs)},
      {"120", CandleInterval::fixed(2 * kHourMs)},
      {"240", CandleInterval::fixed(4 * kHourMs)},
      {"360", CandleInterval::fixed(6 * kHourMs)},
      {"720", CandleInterval::fixed(12 * kHourMs)},
      {"D", CandleInterval::fixed(kDayMs)},
      {"W", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"M", CandleInterval::calendar_month()},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) {
    return std::nullopt;
  }
  return found->second;
}

// Every field a string, the start time included, decimals without trailing zeros.
ordered_json row(const Candle& candle) {
  return {std::to_string(candle.open_time_ms),      format_units_trimmed(candle.open),
          format_units_trimmed(candle.high),        format_units_trimmed(candle.low),
          format_units_trimmed(candle.close),       format_units_trimmed(candle.volume),
          format_units_trimmed(candle.quote_volume)};
}

}  // namespace

void answer_kline(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  require_spot_category(request);
  const Market& market = listed_market(request);
  const std::string token = request.get_param_value("interval");
  if (token.empty()) {
    throw Rejection(params_error("interval is required"));
  }
  const std::optional<CandleInterval> interval = interval_from_token(token);
  if (!interval) {
    throw Rejection(params_error("invalid interval"));
  }
  const std::optional<std::int64_t> start = optional_unsigned_param(request, "start");
  const std::optional<std::int64_t> end = optional_unsigned_param(request, "end");
  const std::size_t limit = limit_param(request, kDefaultLimit, kMaxLimit);
  if (start && end && *start > *end) {
    throw Rejection(params_error("start is later than end"));
  }

  // Unlike Binance, `start` takes in the candle that contains it. With `start` the earliest
  // candles from there are served, otherwise the latest up to `end` (open time <= end) or now.
  const std::int64_t now_ms = clock.now_ms();
  const CandleWindow window{
      start ? interval->open_containing(*start) : std::numeric_limits<std::int64_t>::min(),
      end.value_or(std::numeric_limits<std::int64_t>::max()), limit};
  std::vector<Candle> candles = start ? earliest_candles(market, *interval, window, now_ms)
                                      : latest_candles(market, *interval, window, now_ms);
  std::ranges::reverse(candles);  // Bybit lists the newest first

  ordered_json list = ordered_json::array();
  for (const Candle& candle : candles) {
    list.push_back(row(candle));
  }
  answer_result(response,
                {{"symbol", market.symbol}, {"category", "spot"}, {"list", std::move(list)}},
                now_ms);
}

}  // namespace exchange_sim::bybit
