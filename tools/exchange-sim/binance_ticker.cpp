#include "binance_ticker.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "binance_protocol.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "hashing.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::binance {
namespace {

using nlohmann::ordered_json;  // keeps Binance's field order

constexpr std::int64_t kPercentWithThreeDecimals = 100'000;

// Trade ids are synthetic: one per second since the listing up to the window's start, then one
// per trade inside it, so that lastId - firstId + 1 == count as on Binance.
struct TradeIds {
  std::int64_t first;
  std::int64_t last;
};

TradeIds trade_ids(const Market& market, const DayStats& stats) {
  if (stats.trade_count == 0) {
    return {-1, -1};  // Binance's spelling of "no trades in the window"
  }
  const std::int64_t first =
      std::max<std::int64_t>(0, (stats.open_time_ms - market.listed_at_ms) / 1000) + 1;
  return {first, first + stats.trade_count - 1};
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const TradeIds ids = trade_ids(market, stats);
  const auto level_or_zero = [](const std::vector<BookLevel>& side) {
    return side.empty() ? BookLevel{0, 0} : side.front();
  };
  const BookLevel bid = level_or_zero(top.bids);
  const BookLevel ask = level_or_zero(top.asks);
  const std::int64_t last_quantity =
      market.step_size *
      (1 +
       hash_below_or_equal(
           hash_parts({hash_text(market.symbol), static_cast<std::uint64_t>(snapshot_ms)}), 99));
  const std::int64_t change_percent =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kPercentWithThreeDecimals) : 0;
  const std::int64_t weighted_average =
      stats.volume > 0 ? mul_div_floor(stats.quote_volume, kUnitsPerWhole, stats.volume) : 0;
  // The candles are consecutive, so the close before the window is the window's open price.
  return {{"symbol", market.symbol},
          {"priceChange", format_units(stats.last - stats.open)},
          {"priceChangePercent", format_scaled(change_percent, 3)},
          {"weightedAvgPrice", format_units(weighted_average)},
          {"prevClosePrice", format_units(stats.open)},
          {"lastPrice", format_units(stats.last)},
          {"lastQty", format_units(stats.trade_count > 0 ? last_quantity : 0)},
          {"bidPrice", format_units(bid.price)},
          {"bidQty", format_units(bid.quantity)},
          {"askPrice", format_units(ask.price)},
          {"askQty", format_units(ask.quantity)},
          {"openPrice", format_units(stats.open)},
          {"highPrice", format_units(stats.high)},
          {"lowPrice", format_units(stats.low)},
          {"volume", format_units(stats.volume)},
          {"quoteVolume", format_units(stats.quote_volume)},
          {"openTime", stats.open_time_ms},
          {"closeTime", stats.close_time_ms},
          {"firstId", ids.first},
          {"lastId", ids.last},
          {"count", stats.trade_count}};
}

}  // namespace

void answer_ticker_24hr(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock) {
  const std::vector<const Market*> markets = requested_markets(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  if (request.has_param("symbol")) {
    answer_json(response, 200, ticker(*markets.front(), snapshot_ms).dump());
    return;
  }
  ordered_json tickers = ordered_json::array();
  for (const Market* market : markets) {
    tickers.push_back(ticker(*market, snapshot_ms));
  }
  answer_json(response, 200, tickers.dump());
}

int ticker_24hr_weight(const httplib::Request& request) {
  // Weights from Binance's documentation. A `symbols` value that is not an array is charged like
  // one symbol; it is rejected anyway.
  constexpr int kFewSymbolsWeight = 2;
  constexpr int kSomeSymbolsWeight = 40;
  constexpr int kManySymbolsWeight = 80;
  if (request.has_param("symbol")) {
    return kFewSymbolsWeight;
  }
  if (!request.has_param("symbols")) {
    return kManySymbolsWeight;
  }
  const auto symbols = nlohmann::json::parse(request.get_param_value("symbols"), nullptr,
                                             /*allow_exceptions=*/false);
  const std::size_t count = symbols.is_array() ? symbols.size() : 1;
  if (count <= 20) {
    return kFewSymbolsWeight;
  }
  return count <= 100 ? kSomeSymbolsWeight : kManySymbolsWeight;
}

}  // namespace exchange_sim::binance
