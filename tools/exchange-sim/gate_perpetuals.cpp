#include "gate_perpetuals.h"

#include <algorithm>
#include <string>
#include <vector>

#include "fixed_point.h"
#include "gate_protocol.h"
#include "market_data.h"
#include "perp_data.h"

namespace exchange_sim::gate {
namespace {

// `contract` names a USDT perpetual the simulator runs ("BTC_USDT").
const Market& contract_market(const std::string& contract) {
  if (contract.empty()) {
    throw Rejection({400, "MISSING_REQUIRED_PARAM", "Missing required parameter: contract"});
  }
  const auto separator = contract.find('_');
  const Market* market =
      separator == std::string::npos
          ? nullptr
          : perpetual_market(contract.substr(0, separator) + contract.substr(separator + 1));
  if (market == nullptr || contract != pair_name(*market)) {
    throw Rejection({400, "CONTRACT_NOT_FOUND", "Contract not found"});
  }
  return *market;
}

std::int64_t seconds_to_ms(std::int64_t seconds) { return seconds * kSecondMs; }

// A contract's description as Gate prints it, quanto_multiplier included.
std::string contract_json(const Market& market, std::int64_t now) {
  const std::string price = format_units_trimmed(price_at(market, now));
  const FundingEvent next = funding_at(market, (now / kFundingIntervalMs + 1) * kFundingIntervalMs);
  return "{\"name\":\"" + pair_name(market) + "\",\"type\":\"direct\",\"quanto_multiplier\":\"" +
         kQuantoMultiplier + "\",\"leverage_min\":\"1\",\"leverage_max\":\"100\","
         "\"mark_type\":\"index\",\"mark_price\":\"" + price + "\",\"index_price\":\"" + price +
         "\",\"last_price\":\"" + price + "\",\"funding_rate\":\"" +
         without_trailing_zeros(format_scaled(next.rate, 8)) +
         "\",\"funding_interval\":28800,\"funding_next_apply\":" +
         std::to_string(next.time_ms / kSecondMs) +
         ",\"order_size_min\":1,\"order_size_max\":1000000,\"in_delisting\":false,"
         "\"create_time\":" + std::to_string(market.listed_at_ms / kSecondMs) + "}";
}

}  // namespace

void answer_funding_rate(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock) {
  const Market& market = contract_market(request.get_param_value("contract"));
  const auto limit = static_cast<std::size_t>(limit_param(request, 100, 1000));
  const std::optional<std::int64_t> from = optional_unsigned_param(request, "from");
  const std::optional<std::int64_t> to = optional_unsigned_param(request, "to");
  std::vector<std::int64_t> times =
      series_times(market, kFundingIntervalMs, seconds_to_ms(from.value_or(0)),
                   to ? seconds_to_ms(*to) : clock.now_ms(), clock.now_ms());
  if (times.size() > limit) times.erase(times.begin(), times.end() - static_cast<std::ptrdiff_t>(limit));
  std::string out = "[";
  for (auto it = times.rbegin(); it != times.rend(); ++it) {
    const FundingEvent event = funding_at(market, *it);
    if (out.size() > 1) out += ',';
    out += "{\"t\":" + std::to_string(event.time_ms / kSecondMs) + ",\"r\":\"" +
           without_trailing_zeros(format_scaled(event.rate, 8)) + "\"}";
  }
  answer_json(response, 200, out + "]");
}

void answer_contract_stats(const httplib::Request& request, httplib::Response& response,
                           const SimClock& clock) {
  const Market& market = contract_market(request.get_param_value("contract"));
  const std::string interval =
      request.has_param("interval") ? request.get_param_value("interval") : "5m";
  static const std::vector<std::string> kIntervals = {"5m", "15m", "30m", "1h", "4h", "1d"};
  if (std::find(kIntervals.begin(), kIntervals.end(), interval) == kIntervals.end()) {
    throw Rejection(invalid_param_value("invalid interval " + interval));
  }
  const auto limit = static_cast<std::size_t>(limit_param(request, 30, 100));
  const std::int64_t period = *open_interest_period_ms(interval);
  const std::optional<std::int64_t> from = optional_unsigned_param(request, "from");
  const std::int64_t from_ms =
      from ? seconds_to_ms(*from) : clock.now_ms() - static_cast<std::int64_t>(limit) * period + 1;
  std::vector<std::int64_t> times =
      series_times(market, period, from_ms, clock.now_ms(), clock.now_ms());
  if (times.size() > limit) times.resize(limit);
  std::string out = "[";
  for (const std::int64_t t : times) {
    const OpenInterestSample sample = open_interest_at(market, t);
    if (out.size() > 1) out += ',';
    // Gate prints its statistics as JSON numbers; the USD value with two decimals here.
    out += "{\"time\":" + std::to_string(t / kSecondMs) +
           ",\"lsr_taker\":1.2,\"lsr_account\":0.9,\"long_liq_size\":0,\"short_liq_size\":0,"
           "\"open_interest\":" + std::to_string(sample.contracts) +
           ",\"short_liq_usd\":0,\"mark_price\":\"" + format_units_trimmed(sample.mark_price) +
           "\",\"top_lsr_size\":1.02,\"short_liq_amount\":0,\"long_liq_amount\":0,"
           "\"open_interest_usd\":" + format_scaled(sample.value_units / 1'000'000, 2) +
           ",\"top_lsr_account\":1.5,\"long_liq_usd\":0}";
  }
  answer_json(response, 200, out + "]");
}

void answer_contract(const httplib::Request& request, httplib::Response& response,
                     const SimClock& clock) {
  answer_json(response, 200, contract_json(contract_market(request.matches[1]), clock.now_ms()));
}

void answer_contracts(const httplib::Request&, httplib::Response& response,
                      const SimClock& clock) {
  std::string out = "[";
  for (const Market& market : all_markets()) {
    if (perpetual_market(market.symbol) == nullptr) continue;
    if (out.size() > 1) out += ',';
    out += contract_json(market, clock.now_ms());
  }
  answer_json(response, 200, out + "]");
}

}  // namespace exchange_sim::gate
