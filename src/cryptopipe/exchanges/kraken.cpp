#include "cryptopipe/exchanges/kraken.h"

#include <algorithm>
#include <map>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 8;
constexpr std::string_view kTradingStatus = "online";

// Kraken publishes no public budget and sends no Retry-After with its rate-limit errors; ccxt
// paces public calls a second apart, so a few seconds clear whatever counter was hit.
constexpr std::chrono::seconds kRateLimitWait{3};
// "EGeneral:Temporary lockout" names no duration; Kraken's support pages speak of 15 minutes
// for the API-key lockout (docs/exchanges/kraken.md: unverified for public calls).
constexpr std::chrono::minutes kLockout{15};
// ccxt charges OHLC and Depth 1.2 "because 1 triggers too many requests immediately".
constexpr double kHeavyWeight = 1.2;

// Adds one entry of a response's "error" array to `joined` ("; " between them) when it is an
// error: E-prefixed; W-prefixed entries are warnings.
void add_error(std::string& joined, std::string_view entry) {
  if (entry.empty() || entry.front() != 'E') return;
  joined += (joined.empty() ? "" : "; ") + std::string(entry);
}

// The errors of a response's "error" array, joined; empty when there are none or the body has
// no such array.
std::string errors_of(simdjson::dom::object root) {
  simdjson::dom::array errors;
  std::string joined;
  if (root["error"].get_array().get(errors)) return joined;
  for (const simdjson::dom::element entry : errors) {
    std::string_view text;
    if (!entry.get_string().get(text)) add_error(joined, text);
  }
  return joined;
}

bool has_error(const std::string& errors, std::string_view code) {
  return errors.find(code) != std::string::npos;
}

void check_response(const RawResponse& raw, const net::HttpResponse& response) {
  std::string copy = raw.body;  // the stored body stays untouched
  const simdjson::padded_string_view padded = padded_view(copy);
  simdjson::dom::object root;
  const bool is_object =
      !thread_dom_parser().parse(padded.data(), padded.length(), false).get_object().get(root);
  const std::string errors = is_object ? errors_of(root) : std::string();
  if (raw.status == 200 && errors.empty()) return;  // the parser judges the rest
  std::string what = "kraken: GET " + raw.url + " answered HTTP " + std::to_string(raw.status);
  if (!errors.empty()) what += " (" + errors + ")";
  if (raw.status == 429 || has_error(errors, "EAPI:Rate limit exceeded") ||
      has_error(errors, "EGeneral:Too many requests")) {
    const auto retry_after = header_int(response, "retry-after");
    throw Error(ErrorKind::kRateLimited, what,
                retry_after && *retry_after > 0 ? std::chrono::seconds(*retry_after)
                                                : kRateLimitWait);
  }
  if (has_error(errors, "EGeneral:Temporary lockout")) {
    throw Error(ErrorKind::kBanned, what, kLockout);
  }
  if (raw.status >= 500 || has_error(errors, "EService:") ||
      has_error(errors, "EGeneral:Internal error")) {
    throw Error(ErrorKind::kTransient, what);
  }
  throw Error(ErrorKind::kPermanent, what);
}

// The "result" object of a `what` response; throws Error(kBadPayload) for an error envelope or
// a body that is not one.
simdjson::dom::object result_object(std::string& body, std::string_view what) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object root;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get_object()
                             .get(root)) {
    throw bad_payload(Kraken::kName, what, error);
  }
  const std::string errors = errors_of(root);
  if (!errors.empty()) {
    throw Error(ErrorKind::kBadPayload,
                "kraken: " + std::string(what) + " is an error (" + errors + ")");
  }
  simdjson::dom::object result;
  if (root["result"].get_object().get(result)) {
    throw Error(ErrorKind::kBadPayload, "kraken: " + std::string(what) + " has no result object");
  }
  return result;
}

// One candle row [time s, open, high, low, close, vwap, volume, count]: the time and count are
// JSON integers, the decimals strings.
RawCandle read_candle(simdjson::dom::element row_value) {
  RawCandle row;
  simdjson::dom::array fields;
  std::int64_t seconds = 0;
  std::int64_t trades = 0;
  if (row_value.get_array().get(fields)) {
    row.malformed = "row is not an array";
  } else if (fields.size() < kCandleFields) {
    row.malformed = "row has fewer than 8 fields";
  } else if (fields.at(0).value_unsafe().get_int64().get(seconds) ||
             __builtin_mul_overflow(seconds, kMillisPerSecond, &row.open_time)) {
    row.malformed = "time is not a whole number of seconds in range";
  } else if (fields.at(kCandleFields - 1).value_unsafe().get_int64().get(trades)) {
    row.malformed = "count is not an integer";
  } else {
    row.open = string_text(fields.at(1).value_unsafe());
    row.high = string_text(fields.at(2).value_unsafe());
    row.low = string_text(fields.at(3).value_unsafe());
    row.close = string_text(fields.at(4).value_unsafe());
    row.volume = string_text(fields.at(6).value_unsafe());
    row.trade_count = trades;
  }
  return row;
}

// Element `index` of a ticker's array field `key` (its exact string), empty where absent.
std::string_view array_text(simdjson::dom::object ticker, std::string_view key,
                            std::size_t index) {
  simdjson::dom::array values;
  simdjson::dom::element value;
  if (ticker[key].get_array().get(values) || values.at(index).get(value)) return {};
  return string_text(value);
}

// The legacy result keys, built once: every pair of two X/Z-prefixed assets, mapped to its
// altname. The strings live as long as the program, so tickers may view them.
const std::map<std::string, std::string, std::less<>>& legacy_keys() {
  static const auto kKeys = [] {
    static constexpr std::string_view kCrypto[] = {"XBT", "ETH", "LTC", "XRP", "XLM", "XMR",
                                                   "ZEC", "ETC", "REP", "MLN", "XDG"};
    static constexpr std::string_view kFiat[] = {"USD", "EUR", "GBP", "JPY", "CAD", "AUD"};
    std::map<std::string, std::string, std::less<>> keys;
    for (const std::string_view base : kCrypto) {
      for (const std::string_view quote : kCrypto) {
        keys["X" + std::string(base) + "X" + std::string(quote)] =
            std::string(base) + std::string(quote);
      }
      for (const std::string_view quote : kFiat) {
        keys["X" + std::string(base) + "Z" + std::string(quote)] =
            std::string(base) + std::string(quote);
      }
    }
    return keys;
  }();
  return kKeys;
}

}  // namespace

Kraken::Kraken(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Kraken::interval_token(const Timeframe& timeframe) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1"},   {"5m", "5"},     {"15m", "15"},   {"30m", "30"},
      {"1h", "60"},  {"4h", "240"},   {"1d", "1440"},  {"1w", "10080"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

bool Kraken::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

std::string Kraken::pair_name(const Symbol& symbol) {
  const auto code = [](const std::string& unified) -> std::string {
    if (unified == "BTC") return "XBT";
    if (unified == "DOGE") return "XDG";
    return unified;
  };
  return code(symbol.base()) + code(symbol.quote());
}

std::string Kraken::unified_asset(std::string_view kraken_code) {
  if (kraken_code == "XBT") return "BTC";
  if (kraken_code == "XDG") return "DOGE";
  return std::string(kraken_code);
}

std::string_view Kraken::altname_of_key(std::string_view key) {
  const auto& keys = legacy_keys();
  const auto found = keys.find(key);
  return found == keys.end() ? key : std::string_view(found->second);
}

RawResponse Kraken::get(const std::string& path, const QueryParams& params, double weight) {
  // Kraken's public answers carry no rate-limit headers: the token bucket alone paces.
  return session_->get("/0/public/" + path, params, weight, check_response);
}

MarketList Kraken::list_markets() {
  RawResponse raw = get("AssetPairs", {}, 1);
  const simdjson::dom::object pairs = result_object(raw.body, "AssetPairs response");
  Listing listing;
  for (const auto pair : pairs) {
    std::string_view wsname, status;
    if (pair.value["wsname"].get_string().get(wsname)) continue;  // dark pools have none
    const auto slash = wsname.find('/');
    if (slash == std::string_view::npos) continue;
    if (pair.value["status"].get_string().get(status)) status = kTradingStatus;
    listing[{unified_asset(wsname.substr(0, slash)), unified_asset(wsname.substr(slash + 1))}] =
        std::string(status);
  }
  return {std::move(listing), kTradingStatus, raw.url};
}

RawResponse Kraken::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                TimestampMs start, TimestampMs, int) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "kraken has no " + std::string(timeframe.name()) + " candles");
  }
  // A second before start: whether Kraken's `since` is inclusive or exclusive (undocumented),
  // the first candle is then the one opening at start.
  return get("OHLC",
             {{"pair", pair_name(symbol)},
              {"interval", std::string(*token)},
              {"since", std::to_string(start / kMillisPerSecond - 1)}},
             kHeavyWeight);
}

void Kraken::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  // The DOM parser validates the whole document before anything is read: On-Demand, reading as
  // it goes, reached undefined behaviour inside simdjson on a body broken after its error field
  // (fuzz/regressions/kraken_responses).
  const simdjson::dom::object result = result_object(body, "OHLC response");
  // result holds the rows under the pair's key, and "last".
  bool found = false;
  for (const auto [key, value] : result) {
    if (key == "last") continue;
    simdjson::dom::array array;
    if (value.get_array().get(array)) {
      throw Error(ErrorKind::kBadPayload, "kraken: OHLC response's " + std::string(key) +
                                              " is not an array of rows");
    }
    for (const simdjson::dom::element row_value : array) rows.push_back(read_candle(row_value));
    found = true;
    break;
  }
  if (!found) throw Error(ErrorKind::kBadPayload, "kraken: OHLC response has no rows");
  // The last row is the candle still open; flagged by its time, the newest, so that a page out
  // of order flags the same candle.
  const auto newest = std::max_element(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return b.malformed.empty() && (!a.malformed.empty() || a.open_time < b.open_time);
  });
  if (newest != rows.end() && newest->malformed.empty()) newest->closed = false;
}

RawResponse Kraken::fetch_tickers(const std::vector<Symbol>& symbols) {
  std::string pairs;
  for (const Symbol& symbol : symbols) pairs += (pairs.empty() ? "" : ",") + pair_name(symbol);
  return get("Ticker", pairs.empty() ? QueryParams{} : QueryParams{{"pair", pairs}}, 1);
}

void Kraken::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  const simdjson::dom::object result = result_object(body, "Ticker response");
  for (const auto field : result) {
    RawTicker ticker;
    ticker.market_id = altname_of_key(field.key);
    simdjson::dom::object entry;
    if (field.value.get_object().get(entry)) {
      ticker.malformed = "ticker is not an object";
    } else {
      ticker.ask = array_text(entry, "a", 0);
      ticker.ask_size = array_text(entry, "a", 2);  // the lot volume, as ccxt's askVolume
      ticker.bid = array_text(entry, "b", 0);
      ticker.bid_size = array_text(entry, "b", 2);
      ticker.last = array_text(entry, "c", 0);
      ticker.base_volume = array_text(entry, "v", 1);  // [today, last 24 h]
      ticker.low = array_text(entry, "l", 1);
      ticker.high = array_text(entry, "h", 1);
      simdjson::dom::element open;
      if (!entry["o"].get(open)) ticker.open = string_text(open);
    }
    tickers.push_back(ticker);
  }
}

RawResponse Kraken::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "kraken: an order book depth of " +
                                              std::to_string(depth) + " levels is outside 1 to " +
                                              std::to_string(kMaxDepth));
  }
  return get("Depth", {{"pair", pair_name(symbol)}, {"count", std::to_string(depth)}},
             kHeavyWeight);
}

void Kraken::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const simdjson::dom::object result = result_object(body, "Depth response");
  for (const auto field : result) {
    simdjson::dom::object side_object;
    if (field.value.get_object().get(side_object)) {
      throw Error(ErrorKind::kBadPayload, "kraken: Depth response's " + std::string(field.key) +
                                              " is not a book object");
    }
    read_book_sides(side_object, "bids", "asks", kName, "Depth response", book);
    return;
  }
  throw Error(ErrorKind::kBadPayload, "kraken: Depth response has no book");
}

}  // namespace cryptopipe::exchanges
