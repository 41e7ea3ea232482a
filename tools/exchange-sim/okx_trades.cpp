#include "okx_trades.h"

#include <algorithm>
#include <optional>
#include <string>

#include "fixed_point.h"
#include "candle_interval.h"
#include "okx_protocol.h"
#include "trade_data.h"

namespace exchange_sim::okx {
namespace {

constexpr std::int64_t kMaxLimit = 100;
// OKX's history-trades reach back three months; older trades are simply not there.
constexpr std::int64_t kReachMs = 90 * kDayMs;

nlohmann::ordered_json row(const Market& market, const Trade& trade) {
  return {{"instId", instrument_id(market)},
          {"side", trade.buyer_is_maker ? "sell" : "buy"},
          {"sz", format_units_trimmed(trade.quantity)},
          {"px", format_units_trimmed(trade.price)},
          {"tradeId", std::to_string(trade.number + 1)},
          {"ts", std::to_string(trade.time_ms)},
          {"source", "0"}};
}

}  // namespace

void answer_history_trades(const httplib::Request& request, httplib::Response& response,
                           const SimClock& clock) {
  const Market& market = listed_instrument(request);
  const std::string type = request.has_param("type") ? request.get_param_value("type") : "1";
  if (type != "1" && type != "2") throw Rejection(parameter_error("type"));
  const bool by_time = type == "2";
  const std::optional<std::int64_t> after = optional_unsigned_param(request, "after");
  const std::optional<std::int64_t> before = optional_unsigned_param(request, "before");
  const auto limit = static_cast<std::int64_t>(bounded_param(request, "limit", kMaxLimit, kMaxLimit));

  nlohmann::ordered_json data = nlohmann::ordered_json::array();
  const std::optional<std::int64_t> newest = last_trade_until(market, clock.now_ms());
  if (newest) {
    // Trade numbers in [oldest, latest]: after and before bound them, exclusive.
    std::int64_t latest = *newest;
    std::int64_t oldest = first_trade_at_or_after(market, clock.now_ms() - kReachMs);
    if (after) {
      latest = std::min(latest, by_time ? first_trade_at_or_after(market, *after) - 1 : *after - 2);
    }
    if (before) {
      oldest = std::max(oldest, by_time ? first_trade_at_or_after(market, *before + 1) : *before);
    }
    // With only `before`, the trades just newer than it; otherwise the newest in range.
    const std::int64_t first = before && !after ? std::min(latest, oldest + limit - 1) : latest;
    for (std::int64_t number = first; number >= oldest && number > first - limit; --number) {
      data.push_back(row(market, trade_at(market, number)));
    }
  }
  answer_data(response, data);
}

}  // namespace exchange_sim::okx
