#include "okx_candles.h"

#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"
#include "okx_protocol.h"

namespace exchange_sim::okx {
namespace {

using nlohmann::ordered_json;

constexpr std::int64_t kDefaultLimit = 100;
// Both 300: OKX raised history-candles' cap from 100 to 300 in 2025 (ccxt#26705, #26723), and
// ccxt 4.5.90 asks history-candles for 300 by default.
constexpr std::int64_t kMaxLimit = 300;
constexpr std::int64_t kRecentBars = 1440;  // what /market/candles reaches back
// 00:00 Hong Kong time (UTC+8) is 16:00 UTC: where OKX's plain 6H, 12H, 1D and 1W bars open.
constexpr std::int64_t kHongKongMidnightMs = -8 * kHourMs;

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1m", CandleInterval::fixed(kMinuteMs)},
      {"3m", CandleInterval::fixed(3 * kMinuteMs)},
      {"5m", CandleInterval::fixed(5 * kMinuteMs)},
      {"15m", CandleInterval::fixed(15 * kMinuteMs)},
      {"30m", CandleInterval::fixed(30 * kMinuteMs)},
      {"1H", CandleInterval::fixed(kHourMs)},
      {"2H", CandleInterval::fixed(2 * kHourMs)},
      {"4H", CandleInterval::fixed(4 * kHourMs)},
      {"6H", CandleInterval::fixed(6 * kHourMs, kHongKongMidnightMs)},
      {"12H", CandleInterval::fixed(12 * kHourMs, kHongKongMidnightMs)},
      {"1D", CandleInterval::fixed(kDayMs, kHongKongMidnightMs)},
      {"1W", CandleInterval::fixed(kWeekMs, kFirstMondayMs + kHongKongMidnightMs)},
      {"6Hutc", CandleInterval::fixed(6 * kHourMs)},
      {"12Hutc", CandleInterval::fixed(12 * kHourMs)},
      {"1Dutc", CandleInterval::fixed(kDayMs)},
      {"1Wutc", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) return std::nullopt;
  return found->second;
}

// Every field a string; volCcy and volCcyQuote are both the quote volume on spot; confirm is
// "0" while the candle is still open.
ordered_json row(const Candle& candle, std::int64_t now_ms) {
  const std::string quote_volume = format_units_trimmed(candle.quote_volume);
  return {std::to_string(candle.open_time_ms), format_units_trimmed(candle.open),
          format_units_trimmed(candle.high),   format_units_trimmed(candle.low),
          format_units_trimmed(candle.close),  format_units_trimmed(candle.volume),
          quote_volume,                        quote_volume,
          candle.close_time_ms < now_ms ? "1" : "0"};
}

// after and before are exclusive: rows with before < ts < after. Of more than `limit` such
// rows, the newest are sent (also with `before` alone, which pages forward from the latest).
void answer(const httplib::Request& request, httplib::Response& response, const SimClock& clock,
            bool recent_only) {
  const Market& market = listed_instrument(request);
  const std::string token = request.has_param("bar") ? request.get_param_value("bar") : "1m";
  const std::optional<CandleInterval> interval = interval_from_token(token);
  if (!interval) throw Rejection(parameter_error("bar"));
  const std::optional<std::int64_t> after = optional_unsigned_param(request, "after");
  const std::optional<std::int64_t> before = optional_unsigned_param(request, "before");
  const std::size_t limit = bounded_param(request, "limit", kDefaultLimit, kMaxLimit);

  const std::int64_t now_ms = clock.now_ms();
  std::int64_t first_open = before ? *before + 1 : std::numeric_limits<std::int64_t>::min();
  if (recent_only) {
    const std::int64_t oldest_recent =
        interval->shifted_open(interval->open_containing(now_ms), 1 - kRecentBars);
    first_open = std::max(first_open, oldest_recent);
  }
  const std::int64_t last_open = after ? *after - 1 : std::numeric_limits<std::int64_t>::max();
  std::vector<Candle> candles =
      latest_candles(market, *interval, CandleWindow{first_open, last_open, limit}, now_ms);

  ordered_json data = ordered_json::array();
  for (auto candle = candles.rbegin(); candle != candles.rend(); ++candle) {  // newest first
    data.push_back(row(*candle, now_ms));
  }
  answer_data(response, data);
}

}  // namespace

void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  answer(request, response, clock, true);
}

void answer_history_candles(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock) {
  answer(request, response, clock, false);
}

}  // namespace exchange_sim::okx
