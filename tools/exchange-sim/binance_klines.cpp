#include "binance_klines.h"

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "binance_protocol.h"
#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"

namespace exchange_sim::binance {
namespace {

constexpr std::int64_t kDefaultLimit = 500;
constexpr std::int64_t kMaxLimit = 1000;

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  // Tokens are case-sensitive: "1m" is a minute, "1M" a calendar month.
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1s", CandleInterval::fixed(kSecondMs)},
      {"1m", CandleInterval::fixed(kMinuteMs)},
      {"3m", CandleInterval::fixed(3 * kMinuteMs)},
      {"5m", CandleInterval::fixed(5 * kMinuteMs)},
      {"15m", CandleInterval::fixed(15 * kMinuteMs)},
      {"30m", CandleInterval::fixed(30 * kMinuteMs)},
      {"1h", CandleInterval::fixed(kHourMs)},
      {"2h", CandleInterval::fixed(2 * kHourMs)},
      {"4h", CandleInterval::fixed(4 * kHourMs)},
      {"6h", CandleInterval::fixed(6 * kHourMs)},
      {"8h", CandleInterval::fixed(8 * kHourMs)},
      {"12h", CandleInterval::fixed(12 * kHourMs)},
      {"1d", CandleInterval::fixed(kDayMs)},
      {"3d", CandleInterval::fixed(3 * kDayMs)},
      {"1w", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"1M", CandleInterval::calendar_month()},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) {
    return std::nullopt;
  }
  return found->second;
}

// One row exactly as Binance prints it: integers bare, decimals as strings, the unused field "0".
void append_row(std::string& out, const Candle& candle) {
  const auto quoted = [&out](std::int64_t units) {
    out += '"';
    out += format_units(units);
    out += "\",";
  };
  out += '[';
  out += std::to_string(candle.open_time_ms) + ',';
  quoted(candle.open);
  quoted(candle.high);
  quoted(candle.low);
  quoted(candle.close);
  quoted(candle.volume);
  out += std::to_string(candle.close_time_ms) + ',';
  quoted(candle.quote_volume);
  out += std::to_string(candle.trade_count) + ',';
  quoted(candle.taker_buy_volume);
  quoted(candle.taker_buy_quote_volume);
  out += "\"0\"]";
}

std::string klines_json(const std::vector<Candle>& candles, const KlinesDialect& dialect) {
  std::string out = "[";
  for (const Candle& candle : candles) {
    if (out.size() > 1) {
      out += ',';
    }
    dialect.append_row(out, candle);
  }
  out += ']';
  return out;
}

}  // namespace

void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock, const KlinesDialect& dialect) {
  const std::string symbol = required_param(request, "symbol");
  const std::string interval_token = required_param(request, "interval");
  const std::optional<std::int64_t> start_time = optional_unsigned_param(request, "startTime");
  std::optional<std::int64_t> end_time = optional_unsigned_param(request, "endTime");
  const Market& market = listed_market(symbol, "symbol");
  const std::optional<CandleInterval> interval = dialect.interval_from_token(interval_token);
  if (!interval) {
    throw Rejection(invalid_interval());
  }
  const std::size_t limit = limit_param(request, dialect.default_limit, dialect.max_limit);
  if (start_time && end_time && *start_time > *end_time) {
    throw Rejection({400, -1023, "Start time is greater than end time."});
  }
  if (end_time && dialect.end_time_exclusive) {
    *end_time -= 1;  // the last open time the window takes
  }

  // startTime picks the earliest candles opening at or after it (so a startTime inside a candle
  // skips that candle); otherwise the latest ones opening at or before endTime, or before now.
  const CandleWindow window{start_time.value_or(std::numeric_limits<std::int64_t>::min()),
                            end_time.value_or(std::numeric_limits<std::int64_t>::max()), limit};
  const std::int64_t now_ms = clock.now_ms();
  const std::vector<Candle> candles = start_time
                                          ? earliest_candles(market, *interval, window, now_ms)
                                          : latest_candles(market, *interval, window, now_ms);
  answer_json(response, 200, klines_json(candles, dialect));
}

void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  static constexpr KlinesDialect kBinance{.interval_from_token = interval_from_token,
                                          .append_row = append_row,
                                          .default_limit = kDefaultLimit,
                                          .max_limit = kMaxLimit,
                                          .end_time_exclusive = false};
  answer_klines(request, response, clock, kBinance);
}

}  // namespace exchange_sim::binance
