#include "okx_market_info.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "okx_protocol.h"
#include "order_book.h"

namespace exchange_sim::okx {
namespace {

using nlohmann::ordered_json;  // keeps OKX's field order

constexpr std::int64_t kDefaultBookSize = 1;
constexpr std::int64_t kMaxBookSize = 400;
constexpr std::int64_t kMaxFullBookSize = 5000;
constexpr std::int64_t kHongKongOffsetMs = 8 * kHourMs;
constexpr std::int64_t kOrdersPerLevelCycle = 9;  // a level holds 1 to 9 orders
// Order limits for the instruments list, the same for every market.
constexpr std::int64_t kMaxLimitOrderSize = 9'000'000 * kUnitsPerWhole;
constexpr std::int64_t kMaxMarketOrderSize = 1'000'000 * kUnitsPerWhole;

std::string first_or_empty(const std::vector<BookLevel>& side, std::int64_t BookLevel::*field) {
  return side.empty() ? "" : format_units_trimmed(side.front().*field);
}

// The price when a day began: sodUtc0 for the UTC day, sodUtc8 for Hong Kong's (UTC+8).
std::string start_of_day_price(const Market& market, std::int64_t as_of_ms,
                               std::int64_t offset_ms) {
  const CandleInterval day = CandleInterval::fixed(kDayMs, -offset_ms);
  return format_units_trimmed(price_at(market, day.open_containing(as_of_ms)));
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  return {{"instType", "SPOT"},
          {"instId", instrument_id(market)},
          {"last", format_units_trimmed(stats.last)},
          {"lastSz", format_units_trimmed(market.step_size)},
          {"askPx", first_or_empty(top.asks, &BookLevel::price)},
          {"askSz", first_or_empty(top.asks, &BookLevel::quantity)},
          {"bidPx", first_or_empty(top.bids, &BookLevel::price)},
          {"bidSz", first_or_empty(top.bids, &BookLevel::quantity)},
          {"open24h", format_units_trimmed(stats.open)},
          {"high24h", format_units_trimmed(stats.high)},
          {"low24h", format_units_trimmed(stats.low)},
          {"volCcy24h", format_units_trimmed(stats.quote_volume)},
          {"vol24h", format_units_trimmed(stats.volume)},
          {"ts", std::to_string(snapshot_ms)},
          {"sodUtc0", start_of_day_price(market, snapshot_ms, 0)},
          {"sodUtc8", start_of_day_price(market, snapshot_ms, kHongKongOffsetMs)}};
}

// [price, size, "0" (deprecated liquidated orders), number of orders].
ordered_json levels(const std::vector<BookLevel>& side, const Market& market) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    const std::int64_t orders = level.quantity / market.step_size % kOrdersPerLevelCycle + 1;
    out.push_back({format_units_trimmed(level.price), format_units_trimmed(level.quantity), "0",
                   std::to_string(orders)});
  }
  return out;
}

void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock, std::int64_t max_size) {
  const Market& market = listed_instrument(request);
  const std::size_t size = bounded_param(request, "sz", kDefaultBookSize, max_size);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const OrderBook book = order_book(market, snapshot_ms, size);
  answer_data(response, ordered_json::array({{{"asks", levels(book.asks, market)},
                                              {"bids", levels(book.bids, market)},
                                              {"ts", std::to_string(snapshot_ms)}}}));
}

ordered_json instrument(const Market& market) {
  return {{"alias", ""},
          {"baseCcy", market.base_asset},
          {"category", "1"},
          {"ctMult", ""},
          {"ctType", ""},
          {"ctVal", ""},
          {"ctValCcy", ""},
          {"expTime", ""},
          {"instFamily", ""},
          {"instId", instrument_id(market)},
          {"instType", "SPOT"},
          {"lever", ""},
          {"listTime", std::to_string(market.listed_at_ms)},
          {"lotSz", format_units_trimmed(market.step_size)},
          {"maxLmtSz", format_units_trimmed(kMaxLimitOrderSize)},
          {"maxMktSz", format_units_trimmed(kMaxMarketOrderSize)},
          {"minSz", format_units_trimmed(market.step_size)},
          {"optType", ""},
          {"quoteCcy", market.quote_asset},
          {"settleCcy", ""},
          {"state", "live"},
          {"stk", ""},
          {"tickSz", format_units_trimmed(market.tick_size)},
          {"uly", ""}};
}

}  // namespace

void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  ordered_json data = ordered_json::array();
  if (spot_requested(request)) {
    const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
    for (const Market& market : all_markets()) data.push_back(ticker(market, snapshot_ms));
  }
  answer_data(response, data);
}

void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  const Market& market = listed_instrument(request);
  answer_data(response, ordered_json::array({ticker(market, snapshot_time_ms(clock.now_ms()))}));
}

void answer_books(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  answer_book(request, response, clock, kMaxBookSize);
}

void answer_books_full(const httplib::Request& request, httplib::Response& response,
                       const SimClock& clock) {
  answer_book(request, response, clock, kMaxFullBookSize);
}

void answer_instruments(const httplib::Request& request, httplib::Response& response,
                        const SimClock&) {
  ordered_json data = ordered_json::array();
  if (spot_requested(request)) {
    if (request.has_param("instId")) {
      data.push_back(instrument(listed_instrument(request)));
    } else {
      for (const Market& market : all_markets()) data.push_back(instrument(market));
    }
  }
  answer_data(response, data);
}

void answer_time(const httplib::Request&, httplib::Response& response, const SimClock& clock) {
  answer_data(response, ordered_json::array({{{"ts", std::to_string(clock.now_ms())}}}));
}

}  // namespace exchange_sim::okx
