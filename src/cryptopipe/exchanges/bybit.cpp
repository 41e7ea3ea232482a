#include "cryptopipe/exchanges/bybit.h"

#include <algorithm>
#include <deque>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"
#include "cryptopipe/exchanges/perp_points.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kKlineFields = 7;
constexpr std::chrono::minutes kIpBlock{10};  // "wait at least 10 minutes" after HTTP 403
constexpr int kMaxSpotDepth = 1000;

constexpr TickerTextField kTickerFields[] = {
    {"lastPrice", &RawTicker::last},
    {"bid1Price", &RawTicker::bid},
    {"bid1Size", &RawTicker::bid_size},
    {"ask1Price", &RawTicker::ask},
    {"ask1Size", &RawTicker::ask_size},
    {"prevPrice24h", &RawTicker::open},
    {"highPrice24h", &RawTicker::high},
    {"lowPrice24h", &RawTicker::low},
    {"volume24h", &RawTicker::base_volume},
    {"turnover24h", &RawTicker::quote_volume},
};

// retCode and time: the live API sends numbers, ccxt's recordings strings (read_integer takes
// both).
struct Envelope {
  std::int64_t ret_code = -1;
  std::string_view ret_msg;
  bool has_result = false;  // a default element must not be read
  simdjson::dom::element result;
  simdjson::dom::object root;
};

// Reads {retCode, retMsg, result, ...}; nullopt when the body is not that envelope.
std::optional<Envelope> read_envelope(std::string& body, simdjson::dom::parser& parser) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object root;
  if (parser.parse(padded.data(), padded.length(), false).get_object().get(root)) {
    return std::nullopt;
  }
  Envelope envelope;
  envelope.root = root;
  simdjson::dom::element code;
  if (root["retCode"].get(code) || !read_integer(code, envelope.ret_code)) return std::nullopt;
  if (root["retMsg"].get_string().get(envelope.ret_msg)) envelope.ret_msg = {};
  envelope.has_result = !root["result"].get(envelope.result);
  return envelope;
}

void check_response(const RawResponse& raw, const net::HttpResponse&) {
  const std::string where = "bybit: GET " + raw.url;
  if (raw.status == 403) {
    throw Error(ErrorKind::kBanned,
                where + " answered HTTP 403: the IP is blocked for at least 10 minutes, "
                        "stopping bybit",
                std::chrono::duration_cast<std::chrono::milliseconds>(kIpBlock));
  }
  if (raw.status == 429) {
    throw Error(ErrorKind::kRateLimited, where + " answered HTTP 429", std::chrono::seconds(1));
  }
  if (raw.status >= 500) {
    throw Error(ErrorKind::kTransient, where + " answered HTTP " + std::to_string(raw.status));
  }
  if (raw.status != 200) {
    throw Error(ErrorKind::kPermanent, where + " answered HTTP " + std::to_string(raw.status));
  }
  std::string copy = raw.body;  // the stored body stays untouched
  const auto envelope = read_envelope(copy, thread_dom_parser());
  if (!envelope) return;  // left to the parser, which names what is wrong with it
  if (envelope->ret_code == 0) return;
  const std::string what = where + " answered retCode " + std::to_string(envelope->ret_code) +
                           " (" + std::string(envelope->ret_msg) + ")";
  switch (envelope->ret_code) {
    case 10006:  // too many visits
    case 10018:  // IP rate limit
      throw Error(ErrorKind::kRateLimited, what, std::chrono::seconds(1));
    case 10016:  // internal error or service restarting
      throw Error(ErrorKind::kTransient, what);
    default:
      throw Error(ErrorKind::kPermanent, what);
  }
}

// The result object of a successful `what` response ("kline", "orderbook"); throws
// Error(kBadPayload) for anything else, an error envelope included. `shape` lists the result's
// fields for the message.
simdjson::dom::object result_object(const std::optional<Envelope>& envelope,
                                    std::string_view what, std::string_view shape) {
  const std::string where = "bybit: " + std::string(what) + " response";
  if (!envelope) {
    throw Error(ErrorKind::kBadPayload, where + " is not valid JSON of the expected shape "
                                                "{retCode, retMsg, result: {" +
                                                std::string(shape) + "}}");
  }
  if (envelope->ret_code != 0) {
    throw Error(ErrorKind::kBadPayload, where + " carries retCode " +
                                            std::to_string(envelope->ret_code) + " (" +
                                            std::string(envelope->ret_msg) + ")");
  }
  simdjson::dom::object result;
  if (!envelope->has_result || envelope->result.get_object().get(result)) {
    throw Error(ErrorKind::kBadPayload, where + " has no result object");
  }
  return result;
}

// result.list of a successful `what` response ("kline", "tickers"); throws Error(kBadPayload)
// for anything else, an error envelope included.
simdjson::dom::array result_list(const std::optional<Envelope>& envelope, std::string_view what) {
  simdjson::dom::array list;
  if (result_object(envelope, what, "list")["list"].get_array().get(list)) {
    throw Error(ErrorKind::kBadPayload, "bybit: " + std::string(what) +
                                            " response has no result.list array");
  }
  return list;
}

// The envelope's `time` (ms): Bybit stamps only the whole response, not each ticker.
std::optional<TimestampMs> response_time(const Envelope& envelope) {
  simdjson::dom::element time;
  if (envelope.root["time"].get(time)) return std::nullopt;
  std::int64_t ms = 0;
  if (!read_integer(time, ms)) {
    throw Error(ErrorKind::kBadPayload,
                "bybit: tickers response has a time that is not an integer");
  }
  return ms;
}

// The change texts scaled to percent by the last parse_tickers on this thread. The tickers'
// change_percent views them, so they live like the views into the parser's buffers: until the
// next parse on this thread. A deque keeps its strings in place when it grows (a vector would
// move them, and short strings hold their text inside themselves).
std::deque<std::string>& thread_percent_texts() {
  thread_local std::deque<std::string> texts;
  return texts;
}

}  // namespace

Bybit::Bybit(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Bybit::interval_token(const Timeframe& timeframe) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1"},    {"3m", "3"},    {"5m", "5"},    {"15m", "15"}, {"30m", "30"},
      {"1h", "60"},   {"2h", "120"},  {"4h", "240"},  {"6h", "360"}, {"12h", "720"},
      {"1d", "D"},    {"1w", "W"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

std::string Bybit::market_id(const Symbol& symbol) const { return symbol.base() + symbol.quote(); }

RawResponse Bybit::get(const std::string& path, const QueryParams& params) {
  net::RateLimiter& limiter = session_->limiter();
  // The X-Bapi-Limit-* headers count a per-endpoint budget in a window of its own, apart from
  // the IP limit the limiter paces: when they say it is spent, wait for its reset.
  return session_->get(path, params, 1, check_response,
                       [&limiter](const net::HttpResponse& response) {
                         hold_when_spent(limiter, response, "x-bapi-limit-status",
                                         "x-bapi-limit-reset-timestamp");
                       });
}

namespace {

// The instruments of one instruments-info answer, status by (base, quote); with `linear`, only
// the perpetuals settled in their quote coin. Returns nextPageCursor ("" on the last page).
std::string read_instruments(RawResponse& raw, bool linear, Listing& listing) {
  simdjson::dom::parser parser;
  const auto envelope = read_envelope(raw.body, parser);
  simdjson::dom::array list;
  if (!envelope || !envelope->has_result || envelope->result["list"].get_array().get(list)) {
    throw Error(ErrorKind::kBadPayload, "bybit: instruments-info from " + raw.url +
                                            " is not the expected {retCode, result: {list}}");
  }
  for (const simdjson::dom::element market : list) {
    std::string_view base, quote, status, contract_type, settle;
    if (market["baseCoin"].get_string().get(base) || market["quoteCoin"].get_string().get(quote) ||
        market["status"].get_string().get(status) ||
        (linear && (market["contractType"].get_string().get(contract_type) ||
                    market["settleCoin"].get_string().get(settle)))) {
      throw Error(ErrorKind::kBadPayload, "bybit: an instrument in " + raw.url +
                                              " lacks baseCoin, quoteCoin or status" +
                                              (linear ? ", contractType or settleCoin" : ""));
    }
    if (linear && (contract_type != "LinearPerpetual" || settle != quote)) continue;
    listing[{std::string(base), std::string(quote)}] = std::string(status);
  }
  std::string_view cursor;
  if (envelope->result["nextPageCursor"].get_string().get(cursor)) cursor = "";
  return std::string(cursor);
}

}  // namespace

MarketList Bybit::list_markets() {
  RawResponse raw = get("/v5/market/instruments-info", {{"category", "spot"}});
  Listing listing;
  read_instruments(raw, false, listing);
  return {std::move(listing), "Trading", raw.url};
}

MarketList Bybit::list_perpetuals() {
  // Linear instruments come in pages of at most 1000, the next one named by nextPageCursor.
  constexpr int kMaxPages = 100;
  Listing listing;
  std::string first_url, cursor;
  for (int page = 0; page < kMaxPages; ++page) {
    QueryParams params = {{"category", "linear"}, {"limit", "1000"}};
    if (!cursor.empty()) params.emplace_back("cursor", cursor);
    RawResponse raw = get("/v5/market/instruments-info", params);
    if (first_url.empty()) first_url = raw.url;
    cursor = read_instruments(raw, true, listing);
    if (cursor.empty()) return {std::move(listing), "Trading", first_url};
  }
  throw Error(ErrorKind::kBadPayload, "bybit: instruments-info from " + first_url +
                                          " went on past " + std::to_string(kMaxPages) + " pages");
}

RawResponse Bybit::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                               TimestampMs start, TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "bybit has no " + std::string(timeframe.name()) + " candles");
  }
  // Both ends and a window of at most `limit` candles: which candles Bybit sends from a wider
  // window (the oldest or the newest) is undocumented, so it is never asked for one.
  return get("/v5/market/kline", {{"category", "spot"},
                                  {"symbol", market_id(symbol)},
                                  {"interval", std::string(*token)},
                                  {"start", std::to_string(start)},
                                  {"end", std::to_string(end_inclusive)},
                                  {"limit", std::to_string(limit)}});
}

void Bybit::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::dom::array list = result_list(read_envelope(body, thread_dom_parser()), "kline");
  for (const simdjson::dom::element row_value : list) {
    RawCandle row;
    simdjson::dom::array fields;
    if (row_value.get_array().get(fields)) {
      row.malformed = "row is not an array";
    } else if (fields.size() < kKlineFields) {
      row.malformed = "row has fewer than 7 fields";
    } else if (!read_integer(fields.at(0).value_unsafe(), row.open_time)) {
      row.malformed = "start time is not an integer";
    } else {
      row.open = string_text(fields.at(1).value_unsafe());
      row.high = string_text(fields.at(2).value_unsafe());
      row.low = string_text(fields.at(3).value_unsafe());
      row.close = string_text(fields.at(4).value_unsafe());
      row.volume = string_text(fields.at(5).value_unsafe());
      row.quote_volume = string_text(fields.at(6).value_unsafe());
    }
    rows.push_back(row);
  }
  std::reverse(rows.begin(), rows.end());  // newest first on the wire, oldest first for us
}

RawResponse Bybit::fetch_tickers(const std::vector<Symbol>& symbols) {
  // `symbol` takes one market only: for several, the whole category comes back and the caller
  // keeps what it asked for.
  QueryParams params = {{"category", "spot"}};
  if (symbols.size() == 1) params.emplace_back("symbol", market_id(symbols.front()));
  return get("/v5/market/tickers", params);
}

void Bybit::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  std::deque<std::string>& percents = thread_percent_texts();
  percents.clear();
  const auto envelope = read_envelope(body, thread_dom_parser());
  const simdjson::dom::array list = result_list(envelope, "tickers");
  const std::optional<TimestampMs> time = response_time(*envelope);
  for (const simdjson::dom::element entry : list) {
    RawTicker ticker = read_ticker_texts(entry, "symbol", kTickerFields);
    simdjson::dom::element fraction;
    if (ticker.malformed.empty()) {
      ticker.ts = time;
      if (!entry["price24hPcnt"].get(fraction)) {
        ticker.change_percent = percents.emplace_back(percent_from_fraction(string_text(fraction)));
      }
    }
    tickers.push_back(ticker);
  }
}

bool Bybit::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxSpotDepth; }

RawResponse Bybit::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "bybit: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 1000");
  }
  // Always a limit: spot's default is the top level only.
  return get("/v5/market/orderbook", {{"category", "spot"},
                                      {"symbol", market_id(symbol)},
                                      {"limit", std::to_string(depth)}});
}

void Bybit::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const simdjson::dom::object result =
      result_object(read_envelope(body, thread_dom_parser()), "orderbook", "s, b, a, ts, u");
  read_book_sides(result, "b", "a", kName, "orderbook response", book);
  // Numbers live, strings in ccxt's recordings: read_integer takes both.
  book.ts = optional_integer(result, "ts", kName, "orderbook response");
  book.sequence = optional_integer(result, "u", kName, "orderbook response");
}

}  // namespace cryptopipe::exchanges

namespace cryptopipe::exchanges {
namespace {

constexpr int kPerpPointsPerRequest = 200;
constexpr PerpPointShape kFundingShape = {.time_key = "fundingRateTimestamp",
                                          .value_key = "fundingRate"};
constexpr PerpPointShape kOpenInterestShape = {.time_key = "timestamp",
                                               .value_key = "openInterest"};

// intervalTime of /v5/market/open-interest for the periods every perpetual venue serves.
std::string open_interest_interval(const Timeframe& period) {
  if (period.name() == "5m" || period.name() == "15m" || period.name() == "30m") {
    return std::string(period.name()) + "in";
  }
  return std::string(period.name());  // 1h, 4h, 1d
}

}  // namespace

RawResponse Bybit::fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) {
  return get("/v5/market/funding/history", {{"category", "linear"},
                                            {"symbol", market_id(symbol)},
                                            {"startTime", std::to_string(start)},
                                            {"endTime", std::to_string(end - 1)},
                                            {"limit", std::to_string(kPerpPointsPerRequest)}});
}

RawResponse Bybit::fetch_open_interest(const Symbol& symbol, const Timeframe& period,
                                       TimestampMs start, TimestampMs end) {
  return get("/v5/market/open-interest", {{"category", "linear"},
                                          {"symbol", market_id(symbol)},
                                          {"intervalTime", open_interest_interval(period)},
                                          {"startTime", std::to_string(start)},
                                          {"endTime", std::to_string(end - 1)},
                                          {"limit", std::to_string(kPerpPointsPerRequest)}});
}

void Bybit::parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(result_list(read_envelope(body, thread_dom_parser()), "funding/history"),
                   kFundingShape, points);
}

void Bybit::parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(result_list(read_envelope(body, thread_dom_parser()), "open-interest"),
                   kOpenInterestShape, points);
}

}  // namespace cryptopipe::exchanges
