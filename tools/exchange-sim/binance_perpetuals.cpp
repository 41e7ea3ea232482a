#include "binance_perpetuals.h"

#include <algorithm>
#include <string>
#include <vector>

#include "binance_protocol.h"
#include "fixed_point.h"
#include "perp_data.h"

namespace exchange_sim::binance {
namespace {

constexpr std::int64_t kOpenInterestReachMs = 30 * kDayMs;

const Market& perpetual(const httplib::Request& request) {
  const Market& market = listed_market(required_param(request, "symbol"), "symbol");
  if (perpetual_market(market.symbol) == nullptr) throw Rejection(invalid_symbol());
  return market;
}

// The times of a series that a request asks for: from startTime on, else the latest `limit`.
std::vector<std::int64_t> requested_times(const httplib::Request& request, const Market& market,
                                          std::int64_t step_ms, std::size_t limit,
                                          std::int64_t now_ms) {
  const std::optional<std::int64_t> start_time = optional_unsigned_param(request, "startTime");
  const std::optional<std::int64_t> end_time = optional_unsigned_param(request, "endTime");
  if (start_time && end_time && *start_time > *end_time) {
    throw Rejection({400, -1023, "Start time is greater than end time."});
  }
  const std::int64_t to = end_time.value_or(now_ms);
  const std::int64_t from =
      start_time.value_or(to - static_cast<std::int64_t>(limit) * step_ms + 1);
  std::vector<std::int64_t> times = series_times(market, step_ms, from, to, now_ms);
  if (times.size() > limit) {
    if (start_time) {
      times.resize(limit);
    } else {
      times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(limit));
    }
  }
  return times;
}

}  // namespace

void answer_funding_rate(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock) {
  const Market& market = perpetual(request);
  const std::size_t limit = limit_param(request, 100, 1000);
  std::string out = "[";
  for (const std::int64_t t :
       requested_times(request, market, kFundingIntervalMs, limit, clock.now_ms())) {
    const FundingEvent event = funding_at(market, t);
    if (out.size() > 1) out += ',';
    out += "{\"symbol\":\"" + std::string(market.symbol) + "\",\"fundingTime\":" +
           std::to_string(event.time_ms) + ",\"fundingRate\":\"" + format_scaled(event.rate, 8) +
           "\",\"markPrice\":\"" + format_units(event.mark_price) + "\"}";
  }
  answer_json(response, 200, out + "]");
}

void answer_futures_exchange_info(const httplib::Request&, httplib::Response& response,
                                  const SimClock& clock) {
  // Perpetuals are delivered on no day: Binance writes 2100-12-25 as their delivery date.
  constexpr std::int64_t kPerpetualDeliveryMs = 4'133'404'800'000;
  std::string out = "{\"timezone\":\"UTC\",\"serverTime\":" + std::to_string(clock.now_ms()) +
                    ",\"futuresType\":\"U_MARGINED\",\"symbols\":[";
  bool first = true;
  for (const Market& market : all_markets()) {
    if (perpetual_market(market.symbol) == nullptr) continue;
    if (!first) out += ',';
    first = false;
    const std::string symbol(market.symbol), base(market.base_asset), quote(market.quote_asset);
    out += "{\"symbol\":\"" + symbol + "\",\"pair\":\"" + symbol +
           "\",\"contractType\":\"PERPETUAL\",\"deliveryDate\":" +
           std::to_string(kPerpetualDeliveryMs) + ",\"onboardDate\":" +
           std::to_string(market.listed_at_ms) + ",\"status\":\"TRADING\",\"baseAsset\":\"" +
           base + "\",\"quoteAsset\":\"" + quote + "\",\"marginAsset\":\"" + quote +
           "\",\"underlyingType\":\"COIN\"}";
  }
  answer_json(response, 200, out + "]}");
}

void answer_open_interest_hist(const httplib::Request& request, httplib::Response& response,
                               const SimClock& clock) {
  const Market& market = perpetual(request);
  const std::string period = required_param(request, "period");
  static const std::vector<std::string> kPeriods = {"5m", "15m", "30m", "1h", "2h",
                                                    "4h", "6h",  "12h", "1d"};
  if (std::find(kPeriods.begin(), kPeriods.end(), period) == kPeriods.end()) {
    throw Rejection({400, -1130, "Data sent for parameter 'period' is not valid."});
  }
  const std::optional<std::int64_t> start_time = optional_unsigned_param(request, "startTime");
  if (start_time && *start_time < clock.now_ms() - kOpenInterestReachMs) {
    throw Rejection({400, -1130, "Data sent for parameter 'startTime' is not valid."});
  }
  const std::size_t limit = limit_param(request, 30, 500);
  std::string out = "[";
  for (const std::int64_t t : requested_times(request, market, *open_interest_period_ms(period),
                                              limit, clock.now_ms())) {
    const OpenInterestSample sample = open_interest_at(market, t);
    if (out.size() > 1) out += ',';
    out += "{\"symbol\":\"" + std::string(market.symbol) + "\",\"sumOpenInterest\":\"" +
           format_units(sample.base_units) + "\",\"sumOpenInterestValue\":\"" +
           format_units(sample.value_units) + "\",\"CMCCirculatingSupply\":\"19500000.000\"," +
           "\"timestamp\":" + std::to_string(sample.time_ms) + "}";
  }
  answer_json(response, 200, out + "]");
}

}  // namespace exchange_sim::binance
