#include "bitfinex_candles.h"

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bitfinex_protocol.h"
#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"

namespace exchange_sim::bitfinex {
namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 10000;

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  // The documented list; 1W (and ccxt's 7D) weeks are taken to start on Monday, 14D on every
  // other Monday from the first, and 1M is a calendar month.
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1m", CandleInterval::fixed(kMinuteMs)},
      {"5m", CandleInterval::fixed(5 * kMinuteMs)},
      {"15m", CandleInterval::fixed(15 * kMinuteMs)},
      {"30m", CandleInterval::fixed(30 * kMinuteMs)},
      {"1h", CandleInterval::fixed(kHourMs)},
      {"3h", CandleInterval::fixed(3 * kHourMs)},
      {"6h", CandleInterval::fixed(6 * kHourMs)},
      {"12h", CandleInterval::fixed(12 * kHourMs)},
      {"1D", CandleInterval::fixed(kDayMs)},
      {"1W", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"7D", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"14D", CandleInterval::fixed(2 * kWeekMs, kFirstMondayMs)},
      {"1M", CandleInterval::calendar_month()},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) return std::nullopt;
  return found->second;
}

// [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]: numbers, printed without trailing zeros.
std::string row(const Candle& candle) {
  return "[" + std::to_string(candle.open_time_ms) + "," + format_units_trimmed(candle.open) +
         "," + format_units_trimmed(candle.close) + "," + format_units_trimmed(candle.high) + "," +
         format_units_trimmed(candle.low) + "," + format_units_trimmed(candle.volume) + "]";
}

// "trade:1m:tBTCUST" → the interval and the market; the symbol may hold a colon itself.
std::pair<CandleInterval, const Market*> read_key(const std::string& key) {
  const std::string prefix = "trade:";
  const auto second_colon = key.find(':', prefix.size());
  if (!key.starts_with(prefix) || second_colon == std::string::npos) {
    throw Rejection(invalid("key"));
  }
  const auto interval = interval_from_token(key.substr(prefix.size(), second_colon - prefix.size()));
  if (!interval) throw Rejection(invalid("time_frame"));
  const Market* market = find_trading_symbol(key.substr(second_colon + 1));
  if (market == nullptr) throw Rejection(invalid("symbol"));
  return {*interval, market};
}

}  // namespace

void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const auto [interval, market] = read_key(request.matches[1]);
  const bool last_only = request.matches[2] == "last";
  const std::int64_t limit = optional_int_param(request, "limit").value_or(kDefaultLimit);
  if (limit < 1 || limit > kMaxLimit) throw Rejection(invalid("limit"));
  const std::int64_t now_ms = clock.now_ms();
  const CandleWindow window{
      optional_int_param(request, "start").value_or(std::numeric_limits<std::int64_t>::min()),
      optional_int_param(request, "end").value_or(now_ms),
      last_only ? std::size_t{1} : static_cast<std::size_t>(limit)};
  const bool oldest_first = !last_only && optional_int_param(request, "sort").value_or(-1) == 1;
  std::vector<Candle> candles = window.first_open_ms > window.last_open_ms
                                    ? std::vector<Candle>{}
                                : oldest_first ? earliest_candles(*market, interval, window, now_ms)
                                               : latest_candles(*market, interval, window, now_ms);
  if (last_only) {
    answer_json(response, 200, candles.empty() ? "[]" : row(candles.back()));
    return;
  }
  std::string body = "[";
  for (std::size_t i = 0; i < candles.size(); ++i) {
    const Candle& candle = oldest_first ? candles[i] : candles[candles.size() - 1 - i];
    body += (i == 0 ? "" : ",") + row(candle);
  }
  answer_json(response, 200, body + "]");
}

}  // namespace exchange_sim::bitfinex
