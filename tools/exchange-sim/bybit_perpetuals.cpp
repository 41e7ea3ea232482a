#include "bybit_perpetuals.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <string>
#include <vector>

#include "bybit_protocol.h"
#include "fixed_point.h"
#include "perp_data.h"

namespace exchange_sim::bybit {
namespace {

// category=linear and a listed USDT market; Bybit answers an unknown perpetual like a spot one.
const Market& linear_perpetual(const httplib::Request& request) {
  const std::string category = request.get_param_value("category");
  if (category.empty()) throw Rejection(params_error("category is required"));
  if (category != "linear" && category != "inverse") {
    throw Rejection(params_error("category only support linear or inverse"));
  }
  const Market& market = listed_market(request);
  if (category != "linear" || perpetual_market(market.symbol) == nullptr) {
    throw Rejection(not_supported_symbols());
  }
  return market;
}

// The newest `limit` times of the series in [startTime, endTime or now] older than `before`.
std::vector<std::int64_t> newest_times(const httplib::Request& request, const Market& market,
                                       std::int64_t step_ms, std::size_t limit,
                                       std::int64_t before, std::int64_t now_ms) {
  const std::optional<std::int64_t> start_time = optional_unsigned_param(request, "startTime");
  const std::optional<std::int64_t> end_time = optional_unsigned_param(request, "endTime");
  if (start_time && !end_time) throw Rejection(params_error("startTime requires endTime"));
  if (start_time && *start_time > *end_time) {
    throw Rejection(params_error("startTime must be less than endTime"));
  }
  const std::int64_t to = std::min(end_time.value_or(now_ms), before - 1);
  std::vector<std::int64_t> times =
      series_times(market, step_ms, start_time.value_or(0), to, now_ms);
  if (times.size() > limit) times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(limit));
  std::reverse(times.begin(), times.end());
  return times;
}

}  // namespace

void answer_linear_instruments(const httplib::Request& request, httplib::Response& response,
                               const SimClock& clock) {
  std::vector<const Market*> markets;
  if (request.has_param("symbol")) {
    markets.push_back(&linear_perpetual(request));
  } else {
    for (const Market& market : all_markets()) {
      if (perpetual_market(market.symbol) != nullptr) markets.push_back(&market);
    }
  }
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Market* market : markets) {
    list.push_back({{"symbol", market->symbol},
                    {"contractType", "LinearPerpetual"},
                    {"status", "Trading"},
                    {"baseCoin", market->base_asset},
                    {"quoteCoin", market->quote_asset},
                    {"launchTime", std::to_string(market->listed_at_ms)},
                    {"deliveryTime", "0"},
                    {"fundingInterval", kFundingIntervalMs / kMinuteMs},
                    {"settleCoin", market->quote_asset},
                    {"priceFilter", {{"tickSize", format_units_trimmed(market->tick_size)}}},
                    {"lotSizeFilter", {{"qtyStep", format_units_trimmed(market->step_size)}}}});
  }
  answer_result(response, {{"category", "linear"}, {"list", std::move(list)}, {"nextPageCursor", ""}},
                clock.now_ms());
}

void answer_funding_history(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock) {
  const Market& market = linear_perpetual(request);
  const std::size_t limit = limit_param(request, 200, 200);
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const std::int64_t t : newest_times(request, market, kFundingIntervalMs, limit,
                                           std::numeric_limits<std::int64_t>::max(),
                                           clock.now_ms())) {
    const FundingEvent event = funding_at(market, t);
    list.push_back({{"symbol", market.symbol},
                    {"fundingRate", without_trailing_zeros(format_scaled(event.rate, 8))},
                    {"fundingRateTimestamp", std::to_string(event.time_ms)}});
  }
  answer_result(response, {{"category", "linear"}, {"list", std::move(list)}}, clock.now_ms());
}

void answer_open_interest(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock) {
  const Market& market = linear_perpetual(request);
  const std::string interval = request.get_param_value("intervalTime");
  static const std::vector<std::string> kIntervals = {"5min", "15min", "30min", "1h", "4h", "1d"};
  if (std::find(kIntervals.begin(), kIntervals.end(), interval) == kIntervals.end()) {
    throw Rejection(params_error(interval.empty() ? "intervalTime is required"
                                                  : "intervalTime invalid"));
  }
  const std::size_t limit = limit_param(request, 50, 200);
  // The cursor is the time of the last sample sent: the next page is older.
  std::int64_t before = std::numeric_limits<std::int64_t>::max();
  if (const std::string cursor = request.get_param_value("cursor"); !cursor.empty()) {
    const auto [end, ec] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), before);
    if (ec != std::errc{} || end != cursor.data() + cursor.size()) {
      throw Rejection(params_error("cursor invalid"));
    }
  }
  const std::int64_t period = *open_interest_period_ms(interval);
  std::vector<std::int64_t> times =
      newest_times(request, market, period, limit + 1, before, clock.now_ms());
  const bool more = times.size() > limit;
  if (more) times.pop_back();
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const std::int64_t t : times) {
    const OpenInterestSample sample = open_interest_at(market, t);
    list.push_back({{"openInterest", format_units(sample.base_units)},
                    {"timestamp", std::to_string(sample.time_ms)}});
  }
  answer_result(response,
                {{"symbol", market.symbol},
                 {"category", "linear"},
                 {"list", std::move(list)},
                 {"nextPageCursor", more ? std::to_string(times.back()) : ""}},
                clock.now_ms());
}

}  // namespace exchange_sim::bybit
