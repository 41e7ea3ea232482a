#include "coinbase_market_info.h"

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "coinbase_protocol.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::coinbase {
namespace {

using nlohmann::ordered_json;  // keeps Coinbase's field order

constexpr std::size_t kLevelTwoDepth = 1000;
constexpr std::int64_t kThirtyDays = 30;
constexpr std::int64_t kSparkLineHours = 24;
constexpr std::int64_t kMinMarketFunds = 1 * kUnitsPerWhole;
constexpr std::int64_t kMaxMarketFunds = 20'000'000 * kUnitsPerWhole;

// The base volume of the 1d candles of the last 30 days, today's still open one included: the
// simulator's stand-in for Coinbase's trailing 30-day volume.
std::int64_t thirty_day_volume(const Market& market, std::int64_t now_ms) {
  const CandleInterval day = CandleInterval::fixed(kDayMs);
  std::int64_t volume = 0;
  for (const Candle& candle : latest_candles(
           market, day, {day.shifted_open(day.open_containing(now_ms), 1 - kThirtyDays), now_ms,
                         static_cast<std::size_t>(kThirtyDays)},
           now_ms)) {
    volume += candle.volume;
  }
  return volume;
}

ordered_json product(const Market& market) {
  const std::string id = product_id(market);
  return {{"id", id},
          {"base_currency", market.base_asset},
          {"quote_currency", market.quote_asset},
          {"quote_increment", format_units_trimmed(market.tick_size)},
          {"base_increment", format_units_trimmed(market.step_size)},
          {"display_name", std::string(market.base_asset) + "/" + std::string(market.quote_asset)},
          {"min_market_funds", format_units_trimmed(kMinMarketFunds)},
          {"max_market_funds", format_units_trimmed(kMaxMarketFunds)},
          {"margin_enabled", false},
          {"fx_stablecoin", false},
          {"max_slippage_percentage", "0.02000000"},
          {"post_only", false},
          {"limit_only", false},
          {"cancel_only", false},
          {"trading_disabled", false},
          {"status", "online"},
          {"status_message", ""},
          {"auction_mode", false}};
}

ordered_json currency(const std::string& id) {
  return {{"id", id},
          {"name", id},
          {"min_size", "0.00000001"},
          {"status", "online"},
          {"message", ""},
          {"max_precision", "0.00000001"},
          {"convertible_to", ordered_json::array()},
          {"details",
           {{"type", "crypto"},
            {"symbol", nullptr},
            {"network_confirmations", 0},
            {"sort_order", 0},
            {"push_payment_methods", ordered_json::array()},
            {"min_withdrawal_amount", 0.0001},
            {"max_withdrawal_amount", 10000}}},
          {"default_network", ""},
          {"supported_networks", ordered_json::array()}};
}

ordered_json day_fields(const DayStats& stats) {
  return {{"open", format_units_trimmed(stats.open)},
          {"high", format_units_trimmed(stats.high)},
          {"low", format_units_trimmed(stats.low)},
          {"volume", format_units_trimmed(stats.volume)},
          {"last", format_units_trimmed(stats.last)}};
}

// Levels [price, size, num_orders]; the order count is made up from the size, never zero.
ordered_json levels(const Market& market, const std::vector<BookLevel>& side) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    out.push_back({format_units_trimmed(level.price), format_units_trimmed(level.quantity),
                   1 + level.quantity / market.step_size % 7});
  }
  return out;
}

// One product's spark line; the numbers are written from exact digits, never through a double.
void append_spark_line(std::string& out, const Market& market, std::int64_t now_ms) {
  const CandleInterval hour = CandleInterval::fixed(kHourMs);
  const std::vector<Candle> candles = latest_candles(
      market, hour,
      {hour.shifted_open(hour.open_containing(now_ms), 1 - kSparkLineHours), now_ms,
       static_cast<std::size_t>(kSparkLineHours)},
      now_ms);
  out += ordered_json(product_id(market)).dump() + ":[";
  for (auto candle = candles.rbegin(); candle != candles.rend(); ++candle) {
    if (candle != candles.rbegin()) out += ',';
    out += '[' + std::to_string(candle->open_time_ms / kSecondMs);
    for (const std::int64_t units : {candle->low, candle->high, candle->open, candle->close}) {
      out += ',' + format_units_trimmed(units);
    }
    out += ']';
  }
  out += ']';
}

}  // namespace

void answer_products(const httplib::Request&, httplib::Response& response, const SimClock&) {
  ordered_json products = ordered_json::array();
  for (const Market& market : all_markets()) products.push_back(product(market));
  answer_json(response, 200, products.dump());
}

void answer_currencies(const httplib::Request&, httplib::Response& response, const SimClock&) {
  std::set<std::string> ids;
  for (const Market& market : all_markets()) {
    ids.emplace(market.base_asset);
    ids.emplace(market.quote_asset);
  }
  ordered_json currencies = ordered_json::array();
  for (const std::string& id : ids) currencies.push_back(currency(id));
  answer_json(response, 200, currencies.dump());
}

void answer_all_stats(const httplib::Request&, httplib::Response& response,
                      const SimClock& clock) {
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json all = ordered_json::object();
  for (const Market& market : all_markets()) {
    ordered_json day = day_fields(day_stats(market, snapshot_ms));
    const std::string month = format_units_trimmed(thirty_day_volume(market, snapshot_ms));
    day["volume_30day"] = month;
    all[product_id(market)] = {{"stats_30day", {{"volume", month}}}, {"stats_24hour", day}};
  }
  answer_json(response, 200, all.dump());
}

void answer_product_stats(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock) {
  const Market& market = listed_product(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json stats = day_fields(day_stats(market, snapshot_ms));
  stats["volume_30day"] = format_units_trimmed(thirty_day_volume(market, snapshot_ms));
  answer_json(response, 200, stats.dump());
}

void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  const Market& market = listed_product(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const auto best = [](const std::vector<BookLevel>& side) {
    return side.empty() ? std::string() : format_units_trimmed(side.front().price);
  };
  answer_json(response, 200,
              ordered_json{{"ask", best(top.asks)},
                           {"bid", best(top.bids)},
                           {"volume", format_units_trimmed(stats.volume)},
                           {"trade_id", snapshot_ms / kSecondMs},
                           {"price", format_units_trimmed(stats.last)},
                           {"size", format_units_trimmed(market.step_size)},
                           {"time", iso_time_us(snapshot_ms)},
                           {"rfq_volume", "0"}}
                  .dump());
}

void answer_spark_lines(const httplib::Request&, httplib::Response& response,
                        const SimClock& clock) {
  const std::int64_t now_ms = clock.now_ms();
  std::string body = "{";
  for (const Market& market : all_markets()) {
    if (body.size() > 1) body += ',';
    append_spark_line(body, market, now_ms);
  }
  body += '}';
  answer_json(response, 200, std::move(body));
}

void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock) {
  const Market& market = listed_product(request);
  const std::string level = request.has_param("level") ? request.get_param_value("level") : "1";
  // Level 3, every order unaggregated, is not simulated.
  if (level != "1" && level != "2") throw Rejection(bad_request("Invalid level"));
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const OrderBook book = order_book(market, snapshot_ms, level == "1" ? 1 : kLevelTwoDepth);
  answer_json(response, 200,
              ordered_json{{"bids", levels(market, book.bids)},
                           {"asks", levels(market, book.asks)},
                           {"sequence", book.update_id},
                           {"auction_mode", false},
                           {"auction", nullptr},
                           {"time", iso_time_us(snapshot_ms)}}
                  .dump());
}

}  // namespace exchange_sim::coinbase
