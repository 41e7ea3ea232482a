#include "cryptopipe/exchanges/binance.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance_family.h"
#include "cryptopipe/exchanges/listing.h"

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

std::optional<std::string_view> Binance::interval_token(const Timeframe& timeframe) {
  return timeframe.name();  // the canonical names are Binance's own
}

MarketList Binance::list_markets() {
  RawResponse raw = get("/api/v3/exchangeInfo", {}, kExchangeInfoWeight);
  Listing listing;
  simdjson::ondemand::document doc;
  simdjson::ondemand::array markets;
  auto error = thread_parser().iterate(padded_view(raw.body)).get(doc);
  if (!error) error = doc["symbols"].get_array().get(markets);
  if (!error) {
    for (auto market : markets) {
      std::string_view status, base, quote;
      simdjson::ondemand::object object;
      if ((error = market.get_object().get(object))) break;
      if ((error = object["status"].get_string().get(status))) break;
      if ((error = object["baseAsset"].get_string().get(base))) break;
      if ((error = object["quoteAsset"].get_string().get(quote))) break;
      listing[{std::string(base), std::string(quote)}] = std::string(status);
    }
  }
  if (error) throw bad_payload(kName, "exchangeInfo from " + raw.url, error);
  return {std::move(listing), "TRADING", raw.url};
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

}  // namespace cryptopipe::exchanges
