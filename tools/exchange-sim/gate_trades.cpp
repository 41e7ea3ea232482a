#include "gate_trades.h"

#include <algorithm>
#include <optional>
#include <string>

#include "fixed_point.h"
#include "candle_interval.h"
#include "gate_protocol.h"
#include "hashing.h"
#include "trade_data.h"

namespace exchange_sim::gate {
namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 1000;
constexpr std::int64_t kMaxDepth = 100'000;  // limit * (page - 1)
// Gate serves the last 30 days of trades (gateio/gateapi-go#26).
constexpr std::int64_t kReachMs = 30 * kDayMs;

// Gate numbers trades across all pairs (`id`), and each pair's own one by one (`sequence_id`).
std::int64_t market_index(const Market& market) { return &market - all_markets().data(); }

std::int64_t global_id(const Market& market, std::int64_t number) {
  return number * static_cast<std::int64_t>(all_markets().size()) + market_index(market) + 1;
}

// The pair's trade number at or before a global id (of any pair).
std::int64_t number_of(const Market& market, std::int64_t id) {
  return (id - 1 - market_index(market)) / static_cast<std::int64_t>(all_markets().size());
}

void append_row(std::string& out, const Market& market, const Trade& trade) {
  // Gate's millisecond time carries microseconds after the point.
  const std::int64_t micros = hash_below_or_equal(
      hash_parts({hash_text(market.symbol), static_cast<std::uint64_t>(trade.number)}), 999);
  std::string fraction = std::to_string(micros);
  fraction.insert(0, 3 - fraction.size(), '0');
  out += "{\"id\":\"" + std::to_string(global_id(market, trade.number)) + "\",\"create_time\":\"" +
         std::to_string(trade.time_ms / 1000) + "\",\"create_time_ms\":\"" +
         std::to_string(trade.time_ms) + "." + fraction + "000\",\"currency_pair\":\"" +
         pair_name(market) + "\",\"side\":\"" + (trade.buyer_is_maker ? "sell" : "buy") +
         "\",\"amount\":\"" + format_units_trimmed(trade.quantity) + "\",\"price\":\"" +
         format_units_trimmed(trade.price) + "\",\"sequence_id\":\"" +
         std::to_string(trade.number + 1) + "\"}";
}

}  // namespace

void answer_trades(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  const Market& market = listed_pair(request);
  const std::int64_t limit = limit_param(request, kDefaultLimit, kMaxLimit);
  const std::int64_t page = optional_unsigned_param(request, "page").value_or(1);
  if (page < 1) throw Rejection(invalid_param_value("page must be greater than 0"));
  if (limit * (page - 1) > kMaxDepth) {
    throw Rejection(invalid_param_value("limit * (page - 1) must not exceed 100000"));
  }
  const std::optional<std::int64_t> from = optional_unsigned_param(request, "from");
  const std::optional<std::int64_t> to = optional_unsigned_param(request, "to");
  const std::optional<std::int64_t> last_id = optional_unsigned_param(request, "last_id");
  const bool reverse = request.has_param("reverse") && request.get_param_value("reverse") == "true";
  if (from && to && *from > *to) throw Rejection(invalid_param_value("from must not be after to"));
  const std::int64_t reach_s = (clock.now_ms() - kReachMs) / 1000;
  if ((from && *from < reach_s) || (to && *to < reach_s)) {
    throw Rejection(invalid_param_value(
        "for public trades older than 30 days, download from historical data instead"));
  }

  std::string out = "[";
  const std::optional<std::int64_t> newest = last_trade_until(market, clock.now_ms());
  if (newest) {
    // The trades in [oldest, latest], newest first, one page of them.
    std::int64_t oldest = 0;
    std::int64_t latest = *newest;
    if (last_id) {
      // With last_id the time range is ignored: the trades just before it (reverse) or after it.
      const std::int64_t anchor = number_of(market, *last_id);
      if (reverse) {
        latest = std::min(latest, anchor - 1);
        oldest = std::max<std::int64_t>(0, latest - limit + 1);
      } else {
        oldest = anchor + 1;
        latest = std::min(latest, oldest + limit - 1);
      }
    } else {
      if (from) oldest = first_trade_at_or_after(market, *from * 1000);
      if (to) latest = std::min(latest, first_trade_at_or_after(market, (*to + 1) * 1000) - 1);
    }
    const std::int64_t first = latest - limit * (page - 1);
    for (std::int64_t number = first; number >= oldest && number > first - limit; --number) {
      if (out.size() > 1) out += ',';
      append_row(out, market, trade_at(market, number));
    }
  }
  out += ']';
  answer_json(response, 200, std::move(out));
}

}  // namespace exchange_sim::gate
