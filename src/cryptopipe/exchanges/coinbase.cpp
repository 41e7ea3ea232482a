#include "cryptopipe/exchanges/coinbase.h"

#include <algorithm>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 6;
constexpr std::string_view kTradingStatus = "online";

// Coinbase sends no Retry-After that anyone documents; its bucket refills 10 requests a second,
// so a second is a fair first wait when the header is absent.
constexpr std::chrono::seconds kDefaultRateLimitWait{1};

// "message" of Coinbase's {"message": "..."} error body, or the raw body cut short.
std::string describe_error_body(const std::string& body) {
  std::string copy = body;
  const simdjson::padded_string_view padded = padded_view(copy);
  simdjson::dom::object error;
  std::string_view message;
  if (!thread_dom_parser().parse(padded.data(), padded.length(), false).get_object().get(error) &&
      !error["message"].get_string().get(message)) {
    return std::string(message);
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

void check_response(const RawResponse& raw, const net::HttpResponse& response) {
  if (raw.status == 200) return;
  const std::string what = "coinbase: GET " + raw.url + " answered HTTP " +
                           std::to_string(raw.status) + " (" + describe_error_body(raw.body) + ")";
  if (raw.status == 429) {
    const auto retry_after = header_int(response, "retry-after");
    throw Error(ErrorKind::kRateLimited, what,
                retry_after && *retry_after > 0 ? std::chrono::seconds(*retry_after)
                                                : kDefaultRateLimitWait);
  }
  if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

// One candle row [time, low, high, open, close, volume]; extra fields are ignored.
RawCandle read_candle(simdjson::ondemand::value row_value) {
  RawCandle row;
  simdjson::ondemand::array fields;
  if (row_value.get_array().get(fields)) {
    row.malformed = "row is not an array";
    return row;
  }
  std::string_view texts[kCandleFields];
  std::size_t count = 0;
  for (auto field : fields) {
    simdjson::ondemand::value value;
    if (field.get(value)) throw bad_payload(Coinbase::kName, "candles response", field.error());
    if (count < kCandleFields) texts[count] = number_text(value);
    ++count;
  }
  if (count < kCandleFields) {
    row.malformed = "row has fewer than 6 fields";
  } else if (!read_whole_seconds(texts[0], row.open_time)) {
    row.malformed = "time is not a whole number of seconds in range";
  } else {
    row.low = texts[1];
    row.high = texts[2];
    row.open = texts[3];
    row.close = texts[4];
    row.volume = texts[5];
  }
  return row;
}

}  // namespace

Coinbase::Coinbase(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Coinbase::interval_token(const Timeframe& timeframe) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "60"},    {"5m", "300"},    {"15m", "900"},
      {"1h", "3600"},  {"6h", "21600"},  {"1d", "86400"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

bool Coinbase::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

std::string Coinbase::market_id(const Symbol& symbol) const {
  return symbol.base() + "-" + symbol.quote();
}

RawResponse Coinbase::get(const std::string& path, const QueryParams& params) {
  // Coinbase's public answers carry no rate-limit headers: the token bucket alone paces.
  return session_->get(path, params, 1, check_response);
}

MarketList Coinbase::list_markets() {
  RawResponse raw = get("/products", {});
  const simdjson::padded_string_view padded = padded_view(raw.body);
  simdjson::dom::array products;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get_array().get(products)) {
    throw Error(ErrorKind::kBadPayload, "coinbase: products from " + raw.url +
                                            " is not a JSON array (" +
                                            describe_error_body(raw.body) + ")");
  }
  Listing listing;
  for (const simdjson::dom::element product : products) {
    std::string_view id, status;
    if (product["id"].get_string().get(id) || product["status"].get_string().get(status)) {
      throw Error(ErrorKind::kBadPayload,
                  "coinbase: a product in " + raw.url + " lacks id or status");
    }
    // Base and quote come from the id, as ccxt takes them: an auction product such as
    // BTCAUCTION-USD names BTC as its base_currency and would pass for BTC-USD.
    const auto dash = id.find('-');
    if (dash == std::string_view::npos || id.find('-', dash + 1) != std::string_view::npos) {
      continue;  // not BASE-QUOTE: no unified symbol can name it
    }
    bool disabled = false;
    if (product["trading_disabled"].get_bool().get(disabled)) disabled = false;
    listing[{std::string(id.substr(0, dash)), std::string(id.substr(dash + 1))}] =
        disabled ? "trading_disabled" : std::string(status);
  }
  return {std::move(listing), kTradingStatus, raw.url};
}

RawResponse Coinbase::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                  TimestampMs start, TimestampMs end_inclusive, int) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig,
                "coinbase has no " + std::string(timeframe.name()) + " candles");
  }
  // start and end both inclusive, as ccxt's end = start + (limit - 1) × granularity implies;
  // ISO 8601 as ccxt sends them. The caller keeps the window within 300 candles, more being
  // refused. No limit parameter exists.
  return get("/products/" + market_id(symbol) + "/candles",
             {{"granularity", std::string(*token)},
              {"start", format_iso8601(start)},
              {"end", format_iso8601(end_inclusive)}});
}

void Coinbase::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::ondemand::document document;
  simdjson::ondemand::json_type type;
  if (const auto error = thread_parser().iterate(padded).get(document)) {
    throw bad_payload(kName, "candles response", error);
  }
  if (const auto error = document.type().get(type)) {
    throw bad_payload(kName, "candles response", error);
  }
  if (type != simdjson::ondemand::json_type::array) {
    throw Error(ErrorKind::kBadPayload, "coinbase: candles response is not a JSON array (" +
                                            describe_error_body(body) + ")");
  }
  simdjson::ondemand::array array;
  if (const auto error = document.get_array().get(array)) {
    throw bad_payload(kName, "candles response", error);
  }
  for (auto row_result : array) {
    simdjson::ondemand::value row_value;
    if (const auto error = row_result.get(row_value)) {
      throw bad_payload(kName, "candles response", error);
    }
    rows.push_back(read_candle(row_value));
  }
  std::reverse(rows.begin(), rows.end());  // newest first on the wire, oldest first for us
}

RawResponse Coinbase::fetch_tickers(const std::vector<Symbol>&) {
  // Every product in one answer, whatever was asked for: the caller keeps what it wants.
  return get("/products/stats", {});
}

void Coinbase::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  static constexpr TickerTextField kFields[] = {
      {"open", &RawTicker::open},
      {"high", &RawTicker::high},
      {"low", &RawTicker::low},
      {"last", &RawTicker::last},
      {"volume", &RawTicker::base_volume},
  };
  tickers.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object root;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get_object()
                             .get(root)) {
    throw bad_payload(kName, "products/stats response", error);
  }
  // An error body is an object too: its "message" is a string where a product's is an object.
  std::string_view message;
  if (!root["message"].get_string().get(message)) {
    throw Error(ErrorKind::kBadPayload,
                "coinbase: products/stats response is an error (" + std::string(message) + ")");
  }
  for (const auto field : root) {
    RawTicker ticker;
    ticker.market_id = field.key;
    simdjson::dom::object day;
    if (field.value["stats_24hour"].get_object().get(day)) {
      ticker.malformed = "product has no stats_24hour object";
    } else {
      for (const TickerTextField& text_field : kFields) {
        simdjson::dom::element value;
        if (!day[text_field.key].get(value)) ticker.*text_field.field = string_text(value);
      }
    }
    tickers.push_back(ticker);
  }
}

RawResponse Coinbase::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "coinbase: an order book depth of " +
                                              std::to_string(depth) + " levels is outside 1 to " +
                                              std::to_string(kMaxDepth));
  }
  // Level 1 is only the best bid and ask, level 3 every order unaggregated: level 2, the whole
  // aggregated book, is the one that serves any depth.
  return get("/products/" + market_id(symbol) + "/book", {{"level", "2"}});
}

void Coinbase::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const auto object = read_book_object(body, kName, "book response", "message");
  if (!object) {
    throw Error(ErrorKind::kBadPayload, "coinbase: book response is not a book object (" +
                                            describe_error_body(body) + ")");
  }
  read_book_sides(*object, "bids", "asks", kName, "book response", book);
  book.sequence = optional_integer(*object, "sequence", kName, "book response");
}

}  // namespace cryptopipe::exchanges
