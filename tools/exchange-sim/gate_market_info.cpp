#include "gate_market_info.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "day_stats.h"
#include "fixed_point.h"
#include "gate_protocol.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::gate {
namespace {

using nlohmann::ordered_json;  // keeps Gate's field order

constexpr std::int64_t kPercentWithTwoDecimals = 10'000;
constexpr std::int64_t kDefaultBookLimit = 10;
constexpr std::int64_t kMaxBookLimit = 1000;
// Order limits for currency_pairs, the same for every market.
constexpr std::int64_t kMinQuoteAmount = 3 * kUnitsPerWhole;
constexpr std::int64_t kMaxBaseAmount = 9'000'000 * kUnitsPerWhole;
constexpr std::int64_t kMaxQuoteAmount = 5'000'000 * kUnitsPerWhole;

// The decimal places of a step such as 0.001 (3) or 1 (0).
int decimal_places(std::int64_t units) {
  const std::string text = format_units_trimmed(units);
  const auto point = text.find('.');
  return point == std::string::npos ? 0 : static_cast<int>(text.size() - point - 1);
}

ordered_json levels(const std::vector<BookLevel>& side) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    out.push_back({format_units_trimmed(level.price), format_units_trimmed(level.quantity)});
  }
  return out;
}

// The fields of Gate's recorded spot ticker, in its order.
ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const auto best_price = [](const std::vector<BookLevel>& side) {
    return side.empty() ? "" : format_units_trimmed(side.front().price);
  };
  const std::int64_t change =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kPercentWithTwoDecimals) : 0;
  return {{"currency_pair", pair_name(market)},
          {"last", format_units_trimmed(stats.last)},
          {"lowest_ask", best_price(top.asks)},
          {"highest_bid", best_price(top.bids)},
          {"change_percentage", without_trailing_zeros(format_scaled(change, 2))},
          {"base_volume", format_units_trimmed(stats.volume)},
          {"quote_volume", format_units_trimmed(stats.quote_volume)},
          {"high_24h", format_units_trimmed(stats.high)},
          {"low_24h", format_units_trimmed(stats.low)}};
}

ordered_json currency_pair(const Market& market) {
  const std::int64_t listed_s = market.listed_at_ms / 1000;
  return {{"id", pair_name(market)},
          {"base", market.base_asset},
          {"quote", market.quote_asset},
          {"fee", "0.2"},
          {"min_base_amount", format_units_trimmed(market.step_size)},
          {"min_quote_amount", format_units_trimmed(kMinQuoteAmount)},
          {"max_base_amount", format_units_trimmed(kMaxBaseAmount)},
          {"max_quote_amount", format_units_trimmed(kMaxQuoteAmount)},
          {"amount_precision", decimal_places(market.step_size)},
          {"precision", decimal_places(market.tick_size)},
          {"trade_status", "tradable"},
          {"sell_start", listed_s},
          {"buy_start", listed_s},
          {"delisting_time", 0},
          {"type", "normal"}};
}

}  // namespace

void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const std::string timezone = request.get_param_value("timezone");
  if (!timezone.empty() && timezone != "utc0" && timezone != "utc8" && timezone != "all") {
    throw Rejection(invalid_param_value("Invalid timezone: " + timezone));
  }
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json tickers = ordered_json::array();
  if (request.has_param("currency_pair")) {
    tickers.push_back(ticker(listed_pair(request), snapshot_ms));
  } else {
    for (const Market& market : all_markets()) {
      tickers.push_back(ticker(market, snapshot_ms));
    }
  }
  answer_json(response, 200, tickers.dump());
}

void answer_order_book(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock) {
  const Market& market = listed_pair(request);
  // Price aggregation ("interval") is not simulated; only "0", none, is accepted.
  if (request.has_param("interval") && request.get_param_value("interval") != "0") {
    throw Rejection(
        invalid_param_value("Invalid interval: " + request.get_param_value("interval")));
  }
  const std::int64_t limit = limit_param(request, kDefaultBookLimit, kMaxBookLimit);
  const std::int64_t now_ms = clock.now_ms();
  const OrderBook book =
      order_book(market, snapshot_time_ms(now_ms), static_cast<std::size_t>(limit));
  ordered_json body = ordered_json::object();
  if (request.get_param_value("with_id") == "true") {
    body["id"] = book.update_id;
  }
  body["current"] = now_ms;
  body["update"] = book.changed_at_ms;
  body["asks"] = levels(book.asks);
  body["bids"] = levels(book.bids);
  answer_json(response, 200, body.dump());
}

void answer_currency_pairs(const httplib::Request&, httplib::Response& response, const SimClock&) {
  ordered_json pairs = ordered_json::array();
  for (const Market& market : all_markets()) {
    pairs.push_back(currency_pair(market));
  }
  answer_json(response, 200, pairs.dump());
}

}  // namespace exchange_sim::gate
