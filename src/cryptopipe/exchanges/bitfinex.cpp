#include "cryptopipe/exchanges/bitfinex.h"

#include <array>
#include <charconv>
#include <deque>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 6;
constexpr std::size_t kTickerFields = 11;
constexpr std::size_t kLevelFields = 3;
constexpr int kBookLengths[] = {1, 25, 100};
// "If an IP address exceeds the rate limit ... the IP will be blocked for 60 seconds": what a
// 429 without Retry-After waits (docs/exchanges/bitfinex.md, rate limits).
constexpr std::chrono::seconds kIpBlock{60};
constexpr std::int64_t kErrorRateLimit = 11010;
constexpr std::int64_t kErrorInvalidParameter = 10020;
constexpr std::int64_t kErrorMaintenance = 20060;

// Unified code → Bitfinex's code, from ccxt's commonCurrencies for bitfinex (the reverse of its
// map), where Bitfinex's own code differs.
constexpr std::array<std::pair<std::string_view, std::string_view>, 14> kAssetIds = {{
    {"USDT", "UST"}, {"USDC", "UDC"}, {"TUSD", "TSD"}, {"DASH", "DSH"}, {"IOTA", "IOT"},
    {"QTUM", "QTM"}, {"MANA", "MNA"}, {"ATOM", "ATO"}, {"ALGO", "ALG"}, {"DATA", "DAT"},
    {"STORJ", "STJ"}, {"YOYOW", "YYW"}, {"XCHF", "XCH"}, {"EURT", "EUT"},
}};

// Bitfinex's error document: ["error", code, "message"], or {"error": "ERR_RATE_LIMIT"} from the
// rate limiter in front of it.
struct ApiError {
  std::int64_t code = 0;  // 0 for the object form
  std::string message;
};

std::optional<ApiError> read_api_error(const std::string& body) {
  std::string copy = body;  // the stored body stays untouched
  const simdjson::padded_string_view padded = padded_view(copy);
  simdjson::dom::element root;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get(root)) {
    return std::nullopt;
  }
  std::string_view text;
  simdjson::dom::array array;
  if (!root.get_array().get(array)) {
    if (array.size() < 2 || array.at(0).get_string().get(text) || text != "error") {
      return std::nullopt;
    }
    ApiError error;
    if (!read_integer(array.at(1).value_unsafe(), error.code)) return std::nullopt;
    if (array.size() > 2 && !array.at(2).get_string().get(text)) error.message = text;
    return error;
  }
  if (root["error"].get_string().get(text)) return std::nullopt;
  return ApiError{0, std::string(text)};
}

std::string describe(const std::string& body, const std::optional<ApiError>& error) {
  if (error) {
    return error->code == 0 ? error->message
                            : "error " + std::to_string(error->code) + ": " + error->message;
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

std::chrono::milliseconds block_wait(const net::HttpResponse& response) {
  const auto retry_after = header_int(response, "retry-after");
  if (retry_after && *retry_after > 0) return std::chrono::seconds(*retry_after);
  return kIpBlock;
}

// Bitfinex answers its errors with HTTP 500 (an invalid symbol or parameter included) or 429;
// an error document inside HTTP 200 is classified the same way.
void check_response(const RawResponse& raw, const net::HttpResponse& response) {
  const bool error_body = raw.body.starts_with("[\"error\"") || raw.body.starts_with("{");
  if (raw.status == 200 && !error_body) return;
  const auto error = read_api_error(raw.body);
  if (raw.status == 200 && !error) return;  // left to the parser
  const std::string what = "bitfinex: GET " + raw.url + " answered HTTP " +
                           std::to_string(raw.status) + " (" + describe(raw.body, error) + ")";
  if (raw.status == 429 || (error && error->code == kErrorRateLimit) ||
      (error && error->message == "ERR_RATE_LIMIT")) {
    throw Error(ErrorKind::kRateLimited, what, block_wait(response));
  }
  if (error && error->code == kErrorMaintenance) throw Error(ErrorKind::kTransient, what);
  // 10020 is the request's fault (symbol, limit or time frame invalid): no retry mends it.
  if (error && error->code == kErrorInvalidParameter) throw Error(ErrorKind::kPermanent, what);
  if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

bool parse_int(std::string_view text, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && ec == std::errc{} && end == text.data() + text.size();
}

// The top-level array of a `what` response, iterated in place. Throws Error(kBadPayload) for
// invalid JSON and for anything but an array (the rate limiter's {"error": ...} object).
simdjson::ondemand::array top_array(std::string& body, simdjson::ondemand::document& doc,
                                    std::string_view what) {
  if (const auto error = thread_parser().iterate(padded_view(body)).get(doc)) {
    throw bad_payload(Bitfinex::kName, what, error);
  }
  simdjson::ondemand::array array;
  if (doc.get_array().get(array)) {
    throw Error(ErrorKind::kBadPayload, "bitfinex: " + std::string(what) +
                                            " is not a JSON array (" +
                                            describe(body, read_api_error(body)) + ")");
  }
  return array;
}

// An entry of a top-level array as a value; a string there means the document is the error
// array ["error", code, "message"], which is not data.
simdjson::ondemand::value entry_value(simdjson::simdjson_result<simdjson::ondemand::value> entry,
                                      const std::string& body, std::string_view what) {
  simdjson::ondemand::value value;
  if (const auto error = entry.get(value)) throw bad_payload(Bitfinex::kName, what, error);
  simdjson::ondemand::json_type type;
  if (const auto error = value.type().get(type)) throw bad_payload(Bitfinex::kName, what, error);
  if (type == simdjson::ondemand::json_type::string) {
    throw Error(ErrorKind::kBadPayload, "bitfinex: " + std::string(what) + " is an error (" +
                                            describe(body, read_api_error(body)) + ")");
  }
  return value;
}

// The first `N` elements of an array entry as number texts; false when the entry is not an
// array, `count` the elements seen (up to N). Extra elements are skipped.
template <std::size_t N>
bool read_numbers(simdjson::ondemand::value value, std::array<std::string_view, N>& texts,
                  std::size_t& count, std::string_view what,
                  std::string_view* first_string = nullptr) {
  simdjson::ondemand::array fields;
  count = 0;
  if (value.get_array().get(fields)) return false;
  for (auto field : fields) {
    simdjson::ondemand::value element;
    if (const auto error = field.get(element)) throw bad_payload(Bitfinex::kName, what, error);
    if (count == 0 && first_string != nullptr) {
      if (element.get_string().get(*first_string)) *first_string = {};
    } else {
      texts[count] = number_text(element);
    }
    if (++count == N) break;
  }
  return true;
}

// DAILY_CHANGE_RELATIVE scaled to percent by the last parse_tickers on this thread, kept where
// the tickers' views can point at them (a deque does not move its strings as it grows).
std::deque<std::string>& thread_percent_texts() {
  thread_local std::deque<std::string> texts;
  return texts;
}

}  // namespace

Bitfinex::Bitfinex(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Bitfinex::interval_token(const Timeframe& timeframe) {
  // The documented list is 1m 5m 15m 30m 1h 3h 6h 12h 1D 1W 14D 1M: no 3m, 2h, 4h or 8h.
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1m"}, {"5m", "5m"},   {"15m", "15m"}, {"30m", "30m"},
      {"1h", "1h"}, {"6h", "6h"},   {"12h", "12h"}, {"1d", "1D"},
      {"1w", "1W"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

std::string Bitfinex::asset_id(std::string_view code) {
  for (const auto& [unified, id] : kAssetIds) {
    if (unified == code) return std::string(id);
  }
  return std::string(code);
}

std::string Bitfinex::asset_code(std::string_view id) {
  for (const auto& [unified, own] : kAssetIds) {
    if (own == id) return std::string(unified);
  }
  return std::string(id);
}

std::string Bitfinex::market_id(const Symbol& symbol) const {
  const std::string base = asset_id(symbol.base());
  const std::string quote = asset_id(symbol.quote());
  // Two three-letter codes run together; any longer code needs the colon.
  if (base.size() == 3 && quote.size() == 3) return "t" + base + quote;
  return "t" + base + ":" + quote;
}

RawResponse Bitfinex::get(const std::string& path, const QueryParams& params, double weight) {
  // Bitfinex sends no rate-limit headers: the bucket alone paces, and a 429's wait holds it.
  return session_->get(path, params, weight, check_response);
}

MarketList Bitfinex::list_markets() {
  RawResponse raw = get("/v2/conf/pub:list:pair:exchange", {}, 1);
  const simdjson::padded_string_view padded = padded_view(raw.body);
  simdjson::dom::array outer;
  simdjson::dom::array pairs;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get_array().get(outer) ||
      outer.size() < 1 || outer.at(0).get_array().get(pairs)) {
    throw Error(ErrorKind::kBadPayload,
                "bitfinex: pub:list:pair:exchange from " + raw.url + " is not [[pair, ...]]");
  }
  Listing listing;
  for (const simdjson::dom::element pair : pairs) {
    std::string_view id;
    if (pair.get_string().get(id)) {
      throw Error(ErrorKind::kBadPayload,
                  "bitfinex: a pair in " + raw.url + " is not a string");
    }
    const std::size_t colon = id.find(':');
    // BTCUST is two three-letter codes; DOGE:UST has the colon.
    if (colon == std::string_view::npos && id.size() != 6) continue;
    const std::string_view base = colon == std::string_view::npos ? id.substr(0, 3)
                                                                  : id.substr(0, colon);
    const std::string_view quote = colon == std::string_view::npos ? id.substr(3)
                                                                   : id.substr(colon + 1);
    listing[{asset_code(base), asset_code(quote)}] = "listed";
  }
  return {std::move(listing), "listed", raw.url};
}

RawResponse Bitfinex::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                  TimestampMs start, TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig,
                "bitfinex has no " + std::string(timeframe.name()) + " candles");
  }
  // start and end are both inclusive on MTS, in ms; sort=1 sends the oldest first and keeps the
  // oldest `limit` of a wider window. The caller keeps the window within `limit` candles.
  return get("/v2/candles/trade:" + std::string(*token) + ":" + market_id(symbol) + "/hist",
             {{"start", std::to_string(start)},
              {"end", std::to_string(end_inclusive)},
              {"limit", std::to_string(limit)},
              {"sort", "1"}},
             kCandleWeight);
}

void Bitfinex::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  constexpr std::string_view kWhat = "candles response";
  simdjson::ondemand::document doc;
  for (auto entry : top_array(body, doc, kWhat)) {
    const simdjson::ondemand::value value = entry_value(entry, body, kWhat);
    RawCandle row;
    std::array<std::string_view, kCandleFields> texts;
    std::size_t count = 0;
    if (!read_numbers(value, texts, count, kWhat)) {
      row.malformed = "row is not an array";
    } else if (count < kCandleFields) {
      row.malformed = "row has fewer than 6 fields";
    } else if (!parse_int(texts[0], row.open_time)) {
      row.malformed = "MTS is not an integer of milliseconds";
    } else {
      // [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]
      row.open = texts[1];
      row.close = texts[2];
      row.high = texts[3];
      row.low = texts[4];
      row.volume = texts[5];
    }
    rows.push_back(row);
  }
}

RawResponse Bitfinex::fetch_tickers(const std::vector<Symbol>& symbols) {
  std::string list;
  for (const Symbol& symbol : symbols) list += (list.empty() ? "" : ",") + market_id(symbol);
  return get("/v2/tickers", {{"symbols", symbols.empty() ? "ALL" : list}}, 1);
}

void Bitfinex::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  std::deque<std::string>& percents = thread_percent_texts();
  percents.clear();
  constexpr std::string_view kWhat = "tickers response";
  simdjson::ondemand::document doc;
  for (auto entry : top_array(body, doc, kWhat)) {
    const simdjson::ondemand::value value = entry_value(entry, body, kWhat);
    RawTicker ticker;
    std::array<std::string_view, kTickerFields> texts;
    std::size_t count = 0;
    if (!read_numbers(value, texts, count, kWhat, &ticker.market_id)) {
      ticker.malformed = "ticker is not an array";
    } else if (ticker.market_id.starts_with("f")) {
      continue;  // a funding currency's ticker, another layout and no spot market
    } else if (ticker.market_id.empty()) {
      ticker.malformed = "ticker has no symbol";
    } else if (count < kTickerFields) {
      ticker.malformed = "ticker has fewer than 11 fields";
    } else {
      // [SYMBOL, BID, BID_SIZE, ASK, ASK_SIZE, DAILY_CHANGE, DAILY_CHANGE_RELATIVE, LAST_PRICE,
      //  VOLUME, HIGH, LOW]
      ticker.bid = texts[1];
      ticker.bid_size = texts[2];
      ticker.ask = texts[3];
      ticker.ask_size = texts[4];
      ticker.change_percent = percents.emplace_back(percent_from_fraction(texts[6]));
      ticker.last = texts[7];
      ticker.base_volume = texts[8];
      ticker.high = texts[9];
      ticker.low = texts[10];
    }
    tickers.push_back(ticker);
  }
}

bool Bitfinex::accepts_depth(int depth) {
  return depth >= 1 && depth <= kBookLengths[std::size(kBookLengths) - 1];
}

RawResponse Bitfinex::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "bitfinex: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 100");
  }
  int length = kBookLengths[0];
  for (const int candidate : kBookLengths) {
    length = candidate;
    if (candidate >= depth) break;
  }
  // P0: the finest price aggregation Bitfinex offers in its aggregated book (R0 is raw orders).
  return get("/v2/book/" + market_id(symbol) + "/P0", {{"len", std::to_string(length)}},
             kBookWeight);
}

void Bitfinex::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  constexpr std::string_view kWhat = "book response";
  simdjson::ondemand::document doc;
  for (auto entry : top_array(body, doc, kWhat)) {
    const simdjson::ondemand::value value = entry_value(entry, body, kWhat);
    RawLevel level;
    std::array<std::string_view, kLevelFields> texts;
    std::size_t count = 0;
    // A level that cannot be read joins the side being read, bids until the first ask.
    std::vector<RawLevel>* side = book.asks.empty() ? &book.bids : &book.asks;
    if (!read_numbers(value, texts, count, kWhat)) {
      level.malformed = "level is not an array";
    } else if (count < kLevelFields) {
      level.malformed = "level has fewer than 3 fields";
    } else if (texts[0].empty() || texts[2].empty()) {
      level.malformed = "level price or amount is not a number";
    } else {
      // [PRICE, COUNT, AMOUNT]: the amount's sign is the side.
      level.price = texts[0];
      level.amount = texts[2];
      if (level.amount.starts_with('-')) {
        level.amount.remove_prefix(1);
        side = &book.asks;
      } else {
        side = &book.bids;
      }
    }
    side->push_back(level);
  }
}

}  // namespace cryptopipe::exchanges
