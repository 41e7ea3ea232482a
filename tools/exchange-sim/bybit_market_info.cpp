#include "bybit_market_info.h"

#include <nlohmann/json.hpp>
#include <vector>

#include "bybit_perpetuals.h"
#include "bybit_protocol.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::bybit {
namespace {

using nlohmann::ordered_json;  // keeps Bybit's field order

constexpr std::int64_t kFractionWithFourDecimals = 10'000;
constexpr std::int64_t kDefaultBookLimit = 1;
constexpr std::int64_t kMaxBookLimit = 1000;
// Order limits for instruments-info, the same for every market.
constexpr std::int64_t kMaxOrderQuantity = 9'000'000 * kUnitsPerWhole;
constexpr std::int64_t kMinOrderAmount = 1 * kUnitsPerWhole;
constexpr std::int64_t kMaxOrderAmount = 2'000'000 * kUnitsPerWhole;

// The market named by `symbol`, or every market when it is absent.
std::vector<const Market*> requested_markets(const httplib::Request& request) {
  if (request.has_param("symbol")) {
    return {&listed_market(request)};
  }
  std::vector<const Market*> markets;
  for (const Market& market : all_markets()) {
    markets.push_back(&market);
  }
  return markets;
}

ordered_json levels(const std::vector<BookLevel>& side) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    out.push_back({format_units_trimmed(level.price), format_units_trimmed(level.quantity)});
  }
  return out;
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const auto price_or_empty = [](const std::vector<BookLevel>& side) {
    return side.empty() ? "" : format_units_trimmed(side.front().price);
  };
  const auto size_or_empty = [](const std::vector<BookLevel>& side) {
    return side.empty() ? "" : format_units_trimmed(side.front().quantity);
  };
  const std::int64_t change =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kFractionWithFourDecimals) : 0;
  // A USDT market's USD index price is taken to be its last price.
  return {{"symbol", market.symbol},
          {"bid1Price", price_or_empty(top.bids)},
          {"bid1Size", size_or_empty(top.bids)},
          {"ask1Price", price_or_empty(top.asks)},
          {"ask1Size", size_or_empty(top.asks)},
          {"lastPrice", format_units_trimmed(stats.last)},
          {"prevPrice24h", format_units_trimmed(stats.open)},
          {"price24hPcnt", without_trailing_zeros(format_scaled(change, 4))},
          {"highPrice24h", format_units_trimmed(stats.high)},
          {"lowPrice24h", format_units_trimmed(stats.low)},
          {"turnover24h", format_units_trimmed(stats.quote_volume)},
          {"volume24h", format_units_trimmed(stats.volume)},
          {"usdIndexPrice", format_units_trimmed(stats.last)}};
}

ordered_json instrument(const Market& market) {
  return {{"symbol", market.symbol},
          {"baseCoin", market.base_asset},
          {"quoteCoin", market.quote_asset},
          {"status", "Trading"},
          {"lotSizeFilter",
           {{"basePrecision", format_units_trimmed(market.step_size)},
            {"quotePrecision", format_units_trimmed(1)},
            {"minOrderQty", format_units_trimmed(market.step_size)},
            {"maxOrderQty", format_units_trimmed(kMaxOrderQuantity)},
            {"minOrderAmt", format_units_trimmed(kMinOrderAmount)},
            {"maxOrderAmt", format_units_trimmed(kMaxOrderAmount)}}},
          {"priceFilter", {{"tickSize", format_units_trimmed(market.tick_size)}}}};
}

}  // namespace

void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  require_spot_category(request);
  const std::int64_t now_ms = clock.now_ms();
  ordered_json list = ordered_json::array();
  for (const Market* market : requested_markets(request)) {
    list.push_back(ticker(*market, snapshot_time_ms(now_ms)));
  }
  answer_result(response, {{"category", "spot"}, {"list", std::move(list)}}, now_ms);
}

void answer_orderbook(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock) {
  require_spot_category(request);
  const Market& market = listed_market(request);
  const std::size_t limit = limit_param(request, kDefaultBookLimit, kMaxBookLimit);
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t snapshot_ms = snapshot_time_ms(now_ms);
  const OrderBook book = order_book(market, snapshot_ms, limit);
  // u is the book's update id; seq, the cross sequence, is a separate and faster counter.
  answer_result(response,
                {{"s", market.symbol},
                 {"b", levels(book.bids)},
                 {"a", levels(book.asks)},
                 {"ts", snapshot_ms},
                 {"u", book.update_id},
                 {"seq", book.update_id * 4},
                 {"cts", book.changed_at_ms}},
                now_ms);
}

void answer_instruments_info(const httplib::Request& request, httplib::Response& response,
                             const SimClock& clock) {
  if (request.get_param_value("category") == "linear") {
    return answer_linear_instruments(request, response, clock);
  }
  require_spot_category(request);
  ordered_json list = ordered_json::array();
  for (const Market* market : requested_markets(request)) {
    list.push_back(instrument(*market));
  }
  answer_result(response, {{"category", "spot"}, {"list", std::move(list)}}, clock.now_ms());
}

}  // namespace exchange_sim::bybit
