#include "cryptopipe/exchanges/binance.h"

#include <algorithm>
#include <charconv>
#include <deque>
#include <limits>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance_family.h"
#include "cryptopipe/exchanges/listing.h"
#include "cryptopipe/exchanges/perp_points.h"
#include "cryptopipe/exchanges/trade_pages.h"

namespace cryptopipe::exchanges {
namespace {

constexpr double kKlinesWeight = 2;
constexpr double kExchangeInfoWeight = 20;
constexpr std::size_t kKlineFields = 9;  // through the trade count

// 24hr ticker weights by the number of symbols asked for (no symbols: every market).
constexpr std::size_t kFewTickers = 20;
constexpr std::size_t kSomeTickers = 100;
constexpr double kFewTickersWeight = 2;
constexpr double kSomeTickersWeight = 40;
constexpr double kManyTickersWeight = 80;

// /api/v3/depth: limits and their weights (§1.5).
constexpr int kMaxDepth = 5000;
constexpr int kSmallDepth = 100;
constexpr int kMediumDepth = 500;
constexpr int kLargeDepth = 1000;
constexpr double kSmallDepthWeight = 5;
constexpr double kMediumDepthWeight = 25;
constexpr double kLargeDepthWeight = 50;
constexpr double kHugeDepthWeight = 250;

// /api/v3/aggTrades: its weight since 2025-03-10, its largest page and the widest time window
// asked for (the old rule, which costs nothing to keep).
constexpr double kAggTradesWeight = 4;
constexpr std::size_t kTradesPerPage = 1000;
constexpr TimestampMs kTradeWindowMs = kMillisPerHour;

constexpr int kFundingPerRequest = 1000;
constexpr PerpPointShape kFundingShape = {.time_key = "fundingTime",
                                          .value_key = "fundingRate",
                                          .value2_key = "markPrice"};
constexpr PerpPointShape kOpenInterestShape = {.time_key = "timestamp",
                                               .value_key = "sumOpenInterest",
                                               .value2_key = "sumOpenInterestValue"};

constexpr TickerTextField kTickerFields[] = {
    {"lastPrice", &RawTicker::last},
    {"bidPrice", &RawTicker::bid},
    {"bidQty", &RawTicker::bid_size},
    {"askPrice", &RawTicker::ask},
    {"askQty", &RawTicker::ask_size},
    {"openPrice", &RawTicker::open},
    {"highPrice", &RawTicker::high},
    {"lowPrice", &RawTicker::low},
    {"volume", &RawTicker::base_volume},
    {"quoteVolume", &RawTicker::quote_volume},
    {"priceChangePercent", &RawTicker::change_percent},  // already in percent units
};

// The weight of a 24hr ticker request for `symbol_count` symbols (0: every market).
double ticker_weight(std::size_t symbol_count) {
  if (symbol_count == 0 || symbol_count > kSomeTickers) return kManyTickersWeight;
  return symbol_count <= kFewTickers ? kFewTickersWeight : kSomeTickersWeight;
}

// The weight of a depth request for `depth` levels a side.
double depth_weight(int depth) {
  if (depth <= kSmallDepth) return kSmallDepthWeight;
  if (depth <= kMediumDepth) return kMediumDepthWeight;
  return depth <= kLargeDepth ? kLargeDepthWeight : kHugeDepthWeight;
}

// The ids of the last parse_trades on this thread as text: the live API sends them as numbers,
// whose digits the DOM does not keep. A deque does not move its strings as it grows.
std::deque<std::string>& thread_trade_ids() {
  thread_local std::deque<std::string> ids;
  return ids;
}

// One aggregate trade {a, p, q, f, l, T, m, M}; f, l and M are not kept.
RawTrade read_agg_trade(simdjson::dom::element entry) {
  RawTrade trade;
  simdjson::dom::object object;
  if (entry.get_object().get(object)) {
    trade.malformed = "trade is not an object";
    return trade;
  }
  simdjson::dom::element value;
  std::int64_t integer = 0;
  if (object["a"].get(value) || !read_integer(value, integer) || integer < 0) {
    trade.malformed = "a (aggregate id) is not an integer";
    return trade;
  }
  trade.sequence = integer;
  trade.id = thread_trade_ids().emplace_back(std::to_string(integer));
  if (object["T"].get(value) || !read_integer(value, trade.ts)) {
    trade.malformed = "T (trade time) is not an integer";
    return trade;
  }
  bool buyer_is_maker = false;
  if (object["m"].get(value) || value.get_bool().get(buyer_is_maker)) {
    trade.malformed = "m (buyer is maker) is not a boolean";
    return trade;
  }
  trade.side = buyer_is_maker ? "sell" : "buy";  // the maker bought: the taker sold
  if (!object["p"].get(value)) trade.price = string_text(value);
  if (!object["q"].get(value)) trade.amount = string_text(value);
  return trade;
}

std::int64_t cursor_id(const std::string& from_id) {
  std::int64_t id = 0;
  std::from_chars(from_id.data(), from_id.data() + from_id.size(), id);
  return id;
}

}  // namespace

Binance::Binance(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::string Binance::market_id(const Symbol& symbol) const {
  return symbol.base() + symbol.quote();
}

RawResponse Binance::get(const std::string& path, const QueryParams& params, double weight) {
  const auto check = [](const RawResponse& raw, const net::HttpResponse& response) {
    binance_family::check_response(kName, raw, response);
  };
  net::RateLimiter& limiter = session_->limiter();
  return session_->get(path, params, weight, check,
                       [&limiter](const net::HttpResponse& response) {
                         if (const auto used = header_int(response, "x-mbx-used-weight-1m")) {
                           limiter.observe_used(static_cast<double>(*used));
                         }
                       });
}

RawResponse Binance::get_futures(const std::string& path, const QueryParams& params) {
  return session_->get_futures(path, params, 1,
                               [](const RawResponse& raw, const net::HttpResponse& response) {
                                 binance_family::check_response(kName, raw, response);
                               });
}

std::optional<std::string_view> Binance::interval_token(const Timeframe& timeframe) {
  return timeframe.name();  // the canonical names are Binance's own
}

namespace {

// The markets of an exchangeInfo document (spot's or USD-M futures'), status by (base, quote);
// with `perpetuals`, only the perpetuals margined in their quote asset.
Listing read_exchange_info(RawResponse& raw, bool perpetuals) {
  Listing listing;
  simdjson::ondemand::document doc;
  simdjson::ondemand::array markets;
  auto error = thread_parser().iterate(padded_view(raw.body)).get(doc);
  if (!error) error = doc["symbols"].get_array().get(markets);
  if (!error) {
    for (auto market : markets) {
      std::string_view status, base, quote, contract_type, margin;
      simdjson::ondemand::object object;
      if ((error = market.get_object().get(object))) break;
      if (perpetuals) {
        if ((error = object["contractType"].get_string().get(contract_type))) break;
        if ((error = object["marginAsset"].get_string().get(margin))) break;
      }
      if ((error = object["status"].get_string().get(status))) break;
      if ((error = object["baseAsset"].get_string().get(base))) break;
      if ((error = object["quoteAsset"].get_string().get(quote))) break;
      if (perpetuals && (contract_type != "PERPETUAL" || margin != quote)) continue;
      listing[{std::string(base), std::string(quote)}] = std::string(status);
    }
  }
  if (error) throw bad_payload("binance", "exchangeInfo from " + raw.url, error);
  return listing;
}

}  // namespace

MarketList Binance::list_markets() {
  RawResponse raw = get("/api/v3/exchangeInfo", {}, kExchangeInfoWeight);
  return {read_exchange_info(raw, false), "TRADING", raw.url};
}

MarketList Binance::list_perpetuals() {
  RawResponse raw = get_futures("/fapi/v1/exchangeInfo", {});
  return {read_exchange_info(raw, true), "TRADING", raw.url};
}

RawResponse Binance::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                 TimestampMs start, TimestampMs end_inclusive, int limit) {
  return get("/api/v3/klines",
             {{"symbol", market_id(symbol)},
              {"interval", std::string(timeframe.name())},
              {"startTime", std::to_string(start)},
              {"endTime", std::to_string(end_inclusive)},
              {"limit", std::to_string(limit)}},
             kKlinesWeight);
}

void Binance::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  binance_family::parse_klines(kName, body, kKlineFields, rows);
}

RawResponse Binance::fetch_tickers(const std::vector<Symbol>& symbols) {
  // Always `symbols`, never `symbol`, even for one market: the answer is then always an array.
  // The value is a compact JSON array, ["BTCUSDT","ETHUSDT"]; market ids are letters and
  // digits only (Symbol guarantees it), so nothing needs escaping before build_query's encoding.
  QueryParams params;
  if (!symbols.empty()) {
    std::string ids = "[";
    for (const Symbol& symbol : symbols) {
      if (ids.size() > 1) ids += ',';
      ids += '"' + market_id(symbol) + '"';
    }
    params.emplace_back("symbols", ids + "]");
  }
  return get("/api/v3/ticker/24hr", params, ticker_weight(symbols.size()));
}

void Binance::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  binance_family::parse_tickers(kName, body, kTickerFields, {}, tickers);
}

bool Binance::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

RawResponse Binance::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "binance: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 5000");
  }
  return get("/api/v3/depth", {{"symbol", market_id(symbol)}, {"limit", std::to_string(depth)}},
             depth_weight(depth));
}

void Binance::parse_orderbook(std::string& body, RawBook& book) const {
  binance_family::parse_depth(kName, body, book);
}

TradesRequest Binance::first_trades_request(TimestampMs start, TimestampMs end) const {
  require_trade_range(kName, start, end);
  return {.start = start,
          .end = end,
          .window_start = start,
          .window_end = std::min(end, start + kTradeWindowMs)};
}

RawResponse Binance::fetch_trades(const Symbol& symbol, const TradesRequest& request) {
  QueryParams params = {{"symbol", market_id(symbol)}};
  if (request.from_id.empty()) {
    params.emplace_back("startTime", std::to_string(request.window_start));
    params.emplace_back("endTime", std::to_string(request.window_end - 1));  // inclusive
  } else {
    params.emplace_back("fromId", request.from_id);
  }
  params.emplace_back("limit", std::to_string(kTradesPerPage));
  return get("/api/v3/aggTrades", params, kAggTradesWeight);
}

std::optional<TradesRequest> Binance::next_trades_request(
    const TradesRequest& done, const std::vector<RawTrade>& trades) const {
  const bool by_id = !done.from_id.empty();
  const RawTrade* newest = last_readable(trades);
  if (newest == nullptr) {
    if (!trades.empty()) {
      throw stalled_paging(kName, "an aggTrades page without a readable trade");
    }
    if (by_id || done.window_end >= done.end) return std::nullopt;
    TradesRequest next = done;
    next.window_start = done.window_end;
    next.window_end = std::min(done.end, done.window_end + kTradeWindowMs);
    return next;
  }
  if (newest->ts >= done.end) return std::nullopt;
  // A short page is not taken for the end: only an empty one is (caught up with now), so that
  // trades missing from a page never end the day early.
  const std::int64_t last_id = *newest->sequence;
  if (last_id == std::numeric_limits<std::int64_t>::max() ||
      (by_id && last_id < cursor_id(done.from_id))) {
    throw stalled_paging(kName, "the aggTrades page from fromId=" +
                                    (by_id ? done.from_id : std::string("(time window)")) +
                                    ", which ends at aggregate id " + std::to_string(last_id));
  }
  TradesRequest next = done;
  next.from_id = std::to_string(last_id + 1);
  return next;
}

void Binance::parse_trades(std::string& body, std::vector<RawTrade>& trades) const {
  trades.clear();
  thread_trade_ids().clear();
  const simdjson::dom::array array =
      read_json_array(body, kName, "aggTrades response", binance_family::describe_error_body);
  trades.reserve(array.size());
  for (const simdjson::dom::element entry : array) trades.push_back(read_agg_trade(entry));
  put_oldest_first(trades);
}

}  // namespace cryptopipe::exchanges

namespace cryptopipe::exchanges {

RawResponse Binance::fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) {
  return get_futures("/fapi/v1/fundingRate", {{"symbol", market_id(symbol)},
                                              {"startTime", std::to_string(start)},
                                              {"endTime", std::to_string(end - 1)},  // inclusive
                                              {"limit", std::to_string(kFundingPerRequest)}});
}

RawResponse Binance::fetch_open_interest(const Symbol& symbol, const Timeframe& period,
                                         TimestampMs start, TimestampMs end) {
  return get_futures("/futures/data/openInterestHist",
                     {{"symbol", market_id(symbol)},
                      {"period", std::string(period.name())},
                      {"startTime", std::to_string(start)},
                      {"endTime", std::to_string(end - 1)},
                      {"limit", std::to_string(max_open_interest_points())}});
}

void Binance::parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(
      read_json_array(body, kName, "fundingRate response", binance_family::describe_error_body),
      kFundingShape, points);
}

void Binance::parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(read_json_array(body, kName, "openInterestHist response",
                                   binance_family::describe_error_body),
                   kOpenInterestShape, points);
}

}  // namespace cryptopipe::exchanges
