#include "kraken_market_data.h"

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "candle_interval.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "kraken_protocol.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::kraken {
namespace {

using nlohmann::ordered_json;  // keeps Kraken's field order

constexpr std::size_t kHistoryCandles = 720;
constexpr std::size_t kMaxDepth = 500;
constexpr std::size_t kDefaultDepth = 100;
constexpr std::int64_t kMaxSecondsDigits = 12;  // far beyond any date the market has

const Market& pair_param(const httplib::Request& request) {
  const Market* market = find_pair(request.get_param_value("pair"));
  if (market == nullptr) throw Rejection(std::string(kUnknownPair));
  return *market;
}

// Weeks are taken to open on Monday, as the simulator's other venues' weeks do (unverified for
// Kraken); 15-day candles are counted from the epoch.
std::optional<CandleInterval> interval_from_minutes(const std::string& minutes) {
  if (minutes == "10080") return CandleInterval::fixed(kWeekMs, kFirstMondayMs);
  for (const std::int64_t allowed : {1, 5, 15, 30, 60, 240, 1440, 21600}) {
    if (minutes == std::to_string(allowed)) return CandleInterval::fixed(allowed * kMinuteMs);
  }
  return std::nullopt;
}

// A whole number of seconds, or Invalid arguments.
std::int64_t seconds_param(const std::string& text) {
  if (text.empty() || text.size() > kMaxSecondsDigits ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    throw Rejection(std::string(kInvalidArguments));
  }
  return std::stoll(text);
}

// The volume-weighted average price at the tick's decimals; 0 without volume.
std::string vwap_text(const Market& market, std::int64_t quote_volume, std::int64_t volume) {
  const std::int64_t vwap = volume == 0 ? 0 : mul_div_round(quote_volume, kUnitsPerWhole, volume);
  return format_at_step(floor_to_multiple(vwap, market.tick_size), market.tick_size);
}

// [time s, open, high, low, close, vwap, volume, count]: prices at the tick's decimals, the
// volume at eight, time and count JSON integers.
void append_row(std::string& out, const Market& market, const Candle& candle) {
  out += '[' + std::to_string(candle.open_time_ms / kSecondMs);
  for (const std::int64_t price : {candle.open, candle.high, candle.low, candle.close}) {
    out += ",\"" + format_at_step(price, market.tick_size) + '"';
  }
  out += ",\"" + vwap_text(market, candle.quote_volume, candle.volume) + '"';
  out += ",\"" + format_units(candle.volume) + "\"," + std::to_string(candle.trade_count) + ']';
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats day = day_stats(market, snapshot_ms);
  const CandleInterval utc_day = CandleInterval::fixed(kDayMs);
  const Candle today =
      candle_at(market, utc_day, utc_day.open_containing(snapshot_ms), snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const auto price = [&](std::int64_t units) { return format_at_step(units, market.tick_size); };
  const auto lot = [&](std::int64_t units) { return format_at_step(units, market.step_size); };
  // [price, whole lot volume, lot volume]: the whole part of the size, then the size.
  const auto best = [&](const std::vector<BookLevel>& side) {
    if (side.empty()) return ordered_json::array();
    return ordered_json::array({price(side.front().price),
                                std::to_string(side.front().quantity / kUnitsPerWhole),
                                lot(side.front().quantity)});
  };
  return {{"a", best(top.asks)},
          {"b", best(top.bids)},
          {"c", {price(day.last), lot(market.step_size)}},
          {"v", {format_units(today.volume), format_units(day.volume)}},
          {"p",
           {vwap_text(market, today.quote_volume, today.volume),
            vwap_text(market, day.quote_volume, day.volume)}},
          {"t", {today.trade_count, day.trade_count}},
          {"l", {price(today.low), price(day.low)}},
          {"h", {price(today.high), price(day.high)}},
          {"o", price(today.open)}};
}

ordered_json levels(const Market& market, const std::vector<BookLevel>& side,
                    std::int64_t changed_s) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    out.push_back({format_at_step(level.price, market.tick_size),
                   format_at_step(level.quantity, market.step_size), changed_s});
  }
  return out;
}

ordered_json asset_pair(const Market& market) {
  const std::string base = asset_code(market.base_asset);
  const std::string quote = asset_code(market.quote_asset);
  const ordered_json taker = {{0, 0.26}, {50000, 0.24}, {100000, 0.22}};
  const ordered_json maker = {{0, 0.16}, {50000, 0.14}, {100000, 0.12}};
  return {{"altname", altname(market)},
          {"wsname", base + "/" + quote},
          {"aclass_base", "currency"},
          {"base", asset_id(market.base_asset)},
          {"aclass_quote", "currency"},
          {"quote", asset_id(market.quote_asset)},
          {"lot", "unit"},
          {"cost_decimals", 5},
          {"pair_decimals", step_decimals(market.tick_size)},
          {"lot_decimals", 8},
          {"lot_multiplier", 1},
          {"leverage_buy", ordered_json::array()},
          {"leverage_sell", ordered_json::array()},
          {"fees", taker},
          {"fees_maker", maker},
          {"fee_volume_currency", "ZUSD"},
          {"margin_call", 80},
          {"margin_stop", 40},
          {"ordermin", format_units_trimmed(market.step_size)},
          {"costmin", "0.5"},
          {"tick_size", format_units_trimmed(market.tick_size)},
          {"status", "online"}};
}

}  // namespace

void answer_ohlc(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock) {
  const Market& market = pair_param(request);
  const std::string minutes =
      request.has_param("interval") ? request.get_param_value("interval") : "1";
  const std::optional<CandleInterval> interval = interval_from_minutes(minutes);
  if (!interval) throw Rejection(std::string(kInvalidArguments));
  const std::optional<std::int64_t> since_s =
      request.has_param("since")
          ? std::optional(seconds_param(request.get_param_value("since")))
          : std::nullopt;
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t newest = interval->open_containing(now_ms);
  // The 720 most recent candles, whatever `since` says; of them the ones opening after it.
  std::vector<Candle> candles = latest_candles(
      market, *interval,
      {interval->shifted_open(newest, 1 - static_cast<std::int64_t>(kHistoryCandles)), now_ms,
       kHistoryCandles},
      now_ms);
  if (since_s) {
    std::erase_if(candles,
                  [&](const Candle& c) { return c.open_time_ms <= *since_s * kSecondMs; });
  }
  const std::string key = pair_key(market);
  std::string result = "{" + ordered_json(key).dump() + ":[";
  for (std::size_t i = 0; i < candles.size(); ++i) {
    if (i > 0) result += ',';
    append_row(result, market, candles[i]);
  }
  // "last": the newest closed candle, for the next call's since.
  result += "],\"last\":" + std::to_string(interval->previous_open(newest) / kSecondMs) + "}";
  answer_result(response, result);
}

void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  std::vector<const Market*> markets;
  if (request.has_param("pair")) {
    const std::string pairs = request.get_param_value("pair");
    for (std::size_t from = 0; from <= pairs.size();) {
      const std::size_t comma = std::min(pairs.find(',', from), pairs.size());
      const Market* market = find_pair(std::string_view(pairs).substr(from, comma - from));
      if (market == nullptr) throw Rejection(std::string(kUnknownPair));
      markets.push_back(market);
      from = comma + 1;
    }
  } else {
    for (const Market& market : all_markets()) markets.push_back(&market);
  }
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json result = ordered_json::object();
  for (const Market* market : markets) result[pair_key(*market)] = ticker(*market, snapshot_ms);
  answer_result(response, result.dump());
}

void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  const Market& market = pair_param(request);
  std::size_t count = kDefaultDepth;
  if (request.has_param("count")) {
    const std::int64_t asked = seconds_param(request.get_param_value("count"));
    if (asked < 1 || asked > static_cast<std::int64_t>(kMaxDepth)) {
      throw Rejection(std::string(kInvalidArguments));
    }
    count = static_cast<std::size_t>(asked);
  }
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const OrderBook book = order_book(market, snapshot_ms, count);
  const std::int64_t changed_s = book.changed_at_ms / kSecondMs;
  ordered_json result = ordered_json::object();
  result[pair_key(market)] = {{"asks", levels(market, book.asks, changed_s)},
                              {"bids", levels(market, book.bids, changed_s)}};
  answer_result(response, result.dump());
}

void answer_asset_pairs(const httplib::Request&, httplib::Response& response, const SimClock&) {
  ordered_json result = ordered_json::object();
  for (const Market& market : all_markets()) result[pair_key(market)] = asset_pair(market);
  answer_result(response, result.dump());
}

void answer_assets(const httplib::Request&, httplib::Response& response, const SimClock&) {
  std::set<std::string> assets;
  for (const Market& market : all_markets()) {
    assets.emplace(market.base_asset);
    assets.emplace(market.quote_asset);
  }
  ordered_json result = ordered_json::object();
  for (const std::string& asset : assets) {
    result[asset_id(asset)] = {{"aclass", "currency"},
                               {"altname", asset_code(asset)},
                               {"decimals", 10},
                               {"display_decimals", 5},
                               {"status", "enabled"}};
  }
  answer_result(response, result.dump());
}

}  // namespace exchange_sim::kraken
