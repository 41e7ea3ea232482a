#include "bitget_protocol.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "candle_interval.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "markets.h"
#include "order_book.h"

namespace exchange_sim::bitget {
namespace {

using nlohmann::ordered_json;  // keeps Bitget's field order

constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64
constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxHistoryLimit = 200;
constexpr std::int64_t kMaxCandlesLimit = 1000;
constexpr std::int64_t kMaxBookLimit = 150;
constexpr std::int64_t kFractionWithFiveDecimals = 100'000;

// A granularity and how far back /candles reaches with it (0: no cap). Only the UTC-aligned day
// and week tokens are served: 6h, 12h, 1day and 1week are cut at UTC+8 on the real venue.
struct Granularity {
  CandleInterval interval;
  std::int64_t candles_reach_ms;
};

std::optional<Granularity> granularity_from_token(const std::string& token) {
  static const std::map<std::string, Granularity, std::less<>> kGranularities{
      {"1min", {CandleInterval::fixed(kMinuteMs), 30 * kDayMs}},
      {"3min", {CandleInterval::fixed(3 * kMinuteMs), 30 * kDayMs}},
      {"5min", {CandleInterval::fixed(5 * kMinuteMs), 30 * kDayMs}},
      {"15min", {CandleInterval::fixed(15 * kMinuteMs), 52 * kDayMs}},
      {"30min", {CandleInterval::fixed(30 * kMinuteMs), 62 * kDayMs}},
      {"1h", {CandleInterval::fixed(kHourMs), 83 * kDayMs}},
      {"4h", {CandleInterval::fixed(4 * kHourMs), 240 * kDayMs}},
      {"6Hutc", {CandleInterval::fixed(6 * kHourMs), 360 * kDayMs}},
      {"12Hutc", {CandleInterval::fixed(12 * kHourMs), 0}},
      {"1Dutc", {CandleInterval::fixed(kDayMs), 0}},
      {"1Wutc", {CandleInterval::fixed(kWeekMs, kFirstMondayMs), 0}},
      {"1Mutc", {CandleInterval::calendar_month(), 0}},
  };
  const auto found = kGranularities.find(token);
  if (found == kGranularities.end()) return std::nullopt;
  return found->second;
}

ApiError parameter_error() { return {400, "400172", "Parameter verification failed"}; }
ApiError unknown_symbol() { return {400, "40034", "Parameter does not exist"}; }

void answer_json(httplib::Response& response, int status, const ordered_json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json; charset=utf-8");
}

void answer_data(httplib::Response& response, ordered_json data, std::int64_t now_ms) {
  answer_json(response, 200,
              {{"code", "00000"}, {"msg", "success"}, {"requestTime", now_ms},
               {"data", std::move(data)}});
}

const Market& listed_market(const httplib::Request& request) {
  const std::string symbol = request.get_param_value("symbol");
  if (symbol.empty()) throw Rejection(parameter_error());
  const Market* market = find_market(symbol);
  if (market == nullptr) throw Rejection(unknown_symbol());
  return *market;
}

std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name) {
  if (!request.has_param(name)) return std::nullopt;
  const std::string text = request.get_param_value(name);
  const bool only_digits = !text.empty() && text.size() <= kMaxDigits &&
                           std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits) throw Rejection(parameter_error());
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::size_t limit_param(const httplib::Request& request, std::int64_t max_limit) {
  const std::int64_t limit = optional_unsigned_param(request, "limit").value_or(kDefaultLimit);
  if (limit < 1 || limit > max_limit) throw Rejection(parameter_error());
  return static_cast<std::size_t>(limit);
}

Granularity granularity_param(const httplib::Request& request) {
  const auto granularity = granularity_from_token(request.get_param_value("granularity"));
  if (!granularity) throw Rejection(parameter_error());
  return *granularity;
}

// Every field a string: [ts, open, high, low, close, baseVol, usdtVol, quoteVol]. usdtVol is the
// quote volume on USDT markets; elsewhere the simulator takes the quote asset as worth 1 USDT.
ordered_json candle_row(const Candle& candle) {
  const std::string quote_volume = format_units_trimmed(candle.quote_volume);
  return {std::to_string(candle.open_time_ms), format_units_trimmed(candle.open),
          format_units_trimmed(candle.high),   format_units_trimmed(candle.low),
          format_units_trimmed(candle.close),  format_units_trimmed(candle.volume),
          quote_volume,                        quote_volume};
}

void answer_candle_rows(httplib::Response& response, const std::vector<Candle>& candles,
                        std::int64_t now_ms) {
  ordered_json rows = ordered_json::array();
  for (const Candle& candle : candles) rows.push_back(candle_row(candle));
  answer_data(response, std::move(rows), now_ms);
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
  const auto top_or_empty = [](const std::vector<BookLevel>& side, bool price) {
    if (side.empty()) return std::string();
    return format_units_trimmed(price ? side.front().price : side.front().quantity);
  };
  const std::int64_t change =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kFractionWithFiveDecimals) : 0;
  const std::string change_text = without_trailing_zeros(format_scaled(change, 5));
  // The rolling 24 h window is the simulator's only one: openUtc and changeUtc24h repeat it.
  return {{"symbol", market.symbol},
          {"high24h", format_units_trimmed(stats.high)},
          {"open", format_units_trimmed(stats.open)},
          {"low24h", format_units_trimmed(stats.low)},
          {"lastPr", format_units_trimmed(stats.last)},
          {"quoteVolume", format_units_trimmed(stats.quote_volume)},
          {"baseVolume", format_units_trimmed(stats.volume)},
          {"usdtVolume", format_units_trimmed(stats.quote_volume)},
          {"bidPr", top_or_empty(top.bids, true)},
          {"askPr", top_or_empty(top.asks, true)},
          {"bidSz", top_or_empty(top.bids, false)},
          {"askSz", top_or_empty(top.asks, false)},
          {"openUtc", format_units_trimmed(stats.open)},
          {"ts", std::to_string(snapshot_ms)},
          {"changeUtc24h", change_text},
          {"change24h", change_text}};
}

// Decimal places of a granularity in units of 1e-8: 1 unit has 8, 100'000'000 has 0.
int decimals_of(std::int64_t units) {
  int decimals = 8;
  while (decimals > 0 && units % 10 == 0) {
    units /= 10;
    --decimals;
  }
  return decimals;
}

ordered_json symbol_entry(const Market& market) {
  return {{"symbol", market.symbol},
          {"baseCoin", market.base_asset},
          {"quoteCoin", market.quote_asset},
          {"minTradeAmount", "0"},
          {"maxTradeAmount", "10000000000"},
          {"takerFeeRate", "0.001"},
          {"makerFeeRate", "0.001"},
          {"pricePrecision", std::to_string(decimals_of(market.tick_size))},
          {"quantityPrecision", std::to_string(decimals_of(market.step_size))},
          {"quotePrecision", std::to_string(decimals_of(market.tick_size))},
          {"status", "online"},
          {"minTradeUSDT", "1"},
          {"buyLimitPriceRatio", "0.05"},
          {"sellLimitPriceRatio", "0.05"},
          {"areaSymbol", "no"},
          {"orderQuantity", "200"},
          {"openTime", std::to_string(market.listed_at_ms)}};
}

ordered_json coin_entry(std::string_view coin, std::size_t coin_id) {
  return {{"coinId", std::to_string(coin_id)},
          {"coin", coin},
          {"transfer", "true"},
          {"chains",
           {{{"chain", coin},
             {"needTag", "false"},
             {"withdrawable", "true"},
             {"rechargeable", "true"},
             {"withdrawFee", "0"},
             {"extraWithdrawFee", "0"},
             {"depositConfirm", "1"},
             {"withdrawConfirm", "1"},
             {"minDepositAmount", "0"},
             {"minWithdrawAmount", "0"},
             {"browserUrl", ""},
             {"contractAddress", nullptr},
             {"withdrawStep", "0"},
             {"withdrawMinScale", "8"},
             {"congestion", "normal"}}}}};
}

}  // namespace

ApiError too_many_requests() { return {429, "429", "Too Many Requests"}; }

ApiError system_error() { return {500, "40015", "System error"}; }

void answer_error(httplib::Response& response, const ApiError& error, std::int64_t now_ms) {
  answer_json(response, error.http_status,
              {{"code", error.code}, {"msg", error.msg}, {"requestTime", now_ms},
               {"data", nullptr}});
}

void answer_history_candles(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock) {
  const Market& market = listed_market(request);
  const Granularity granularity = granularity_param(request);
  const std::optional<std::int64_t> end = optional_unsigned_param(request, "endTime");
  if (!end) throw Rejection(parameter_error());
  const std::size_t limit = limit_param(request, kMaxHistoryLimit);
  const std::int64_t now_ms = clock.now_ms();
  // "get the chart data before this time stamp": open time < endTime (exclusive, assumed).
  const CandleWindow window{std::numeric_limits<std::int64_t>::min(), *end - 1, limit};
  answer_candle_rows(response, latest_candles(market, granularity.interval, window, now_ms),
                     now_ms);
}

void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const Market& market = listed_market(request);
  const Granularity granularity = granularity_param(request);
  const std::optional<std::int64_t> start = optional_unsigned_param(request, "startTime");
  const std::optional<std::int64_t> end = optional_unsigned_param(request, "endTime");
  const std::size_t limit = limit_param(request, kMaxCandlesLimit);
  const std::int64_t now_ms = clock.now_ms();
  std::int64_t first = start.value_or(std::numeric_limits<std::int64_t>::min());
  if (granularity.candles_reach_ms > 0) {
    first = std::max(first, now_ms - granularity.candles_reach_ms);
  }
  // The newest `limit` candles opening at or after startTime and before endTime, the same
  // exclusive "before this time stamp" as history-candles (ccxt: "exchange aligns from endTime").
  const CandleWindow window{first, end ? *end - 1 : std::numeric_limits<std::int64_t>::max(),
                            limit};
  answer_candle_rows(response, latest_candles(market, granularity.interval, window, now_ms),
                     now_ms);
}

void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t snapshot_ms = snapshot_time_ms(now_ms);
  ordered_json data = ordered_json::array();
  if (request.has_param("symbol")) {
    data.push_back(ticker(listed_market(request), snapshot_ms));
  } else {
    for (const Market& market : all_markets()) data.push_back(ticker(market, snapshot_ms));
  }
  answer_data(response, std::move(data), now_ms);
}

void answer_orderbook(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock) {
  const Market& market = listed_market(request);
  if (request.has_param("type") && request.get_param_value("type") != "step0") {
    throw Rejection(parameter_error());
  }
  const std::size_t limit = limit_param(request, kMaxBookLimit);
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t snapshot_ms = snapshot_time_ms(now_ms);
  const OrderBook book = order_book(market, snapshot_ms, limit);
  answer_data(response,
              {{"asks", levels(book.asks)},
               {"bids", levels(book.bids)},
               {"ts", std::to_string(snapshot_ms)}},
              now_ms);
}

void answer_symbols(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  ordered_json data = ordered_json::array();
  if (request.has_param("symbol")) {
    data.push_back(symbol_entry(listed_market(request)));
  } else {
    for (const Market& market : all_markets()) data.push_back(symbol_entry(market));
  }
  answer_data(response, std::move(data), clock.now_ms());
}

void answer_coins(const httplib::Request&, httplib::Response& response, const SimClock& clock) {
  std::vector<std::string_view> coins;
  for (const Market& market : all_markets()) {
    for (const std::string_view coin : {market.base_asset, market.quote_asset}) {
      if (std::ranges::find(coins, coin) == coins.end()) coins.push_back(coin);
    }
  }
  ordered_json data = ordered_json::array();
  for (std::size_t i = 0; i < coins.size(); ++i) data.push_back(coin_entry(coins[i], i + 1));
  answer_data(response, std::move(data), clock.now_ms());
}

void answer_margin_currencies(const httplib::Request&, httplib::Response& response,
                              const SimClock& clock) {
  answer_data(response, ordered_json::array(), clock.now_ms());
}

}  // namespace exchange_sim::bitget
