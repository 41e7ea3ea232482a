#include "kucoin.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "candle_faults.h"
#include "candle_interval.h"
#include "day_stats.h"
#include "fixed_point.h"
#include "market_data.h"
#include "markets.h"
#include "order_book.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

using nlohmann::ordered_json;  // keeps KuCoin's field order

constexpr const char* kPrefix = "/kucoin";
constexpr std::int64_t kPoolWindowMs = 30'000;
constexpr std::size_t kMaxCandles = 1500;
constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64
constexpr std::int64_t kChangeRateScale = 10'000;  // changeRate has four decimals

struct ApiError {
  std::string code;  // a string on the wire: "400100"
  std::string msg;
};

// Thrown by the parameter checks; answered with HTTP 200 and the error envelope, as KuCoin's
// market endpoints answer business errors (an assumption: docs/exchanges/kucoin.md).
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error) : std::runtime_error(error.msg), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

ApiError parameter_error(const std::string& detail) { return {"400100", detail}; }
ApiError symbol_missing() { return {"900001", "symbol not exists"}; }
ApiError too_many_requests() { return {"429000", "Too Many Requests"}; }
ApiError internal_error() { return {"500000", "Internal Server Error."}; }

void answer_json(httplib::Response& response, int status, const ordered_json& body) {
  response.status = status;
  response.set_content(body.dump(), "application/json");
}

void answer_data(httplib::Response& response, const ordered_json& data) {
  answer_json(response, 200, ordered_json{{"code", "200000"}, {"data", data}});
}

void answer_error(httplib::Response& response, int status, const ApiError& error) {
  answer_json(response, status, ordered_json{{"code", error.code}, {"msg", error.msg}});
}

std::string symbol_id(const Market& market) {
  return std::string(market.base_asset) + "-" + std::string(market.quote_asset);
}

// symbol, BASE-QUOTE in upper case: required and listed.
const Market& listed_symbol(const httplib::Request& request) {
  const std::string id = request.get_param_value("symbol");
  if (id.empty()) throw Rejection(parameter_error("symbol can not be empty"));
  const std::size_t dash = id.find('-');
  if (dash == std::string::npos) throw Rejection(symbol_missing());
  const Market* market = find_market(id.substr(0, dash) + id.substr(dash + 1));
  if (market == nullptr || symbol_id(*market) != id) throw Rejection(symbol_missing());
  return *market;
}

// Seconds: absent or 0 is nullopt (KuCoin's default); anything but digits is a parameter error.
std::optional<std::int64_t> optional_seconds(const httplib::Request& request,
                                             const std::string& name) {
  if (!request.has_param(name)) return std::nullopt;
  const std::string text = request.get_param_value(name);
  const bool only_digits = !text.empty() && text.size() <= kMaxDigits &&
                           std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits) throw Rejection(parameter_error(name + " is invalid"));
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  if (value == 0) return std::nullopt;
  return value;
}

std::optional<CandleInterval> interval_from_type(const std::string& type) {
  static const std::map<std::string, CandleInterval, std::less<>> kIntervals{
      {"1min", CandleInterval::fixed(kMinuteMs)},
      {"3min", CandleInterval::fixed(3 * kMinuteMs)},
      {"5min", CandleInterval::fixed(5 * kMinuteMs)},
      {"15min", CandleInterval::fixed(15 * kMinuteMs)},
      {"30min", CandleInterval::fixed(30 * kMinuteMs)},
      {"1hour", CandleInterval::fixed(kHourMs)},
      {"2hour", CandleInterval::fixed(2 * kHourMs)},
      {"4hour", CandleInterval::fixed(4 * kHourMs)},
      {"6hour", CandleInterval::fixed(6 * kHourMs)},
      {"8hour", CandleInterval::fixed(8 * kHourMs)},
      {"12hour", CandleInterval::fixed(12 * kHourMs)},
      {"1day", CandleInterval::fixed(kDayMs)},
      {"1week", CandleInterval::fixed(kWeekMs, kFirstMondayMs)},
  };
  const auto found = kIntervals.find(type);
  if (found == kIntervals.end()) return std::nullopt;
  return found->second;
}

// [time (s), open, close, high, low, volume, turnover], every field a string.
ordered_json candle_row(const Candle& candle) {
  return {std::to_string(candle.open_time_ms / kSecondMs), format_units_trimmed(candle.open),
          format_units_trimmed(candle.close),                format_units_trimmed(candle.high),
          format_units_trimmed(candle.low),                  format_units_trimmed(candle.volume),
          format_units_trimmed(candle.quote_volume)};
}

// GET /api/v1/market/candles: symbol, type (required), startAt and endAt in seconds. Candles
// opening in [startAt, endAt): startAt inclusive, endAt exclusive, endAt absent or 0 meaning
// now. Of more than 1500 the newest are sent, newest first.
void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  const Market& market = listed_symbol(request);
  const std::string type = request.get_param_value("type");
  const std::optional<CandleInterval> interval = interval_from_type(type);
  if (!interval) throw Rejection(parameter_error("Unsupported type: " + type));
  const std::optional<std::int64_t> start_s = optional_seconds(request, "startAt");
  const std::optional<std::int64_t> end_s = optional_seconds(request, "endAt");
  const std::int64_t now_ms = clock.now_ms();
  const std::int64_t first_open = start_s ? *start_s * kSecondMs : 0;
  const std::int64_t last_open = end_s ? *end_s * kSecondMs - 1 : now_ms;
  const std::vector<Candle> candles = latest_candles(
      market, *interval, CandleWindow{first_open, last_open, kMaxCandles}, now_ms);
  ordered_json data = ordered_json::array();
  for (auto candle = candles.rbegin(); candle != candles.rend(); ++candle) {
    data.push_back(candle_row(*candle));
  }
  answer_data(response, data);
}

std::string first_or_empty(const std::vector<BookLevel>& side, std::int64_t BookLevel::*field) {
  return side.empty() ? "" : format_units_trimmed(side.front().*field);
}

ordered_json ticker(const Market& market, std::int64_t snapshot_ms) {
  const DayStats stats = day_stats(market, snapshot_ms);
  const OrderBook top = order_book(market, snapshot_ms, 1);
  const std::string change_rate =
      stats.open > 0
          ? without_trailing_zeros(
                format_scaled(scaled_change(stats.open, stats.last, kChangeRateScale), 4))
          : "0";
  const std::int64_t average = stats.volume > 0
                                   ? mul_div_round(stats.quote_volume, kUnitsPerWhole, stats.volume)
                                   : 0;
  return {{"symbol", symbol_id(market)},
          {"symbolName", symbol_id(market)},
          {"buy", first_or_empty(top.bids, &BookLevel::price)},
          {"bestBidSize", first_or_empty(top.bids, &BookLevel::quantity)},
          {"sell", first_or_empty(top.asks, &BookLevel::price)},
          {"bestAskSize", first_or_empty(top.asks, &BookLevel::quantity)},
          {"changeRate", change_rate},
          {"changePrice", format_units_trimmed(stats.last - stats.open)},
          {"high", format_units_trimmed(stats.high)},
          {"low", format_units_trimmed(stats.low)},
          {"vol", format_units_trimmed(stats.volume)},
          {"volValue", format_units_trimmed(stats.quote_volume)},
          {"last", format_units_trimmed(stats.last)},
          {"averagePrice", format_units_trimmed(average)},
          {"takerFeeRate", "0.001"},
          {"makerFeeRate", "0.001"},
          {"takerCoefficient", "1"},
          {"makerCoefficient", "1"}};
}

// GET /api/v1/market/allTickers: {time, ticker: [...]}, every market.
void answer_all_tickers(const httplib::Request&, httplib::Response& response,
                        const SimClock& clock) {
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json list = ordered_json::array();
  for (const Market& market : all_markets()) list.push_back(ticker(market, snapshot_ms));
  answer_data(response, ordered_json{{"time", snapshot_ms}, {"ticker", list}});
}

// GET /api/v1/market/stats?symbol=: one market's 24 h statistics, stamped with `time`.
void answer_stats(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  const Market& market = listed_symbol(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  ordered_json data{{"time", snapshot_ms}};
  data.update(ticker(market, snapshot_ms));
  answer_data(response, data);
}

ordered_json levels(const std::vector<BookLevel>& side) {
  ordered_json out = ordered_json::array();
  for (const BookLevel& level : side) {
    out.push_back({format_units_trimmed(level.price), format_units_trimmed(level.quantity)});
  }
  return out;
}

// level2_20 and level2_100: {time (ms), sequence (string), bids, asks}, `depth` levels a side.
void answer_book(const httplib::Request& request, httplib::Response& response,
                 const SimClock& clock, std::size_t depth) {
  const Market& market = listed_symbol(request);
  const std::int64_t snapshot_ms = snapshot_time_ms(clock.now_ms());
  const OrderBook book = order_book(market, snapshot_ms, depth);
  // One update a second since the listing: a sequence that only grows.
  const std::int64_t sequence = (snapshot_ms - market.listed_at_ms) / kSecondMs;
  answer_data(response, ordered_json{{"time", snapshot_ms},
                                     {"sequence", std::to_string(sequence)},
                                     {"bids", levels(book.bids)},
                                     {"asks", levels(book.asks)}});
}

void answer_book_20(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock) {
  answer_book(request, response, clock, 20);
}

void answer_book_100(const httplib::Request& request, httplib::Response& response,
                     const SimClock& clock) {
  answer_book(request, response, clock, 100);
}

// The fields of /api/v2/symbols that ccxt's parse_market reads, in KuCoin's order.
ordered_json symbol_entry(const Market& market) {
  return {{"symbol", symbol_id(market)},
          {"name", symbol_id(market)},
          {"baseCurrency", market.base_asset},
          {"quoteCurrency", market.quote_asset},
          {"feeCurrency", market.quote_asset},
          {"market", market.quote_asset},
          {"baseMinSize", format_units_trimmed(market.step_size)},
          {"quoteMinSize", "0.1"},
          {"baseMaxSize", "10000000000"},
          {"quoteMaxSize", "99999999"},
          {"baseIncrement", format_units_trimmed(market.step_size)},
          {"quoteIncrement", format_units_trimmed(market.tick_size)},
          {"priceIncrement", format_units_trimmed(market.tick_size)},
          {"priceLimitRate", "0.1"},
          {"minFunds", "0.1"},
          {"isMarginEnabled", false},
          {"enableTrading", true},
          {"feeCategory", 1},
          {"makerFeeCoefficient", "1.00"},
          {"takerFeeCoefficient", "1.00"},
          {"st", false}};
}

void answer_symbols(const httplib::Request&, httplib::Response& response, const SimClock&) {
  ordered_json data = ordered_json::array();
  for (const Market& market : all_markets()) data.push_back(symbol_entry(market));
  answer_data(response, data);
}

// /api/v3/currencies: every asset of the listed markets, one chain each.
void answer_currencies(const httplib::Request&, httplib::Response& response, const SimClock&) {
  std::vector<std::string> assets;
  for (const Market& market : all_markets()) {
    assets.emplace_back(market.base_asset);
    assets.emplace_back(market.quote_asset);
  }
  std::ranges::sort(assets);
  assets.erase(std::unique(assets.begin(), assets.end()), assets.end());
  ordered_json data = ordered_json::array();
  for (const std::string& asset : assets) {
    data.push_back({{"currency", asset},
                    {"name", asset},
                    {"fullName", asset},
                    {"precision", 8},
                    {"confirms", nullptr},
                    {"contractAddress", nullptr},
                    {"isMarginEnabled", false},
                    {"isDebitEnabled", false},
                    {"chains", ordered_json::array({{{"chainName", asset},
                                                     {"withdrawalMinSize", "0.001"},
                                                     {"depositMinSize", nullptr},
                                                     {"withdrawFeeRate", "0"},
                                                     {"withdrawalMinFee", "0.0005"},
                                                     {"isWithdrawEnabled", true},
                                                     {"isDepositEnabled", true},
                                                     {"confirms", 2},
                                                     {"preConfirms", 2},
                                                     {"contractAddress", ""},
                                                     {"withdrawPrecision", 8},
                                                     {"maxWithdraw", nullptr},
                                                     {"maxDeposit", nullptr},
                                                     {"needTag", false},
                                                     {"chainId", "chain"}}})}});
  }
  answer_data(response, data);
}

void answer_timestamp(const httplib::Request&, httplib::Response& response,
                      const SimClock& clock) {
  answer_data(response, clock.now_ms());
}

void answer_status(const httplib::Request&, httplib::Response& response, const SimClock&) {
  answer_data(response, ordered_json{{"status", "open"}, {"msg", ""}});
}

// An injected 429 says, as KuCoin's own does, that nothing is left and when to come back: its
// headers replace the pool's (set before the faults are applied).
InjectedFailureWording kucoin_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.headers.erase("gw-ratelimit-remaining");
            response.headers.erase("gw-ratelimit-reset");
            response.set_header("gw-ratelimit-remaining", "0");
            response.set_header("gw-ratelimit-reset", std::to_string(retry_after_s * kSecondMs));
            answer_error(response, 429, too_many_requests());
          },
      .internal_error =
          [](httplib::Response& response) { answer_error(response, 500, internal_error()); },
  };
}

// The public pool: `weight` units of the shared budget per request. Every answer carries the
// gw-ratelimit-* headers (limit, remaining, milliseconds until the reset); past the budget the
// answer is HTTP 429, code 429000, until the window ends. The budget is a request counter
// admitting `weight` units one by one; a refused request keeps what it had already taken.
RouteHandler with_pool_limit(std::shared_ptr<RequestCountLimiter> pool, int weight,
                             const SimClock& clock, RouteHandler handler) {
  return [pool = std::move(pool), weight, &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const std::int64_t now_ms = clock.now_ms();
    RequestCountLimiter::Verdict verdict{};
    for (int unit = 0; unit < weight; ++unit) {
      verdict = pool->admit(now_ms);
      if (!verdict.admitted) break;
    }
    const std::int64_t reset_ms = std::max<std::int64_t>(verdict.window_reset_ms - now_ms, 0);
    response.set_header("gw-ratelimit-limit", std::to_string(pool->limit()));
    response.set_header("gw-ratelimit-remaining", std::to_string(std::max(verdict.remaining, 0)));
    response.set_header("gw-ratelimit-reset", std::to_string(reset_ms));
    if (!verdict.admitted) {
      answer_error(response, 429, too_many_requests());
      return;
    }
    handler(request, response);
  };
}

RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const Rejection& rejection) {
          answer_error(response, 200, rejection.error());
        }
      };
}

}  // namespace

void register_kucoin_routes(httplib::Server& server, const SimServices& services,
                            const KuCoinOptions& options) {
  const SimClock& clock = services.clock;
  auto pool = std::make_shared<RequestCountLimiter>(options.public_pool_weight, kPoolWindowMs);
  const auto route = [&](const std::string& path, ClockedAnswer answer, int weight,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    server.Get(kPrefix + path,
               with_gzip(with_pool_limit(pool, weight, clock,
                                         with_faults(services.faults, kucoin_wording(),
                                                     answering_rejections(std::move(handler))))));
  };
  route("/api/v1/market/candles", answer_candles, 3,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer("/data"), kSecondMs});
  route("/api/v1/market/allTickers", answer_all_tickers, 15);
  route("/api/v1/market/stats", answer_stats, 15);
  route("/api/v1/market/orderbook/level2_20", answer_book_20, 2);
  route("/api/v1/market/orderbook/level2_100", answer_book_100, 4);
  route("/api/v2/symbols", answer_symbols, 4);
  route("/api/v3/currencies", answer_currencies, 3);
  route("/api/v1/timestamp", answer_timestamp, 3);
  route("/api/v1/status", answer_status, 3);
}

}  // namespace exchange_sim
