#include "bitfinex_market_info.h"

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bitfinex_protocol.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::bitfinex {
namespace {

using nlohmann::ordered_json;

constexpr std::int64_t kFractionWithFourDecimals = 10'000;
constexpr std::int64_t kDefaultBookLength = 25;
constexpr int kMaxOrdersPerLevel = 5;

// The funding tickers that symbols=ALL sends besides the pairs: FRR, BID, BID_PERIOD,
// BID_SIZE, ASK, ASK_PERIOD, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE, VOLUME,
// HIGH, LOW, two placeholders, FRR_AMOUNT_AVAILABLE; fixed values.
constexpr const char* kFundingTickers[] = {
    R"(["fUSD",0.0002,0.0002,30,125000,0.00019,2,98000,0.00001,0.05,0.0002,42000000,0.0003,0.0001,null,null,1500000])",
    R"(["fUST",0.0001,0.0001,30,80000,0.00009,2,61000,0,0,0.0001,9000000,0.0002,0.0001,null,null,700000])",
};

std::string signed_units(std::int64_t units) { return without_trailing_zeros(format_scaled(units, 8)); }

// BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE, VOLUME, HIGH,
// LOW: numbers, comma-separated; the relative change is a fraction with up to four decimals.
std::string ticker_fields(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const std::int64_t relative =
      stats.open > 0 ? scaled_change(stats.open, stats.last, kFractionWithFourDecimals) : 0;
  return format_units_trimmed(top.bids.front().price) + "," +
         format_units_trimmed(top.bids.front().quantity) + "," +
         format_units_trimmed(top.asks.front().price) + "," +
         format_units_trimmed(top.asks.front().quantity) + "," +
         signed_units(stats.last - stats.open) + "," +
         without_trailing_zeros(format_scaled(relative, 4)) + "," +
         format_units_trimmed(stats.last) + "," + format_units_trimmed(stats.volume) + "," +
         format_units_trimmed(stats.high) + "," + format_units_trimmed(stats.low);
}

// A ticker of /v2/tickers: [SYMBOL, then the fields above].
std::string ticker(const Market& market, std::int64_t snapshot_ms) {
  return "[\"t" + pair_id(market) + "\"," + ticker_fields(market, snapshot_ms) + "]";
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

// The simulated assets' Bitfinex ids, sorted, each once.
std::set<std::string> currency_ids() {
  std::set<std::string> ids;
  for (const Market& market : all_markets()) {
    ids.insert(currency_id(market.base_asset));
    ids.insert(currency_id(market.quote_asset));
  }
  return ids;
}

ordered_json pair_list() {
  ordered_json pairs = ordered_json::array();
  for (const Market& market : all_markets()) pairs.push_back(pair_id(market));
  return pairs;
}

// pub:info:pair: [PAIR, [.., .., .., MIN_ORDER_SIZE, MAX_ORDER_SIZE, ..]] with the sizes as
// strings, the other slots null.
ordered_json pair_info() {
  ordered_json infos = ordered_json::array();
  for (const Market& market : all_markets()) {
    ordered_json fields = ordered_json::array();
    for (int i = 0; i < 12; ++i) fields.push_back(nullptr);
    fields[3] = format_units_trimmed(market.step_size);
    fields[4] = "2000.0";
    infos.push_back({pair_id(market), fields});
  }
  return infos;
}

// [[ID, VALUE], ...] for every currency, VALUE made by `value`.
template <typename Value>
ordered_json currency_map(Value value) {
  ordered_json entries = ordered_json::array();
  for (const std::string& id : currency_ids()) entries.push_back({id, value(id)});
  return entries;
}

ordered_json conf_entry(const std::string& label) {
  static const std::map<std::string, std::string> kNetworks = {{"BTC", "BITCOIN"},
                                                               {"ETH", "ETHEREUM"},
                                                               {"UST", "TETHERUSE"}};
  if (label == "pub:list:pair:exchange") return pair_list();
  if (label == "pub:list:pair:margin") return ordered_json::array({"BTCUST", "ETHUST"});
  if (label == "pub:list:pair:futures" || label == "pub:list:pair:securities" ||
      label == "pub:info:pair:futures" || label == "pub:map:currency:unit" ||
      label == "pub:map:currency:undl") {
    return ordered_json::array();
  }
  if (label == "pub:info:pair") return pair_info();
  if (label == "pub:list:currency") return ordered_json(currency_ids());
  if (label == "pub:list:currency:margin") return ordered_json::array({"BTC", "ETH", "UST"});
  if (label == "pub:map:currency:sym") return ordered_json::array({{"UST", "USDt"}});
  if (label == "pub:map:currency:label") {
    return currency_map([](const std::string& id) { return id == "UST" ? "Tether USDt" : id; });
  }
  if (label == "pub:map:currency:pool") {
    return ordered_json::array({{"UST", "ETH"}});
  }
  if (label == "pub:map:currency:explorer") {
    return ordered_json::array(
        {{"BTC", {"https://blockstream.info", "https://blockstream.info/address/VAL",
                  "https://blockstream.info/tx/VAL"}}});
  }
  if (label == "pub:map:currency:tx:fee") {
    return currency_map([](const std::string&) { return ordered_json::array({0, 0}); });
  }
  if (label == "pub:map:tx:method") {
    ordered_json methods = ordered_json::array();
    for (const auto& [currency, method] : kNetworks) methods.push_back({method, {currency}});
    return methods;
  }
  if (label == "pub:info:tx:status") {
    ordered_json statuses = ordered_json::array();
    for (const auto& [currency, method] : kNetworks) {
      statuses.push_back({method, 1, 1, nullptr, nullptr, nullptr, nullptr, 0, 0, nullptr,
                          nullptr, 3});
    }
    return statuses;
  }
  return nullptr;
}

}  // namespace

void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const std::string symbols = request.get_param_value("symbols");
  if (symbols.empty()) throw Rejection(invalid("symbols"));
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  std::string body = "[";
  const auto add = [&body](const std::string& entry) {
    body += (body.size() == 1 ? "" : ",") + entry;
  };
  if (symbols == "ALL") {
    for (const Market& market : all_markets()) add(ticker(market, snapshot_ms));
    for (const char* funding : kFundingTickers) add(funding);
  } else {
    for (const std::string& symbol : split(symbols, ',')) {
      if (const Market* market = find_trading_symbol(symbol)) add(ticker(*market, snapshot_ms));
    }
  }
  answer_json(response, 200, body + "]");
}

void answer_ticker(const httplib::Request& request, httplib::Response& response,
                   const SimClock& clock) {
  const Market* market = find_trading_symbol(request.matches[1].str());
  if (market == nullptr) throw Rejection(invalid("symbol"));
  answer_json(response, 200,
              "[" + ticker_fields(*market, snapshot_time_ms(clock.now_ms())) + "]");
}

void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock) {
  const Market* market = find_trading_symbol(request.matches[1].str());
  if (market == nullptr) throw Rejection(invalid("symbol"));
  const std::string precision = request.matches[2];
  if (precision != "P0" && precision != "R0") throw Rejection(invalid("precision"));
  const std::int64_t length = optional_int_param(request, "len").value_or(kDefaultBookLength);
  if (length != 1 && length != 25 && length != 100) throw Rejection(invalid("len"));
  const OrderBook book =
      order_book(*market, snapshot_time_ms(clock.now_ms()), static_cast<std::size_t>(length));
  std::string body = "[";
  std::int64_t order_id = book.update_id * 1000;
  const auto add_side = [&](const std::vector<BookLevel>& side, const std::string& sign) {
    for (const BookLevel& level : side) {
      const std::string price = format_units_trimmed(level.price);
      const std::string amount = sign + format_units_trimmed(level.quantity);
      const std::string first =
          precision == "R0" ? std::to_string(++order_id) + "," + price
                            : price + "," +
                                  std::to_string(1 + (level.price / market->tick_size) %
                                                         kMaxOrdersPerLevel);
      body += (body.size() == 1 ? "[" : ",[") + first + "," + amount + "]";
    }
  };
  add_side(book.bids, "");
  add_side(book.asks, "-");
  answer_json(response, 200, body + "]");
}

void answer_conf(const httplib::Request& request, httplib::Response& response, const SimClock&) {
  ordered_json entries = ordered_json::array();
  for (const std::string& label : split(request.matches[1], ',')) {
    entries.push_back(conf_entry(label));
  }
  answer_json(response, 200, entries.dump());
}

}  // namespace exchange_sim::bitfinex
