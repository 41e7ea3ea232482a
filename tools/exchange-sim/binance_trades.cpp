#include "binance_trades.h"

#include <algorithm>
#include <optional>
#include <string>

#include "binance_protocol.h"
#include "fixed_point.h"
#include "trade_data.h"

namespace exchange_sim::binance {
namespace {

constexpr std::int64_t kDefaultLimit = 500;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kMaxWindowMs = 3'600'000;

void append_row(std::string& out, const Trade& trade) {
  out += "{\"a\":" + std::to_string(trade.number) + ",\"p\":\"" + format_units(trade.price) +
         "\",\"q\":\"" + format_units(trade.quantity) + "\",\"f\":" +
         std::to_string(trade.first_fill) + ",\"l\":" + std::to_string(trade.last_fill) +
         ",\"T\":" + std::to_string(trade.time_ms) + ",\"m\":" +
         (trade.buyer_is_maker ? "true" : "false") + ",\"M\":true}";
}

}  // namespace

void answer_agg_trades(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock) {
  const Market& market = listed_market(required_param(request, "symbol"), "symbol");
  const std::optional<std::int64_t> from_id = optional_unsigned_param(request, "fromId");
  const std::optional<std::int64_t> start_time = optional_unsigned_param(request, "startTime");
  const std::optional<std::int64_t> end_time = optional_unsigned_param(request, "endTime");
  const auto limit = static_cast<std::int64_t>(limit_param(request, kDefaultLimit, kMaxLimit));
  if (start_time && end_time) {
    if (*start_time > *end_time) throw Rejection({400, -1023, "Start time is greater than end time."});
    if (*end_time - *start_time > kMaxWindowMs) {
      throw Rejection({400, -1127, "More than 1 hours between startTime and endTime."});
    }
  }
  const std::optional<std::int64_t> newest = last_trade_until(market, clock.now_ms());
  std::string out = "[";
  if (newest) {
    std::int64_t last = *newest;
    if (end_time) last = std::min(last, first_trade_at_or_after(market, *end_time + 1) - 1);
    std::int64_t first = 0;
    if (from_id) {
      first = *from_id;
    } else if (start_time) {
      first = first_trade_at_or_after(market, *start_time);
    } else {
      first = std::max<std::int64_t>(0, last - limit + 1);  // the most recent ones
    }
    if (from_id && start_time) first = std::max(first, first_trade_at_or_after(market, *start_time));
    for (std::int64_t number = first; number <= last && number < first + limit; ++number) {
      if (out.size() > 1) out += ',';
      append_row(out, trade_at(market, number));
    }
  }
  out += ']';
  answer_json(response, 200, std::move(out));
}

}  // namespace exchange_sim::binance
