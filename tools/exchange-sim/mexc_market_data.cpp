#include "mexc_market_data.h"

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "binance_depth.h"
#include "binance_klines.h"
#include "binance_protocol.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "markets.h"
#include "order_book.h"

namespace exchange_sim::mexc {
namespace {

using nlohmann::ordered_json;  // keeps MEXC's field order

constexpr std::int64_t kDefaultKlines = 500;
constexpr std::int64_t kMaxKlines = 500;  // what MEXC serves in practice (ccxt); docs say 1000
constexpr std::int64_t kDefaultDepth = 100;
constexpr std::int64_t kMaxDepth = 5000;
constexpr std::int64_t kFractionWithFourDecimals = 10'000;
constexpr int kFractionDecimals = 4;
constexpr int kAssetPrecision = 8;

std::optional<CandleInterval> interval_from_token(const std::string& token) {
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1m", CandleInterval::fixed(kMinuteMs)},
      {"5m", CandleInterval::fixed(5 * kMinuteMs)},
      {"15m", CandleInterval::fixed(15 * kMinuteMs)},
      {"30m", CandleInterval::fixed(30 * kMinuteMs)},
      {"60m", CandleInterval::fixed(kHourMs)},
      {"4h", CandleInterval::fixed(4 * kHourMs)},
      {"1d", CandleInterval::fixed(kDayMs)},
      {"1W", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
      {"1M", CandleInterval::calendar_month()},
  };
  const auto found = kIntervals.find(token);
  if (found == kIntervals.end()) return std::nullopt;
  return found->second;
}

// One row as MEXC prints it: times bare, decimals as strings without trailing zeros, the close
// time the next candle's open (Binance's is 1 ms earlier).
void append_row(std::string& out, const Candle& candle) {
  const auto quoted = [&out](std::int64_t units) {
    out += '"' + format_units_trimmed(units) + "\",";
  };
  out += '[' + std::to_string(candle.open_time_ms) + ',';
  quoted(candle.open);
  quoted(candle.high);
  quoted(candle.low);
  quoted(candle.close);
  quoted(candle.volume);
  out += std::to_string(candle.close_time_ms + 1) + ",\"" +
         format_units_trimmed(candle.quote_volume) + "\"]";
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const BookLevel bid = top.bids.empty() ? BookLevel{0, 0} : top.bids.front();
  const BookLevel ask = top.asks.empty() ? BookLevel{0, 0} : top.asks.front();
  const std::int64_t change =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kFractionWithFourDecimals) : 0;
  return {{"symbol", market.symbol},
          {"priceChange", format_units_trimmed(stats.last - stats.open)},
          {"priceChangePercent", without_trailing_zeros(format_scaled(change, kFractionDecimals))},
          {"prevClosePrice", format_units_trimmed(stats.open)},
          {"lastPrice", format_units_trimmed(stats.last)},
          {"bidPrice", format_units_trimmed(bid.price)},
          {"bidQty", format_units_trimmed(bid.quantity)},
          {"askPrice", format_units_trimmed(ask.price)},
          {"askQty", format_units_trimmed(ask.quantity)},
          {"openPrice", format_units_trimmed(stats.open)},
          {"highPrice", format_units_trimmed(stats.high)},
          {"lowPrice", format_units_trimmed(stats.low)},
          {"volume", format_units_trimmed(stats.volume)},
          {"quoteVolume", format_units_trimmed(stats.quote_volume)},
          {"openTime", stats.open_time_ms},
          {"closeTime", stats.close_time_ms},
          {"count", nullptr}};
}

ordered_json symbol_info(const Market& market) {
  return {{"symbol", market.symbol},
          {"status", "1"},
          {"baseAsset", market.base_asset},
          {"baseAssetPrecision", kAssetPrecision},
          {"quoteAsset", market.quote_asset},
          {"quotePrecision", kAssetPrecision},
          {"quoteAssetPrecision", kAssetPrecision},
          {"baseCommissionPrecision", kAssetPrecision},
          {"quoteCommissionPrecision", kAssetPrecision},
          {"orderTypes", {"LIMIT", "MARKET", "LIMIT_MAKER"}},
          {"isSpotTradingAllowed", true},
          {"isMarginTradingAllowed", false},
          {"quoteAmountPrecision", "1"},
          {"baseSizePrecision", format_units_trimmed(market.step_size)},
          {"permissions", {"SPOT"}},
          {"filters", ordered_json::array()},
          {"maxQuoteAmount", "2000000"},
          {"makerCommission", "0"},
          {"takerCommission", "0.0005"},
          {"quoteAmountPrecisionMarket", "1"},
          {"maxQuoteAmountMarket", "100000"},
          {"fullName", market.base_asset},
          {"tradeSideType", 1}};
}

// The market named by `symbol`, or every market when it is absent.
std::vector<const Market*> requested_markets(const httplib::Request& request) {
  std::vector<const Market*> markets;
  if (request.has_param("symbol")) {
    markets.push_back(&binance::listed_market(request.get_param_value("symbol"), "symbol"));
    return markets;
  }
  for (const Market& market : all_markets()) markets.push_back(&market);
  return markets;
}

}  // namespace

void answer_klines(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  static constexpr binance::KlinesDialect kMexc{.interval_from_token = interval_from_token,
                                                .append_row = append_row,
                                                .default_limit = kDefaultKlines,
                                                .max_limit = kMaxKlines,
                                                .end_time_exclusive = true};
  binance::answer_klines(request, response, clock, kMexc);
}

void answer_ticker_24hr(const httplib::Request& request, httplib::Response& response,
                        const SimClock& clock) {
  const std::vector<const Market*> markets = requested_markets(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  if (request.has_param("symbol")) {
    binance::answer_json(response, 200, ticker(*markets.front(), snapshot_ms).dump());
    return;
  }
  ordered_json tickers = ordered_json::array();
  for (const Market* market : markets) tickers.push_back(ticker(*market, snapshot_ms));
  binance::answer_json(response, 200, tickers.dump());
}

int ticker_24hr_weight(const httplib::Request& request) {
  constexpr int kOneSymbolWeight = 1;
  constexpr int kAllSymbolsWeight = 40;
  return request.has_param("symbol") ? kOneSymbolWeight : kAllSymbolsWeight;
}

void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  const Market& market =
      binance::listed_market(binance::required_param(request, "symbol"), "symbol");
  const std::size_t limit = binance::limit_param(request, kDefaultDepth, kMaxDepth);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const OrderBook book = order_book(market, snapshot_ms, limit);
  binance::answer_json(response, 200,
                       binance::depth_body(book, format_units_trimmed, snapshot_ms));
}

void answer_exchange_info(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock) {
  ordered_json symbols = ordered_json::array();
  for (const Market* market : requested_markets(request)) symbols.push_back(symbol_info(*market));
  const ordered_json body{{"timezone", "CST"},
                          {"serverTime", clock.now_ms()},
                          {"rateLimits", ordered_json::array()},
                          {"exchangeFilters", ordered_json::array()},
                          {"symbols", symbols}};
  binance::answer_json(response, 200, body.dump());
}

void answer_default_symbols(const httplib::Request&, httplib::Response& response,
                            const SimClock&) {
  ordered_json ids = ordered_json::array();
  for (const Market& market : all_markets()) ids.push_back(market.symbol);
  binance::answer_json(response, 200,
                       ordered_json{{"code", 200}, {"data", ids}, {"msg", nullptr}}.dump());
}

void answer_contract_detail(const httplib::Request&, httplib::Response& response,
                            const SimClock&) {
  binance::answer_json(
      response, 200,
      ordered_json{{"success", true}, {"code", 0}, {"data", ordered_json::array()}}.dump());
}

}  // namespace exchange_sim::mexc
