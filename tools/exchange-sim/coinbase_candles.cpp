#include "coinbase_candles.h"

#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "coinbase_protocol.h"
#include "fixed_point.h"
#include "market_data.h"

namespace exchange_sim::coinbase {
namespace {

constexpr std::int64_t kMaxCandles = 300;

std::optional<CandleInterval> interval_from_granularity(const std::string& seconds) {
  for (const std::int64_t allowed : {60, 300, 900, 3600, 21600, 86400}) {
    if (seconds == std::to_string(allowed)) return CandleInterval::fixed(allowed * kSecondMs);
  }
  return std::nullopt;
}

std::int64_t time_param(const httplib::Request& request, const std::string& name) {
  const auto ms = parse_time(request.get_param_value(name));
  if (!ms) throw Rejection(bad_request("Invalid " + name));
  return *ms;
}

// How many candles open within [from_ms, to_ms] of a fixed interval.
std::int64_t opens_within(const CandleInterval& interval, std::int64_t from_ms,
                          std::int64_t to_ms) {
  const std::int64_t first = interval.open_containing(from_ms);
  const std::int64_t last = interval.open_containing(to_ms);
  return (last - first) / (interval.next_open(first) - first) + 1;
}

// Prices and sizes are JSON numbers: the digits are written as they are, never through a double.
void append_row(std::string& out, const Candle& candle) {
  out += '[';
  out += std::to_string(candle.open_time_ms / kSecondMs);
  for (const std::int64_t units :
       {candle.low, candle.high, candle.open, candle.close, candle.volume}) {
    out += ',';
    out += format_units_trimmed(units);
  }
  out += ']';
}

}  // namespace

void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const Market& market = listed_product(request);
  const std::optional<CandleInterval> interval =
      interval_from_granularity(request.get_param_value("granularity"));
  if (!interval) throw Rejection(bad_request("Unsupported granularity"));
  const std::int64_t now_ms = clock.now_ms();
  // Either bound alone is ignored, as Coinbase documents: the latest 300 candles come back.
  const bool bounded = request.has_param("start") && request.has_param("end");
  std::vector<Candle> candles;
  if (bounded) {
    const std::int64_t start_ms = time_param(request, "start");
    const std::int64_t end_ms = time_param(request, "end");
    if (start_ms > end_ms) throw Rejection(bad_request("start must be before end"));
    if (opens_within(*interval, start_ms, end_ms) > kMaxCandles) {
      throw Rejection(bad_request(
          "granularity too small for the requested time range. Count of aggregations requested "
          "exceeds 300"));
    }
    // The candle containing start comes too: the answer may begin before start.
    candles = earliest_candles(
        market, *interval,
        {interval->open_containing(start_ms), std::min(end_ms, now_ms), kMaxCandles}, now_ms);
  } else {
    candles = latest_candles(
        market, *interval, {std::numeric_limits<std::int64_t>::min(), now_ms, kMaxCandles},
        now_ms);
  }
  std::string body = "[";
  for (auto candle = candles.rbegin(); candle != candles.rend(); ++candle) {
    if (body.size() > 1) body += ',';
    append_row(body, *candle);
  }
  body += ']';
  answer_json(response, 200, std::move(body));
}

}  // namespace exchange_sim::coinbase
