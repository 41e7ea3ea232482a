#include "cryptopipe/exchanges/binance.h"

#include <charconv>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr double kKlinesWeight = 2;
constexpr double kExchangeInfoWeight = 20;
constexpr std::size_t kKlineMinFields = 9;

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

// "code -1121: Invalid symbol." from Binance's {code, msg} body, or the raw body.
std::string describe_error_body(const std::string& body) {
  std::string copy = body;
  simdjson::ondemand::document doc;
  std::int64_t code = 0;
  std::string_view msg;
  if (thread_parser().iterate(padded_view(copy)).get(doc) == simdjson::SUCCESS &&
      doc["code"].get_int64().get(code) == simdjson::SUCCESS &&
      doc["msg"].get_string().get(msg) == simdjson::SUCCESS) {
    return "code " + std::to_string(code) + ": " + std::string(msg);
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

void check_response(const RawResponse& raw, const net::HttpResponse& response) {
  if (raw.status == 200) return;
  const std::string what = "binance: GET " + raw.url + " answered HTTP " +
                           std::to_string(raw.status) + " (" + describe_error_body(raw.body) + ")";
  const auto retry_after_s = header_int(response, "retry-after");
  const auto retry_after = std::chrono::milliseconds(retry_after_s.value_or(1) * 1000);
  if (raw.status == 429) throw Error(ErrorKind::kRateLimited, what, retry_after);
  if (raw.status == 418) {
    throw Error(ErrorKind::kBanned,
                what + "; the IP is banned for " + std::to_string(retry_after.count() / 1000) +
                    " s, stopping binance",
                retry_after);
  }
  if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

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

// One ticker of the 24hr response. closeTime, the end of the 24 h window, is its timestamp.
RawTicker read_ticker(simdjson::dom::element entry) {
  RawTicker ticker = read_ticker_texts(entry, "symbol", kTickerFields);
  simdjson::dom::element close_time;
  if (!ticker.malformed.empty() || entry["closeTime"].get(close_time)) return ticker;
  std::int64_t ms = 0;
  if (read_integer(close_time, ms)) {
    ticker.ts = ms;
  } else {
    ticker.malformed = "closeTime is not an integer";
  }
  return ticker;
}

}  // namespace

Binance::Binance(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::string Binance::market_id(const Symbol& symbol) const {
  return symbol.base() + symbol.quote();
}

RawResponse Binance::get(const std::string& path, const QueryParams& params, double weight) {
  net::RateLimiter& limiter = session_->limiter();
  return session_->get(path, params, weight, check_response,
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
  rows.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::array array;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get_array()
                             .get(array)) {
    throw bad_payload(kName, "klines response", error);
  }
  for (const simdjson::dom::element row_value : array) {
    RawCandle row;
    simdjson::dom::array fields;
    if (row_value.get_array().get(fields)) {
      row.malformed = "row is not an array";
      rows.push_back(row);
      continue;
    }
    std::size_t index = 0;
    for (const simdjson::dom::element field : fields) {
      switch (index) {
        case 0:
          if (field.get_int64().get(row.open_time)) row.malformed = "open time is not an integer";
          break;
        case 1: row.open = string_text(field); break;
        case 2: row.high = string_text(field); break;
        case 3: row.low = string_text(field); break;
        case 4: row.close = string_text(field); break;
        case 5: row.volume = string_text(field); break;
        case 6: {
          std::int64_t close_time = 0;
          if (field.get_int64().get(close_time)) {
            row.malformed = "close time is not an integer";
          } else {
            row.close_time = close_time;
          }
          break;
        }
        case 7: row.quote_volume = string_text(field); break;
        case 8: {
          std::int64_t trades = 0;
          if (field.get_int64().get(trades)) {
            row.malformed = "trade count is not an integer";
          } else {
            row.trade_count = trades;
          }
          break;
        }
        default: break;
      }
      ++index;
    }
    if (index < kKlineMinFields && row.malformed.empty()) {
      row.malformed = "row has fewer than 9 fields";
    }
    rows.push_back(row);
  }
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
  tickers.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::element root;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get(root)) {
    throw bad_payload(kName, "24hr ticker response", error);
  }
  simdjson::dom::array array;
  if (!root.get_array().get(array)) {
    for (const simdjson::dom::element entry : array) tickers.push_back(read_ticker(entry));
    return;
  }
  // A lone object is the answer to `symbol=`; one without a symbol is an error body.
  simdjson::dom::element symbol;
  if (!root.is_object() || root["symbol"].get(symbol)) {
    throw Error(ErrorKind::kBadPayload, "binance: 24hr ticker response is neither an array nor "
                                        "a ticker object (" + describe_error_body(body) + ")");
  }
  tickers.push_back(read_ticker(root));
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
  book.clear();
  const auto object = read_book_object(body, kName, "depth response", "code");
  if (!object) {
    throw Error(ErrorKind::kBadPayload, "binance: depth response is not a book object (" +
                                            describe_error_body(body) + ")");
  }
  read_book_sides(*object, "bids", "asks", kName, "depth response", book);
  // A number live, a string in ccxt's recording: read_integer takes both.
  book.sequence = optional_integer(*object, "lastUpdateId", kName, "depth response");
}

}  // namespace cryptopipe::exchanges
