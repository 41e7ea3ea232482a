#include "cryptopipe/exchanges/gateio.h"

#include <cctype>

#include <algorithm>
#include <charconv>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"
#include "cryptopipe/exchanges/perp_points.h"
#include "cryptopipe/exchanges/trade_pages.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 8;
constexpr int kMaxDepth = 1000;

// /spot/trades: its largest page, and the last page it serves of one query, from
// "limit * (page - 1) <= 100,000".
constexpr int kTradesPerPage = 1000;
constexpr int kLastTradePage = 100'000 / kTradesPerPage + 1;
constexpr TimestampMs kTradeWindowMs = kMillisPerHour;

// Gate gives neither an open price nor a timestamp: those stay empty.
constexpr TickerTextField kTickerFields[] = {
    {"last", &RawTicker::last},
    {"highest_bid", &RawTicker::bid},
    {"highest_size", &RawTicker::bid_size},  // filled only when one pair is asked for
    {"lowest_ask", &RawTicker::ask},
    {"lowest_size", &RawTicker::ask_size},
    {"high_24h", &RawTicker::high},
    {"low_24h", &RawTicker::low},
    {"base_volume", &RawTicker::base_volume},
    {"quote_volume", &RawTicker::quote_volume},
    {"change_percentage", &RawTicker::change_percent},  // already in percent units
};

// "INVALID_CURRENCY_PAIR: ..." from Gate's {label, message} body, or the raw body.
std::string describe_error_body(const std::string& body) {
  std::string copy = body;
  simdjson::dom::object error;
  std::string_view label, message;
  const simdjson::padded_string_view padded = padded_view(copy);
  if (!thread_dom_parser().parse(padded.data(), padded.length(), false).get_object().get(error) &&
      !error["label"].get_string().get(label)) {
    if (error["message"].get_string().get(message)) message = {};
    return std::string(label) + ": " + std::string(message);
  }
  return body.size() > 200 ? body.substr(0, 200) + "..." : body;
}

void check_response(const RawResponse& raw, const net::HttpResponse&) {
  if (raw.status == 200) return;
  const std::string what = "gateio: GET " + raw.url + " answered HTTP " +
                           std::to_string(raw.status) + " (" + describe_error_body(raw.body) + ")";
  // Gate documents no Retry-After: its windows are 10 s long, so a second is a fair first wait.
  if (raw.status == 429) throw Error(ErrorKind::kRateLimited, what, std::chrono::seconds(1));
  if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

bool read_seconds(simdjson::dom::element value, TimestampMs& out_ms) {
  std::string_view text;
  std::int64_t seconds = 0;
  if (value.get_string().get(text) == simdjson::SUCCESS) {
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
    if (ec != std::errc{} || end != text.data() + text.size()) return false;
  } else if (value.get_int64().get(seconds) != simdjson::SUCCESS) {
    return false;
  }
  // A time that does not fit in milliseconds is malformed, not a wrapped-around date.
  return !__builtin_mul_overflow(seconds, kMillisPerSecond, &out_ms);
}

// The whole milliseconds of create_time_ms, "1710327648162.035000": digits, then optionally a
// point and more digits, cut at the point (no double on the way).
bool read_decimal_millis(std::string_view text, TimestampMs& out_ms) {
  const std::size_t point = text.find('.');
  const std::string_view whole = text.substr(0, point);
  if (point != std::string_view::npos) {
    const std::string_view fraction = text.substr(point + 1);
    if (fraction.empty() || fraction.find_first_not_of("0123456789") != std::string_view::npos) {
      return false;
    }
  }
  if (whole.empty() || whole.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const auto [end, ec] = std::from_chars(whole.data(), whole.data() + whole.size(), out_ms);
  return ec == std::errc{} && end == whole.data() + whole.size();
}

// One row of /spot/trades. A row without sequence_id keeps no sequence; one whose sequence_id
// is not an integer is malformed.
RawTrade read_trade(simdjson::dom::element entry) {
  RawTrade trade;
  simdjson::dom::object object;
  if (entry.get_object().get(object)) {
    trade.malformed = "trade is not an object";
    return trade;
  }
  simdjson::dom::element value;
  if (!object["id"].get(value)) trade.id = string_text(value);
  if (trade.id.empty()) {
    trade.malformed = "trade has no id";
    return trade;
  }
  std::string_view millis;
  if (object["create_time_ms"].get(value) || value.get_string().get(millis) ||
      !read_decimal_millis(millis, trade.ts)) {
    trade.malformed = "create_time_ms is not a decimal of milliseconds";
    return trade;
  }
  // Where the whole seconds come too, they must be those of create_time_ms: a time in seconds
  // there (as the futures routes write it) would otherwise pass for 1970.
  TimestampMs seconds_ms = 0;
  if (!object["create_time"].get(value) &&
      (!read_seconds(value, seconds_ms) ||
       seconds_ms / kMillisPerSecond != trade.ts / kMillisPerSecond)) {
    trade.malformed = "create_time_ms is not the time create_time gives";
    return trade;
  }
  if (!object["sequence_id"].get(value)) {
    std::int64_t sequence = 0;
    if (!read_integer(value, sequence)) {
      trade.malformed = "sequence_id is not an integer";
      return trade;
    }
    trade.sequence = sequence;
  }
  if (!object["side"].get(value)) trade.side = string_text(value);
  if (!object["price"].get(value)) trade.price = string_text(value);
  if (!object["amount"].get(value)) trade.amount = string_text(value);
  return trade;
}

// The hour boundary at or after `ms`: where the window after one ending at `ms` starts (a
// window cut short at a page cap ends inside its hour, whose rest was paged already).
TimestampMs hour_at_or_after(TimestampMs ms) {
  return (ms + kTradeWindowMs - 1) / kTradeWindowMs * kTradeWindowMs;
}

}  // namespace

GateIo::GateIo(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> GateIo::interval_token(const Timeframe& timeframe) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1m"}, {"5m", "5m"}, {"15m", "15m"}, {"30m", "30m"}, {"1h", "1h"},
      {"4h", "4h"}, {"8h", "8h"}, {"1d", "1d"},   {"1w", "7d"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

std::string GateIo::market_id(const Symbol& symbol) const {
  return symbol.base() + "_" + symbol.quote();
}

RawResponse GateIo::get(const std::string& path, const QueryParams& params) {
  net::RateLimiter& limiter = session_->limiter();
  return session_->get(path, params, 1, check_response,
                       [&limiter](const net::HttpResponse& response) {
                         const auto limit = header_int(response, "x-gate-ratelimit-limit");
                         const auto remain =
                             header_int(response, "x-gate-ratelimit-requests-remain");
                         if (limit && remain) limiter.observe_used(static_cast<double>(*limit - *remain));
                         hold_when_spent(limiter, response, "x-gate-ratelimit-requests-remain",
                                         "x-gate-ratelimit-reset-timestamp");
                       });
}

MarketList GateIo::list_markets() {
  RawResponse raw = get("/spot/currency_pairs", {});
  const simdjson::padded_string_view padded = padded_view(raw.body);
  simdjson::dom::array pairs;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get_array().get(pairs)) {
    throw Error(ErrorKind::kBadPayload,
                "gateio: currency_pairs from " + raw.url + " is not a JSON array");
  }
  Listing listing;
  for (const simdjson::dom::element pair : pairs) {
    std::string_view base, quote, status;
    if (pair["base"].get_string().get(base) || pair["quote"].get_string().get(quote) ||
        pair["trade_status"].get_string().get(status)) {
      throw Error(ErrorKind::kBadPayload,
                  "gateio: a pair in " + raw.url + " lacks base, quote or trade_status");
    }
    listing[{std::string(base), std::string(quote)}] = std::string(status);
  }
  return {std::move(listing), "tradable", raw.url};
}

RawResponse GateIo::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                TimestampMs start, TimestampMs end_inclusive, int) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "gateio has no " + std::string(timeframe.name()) + " candles");
  }
  // from and to, both inclusive, in seconds; no limit, which Gate refuses beside them. The
  // caller keeps the window within 1000 candles, Gate's cap per request.
  return get("/spot/candlesticks", {{"currency_pair", market_id(symbol)},
                                    {"interval", std::string(*token)},
                                    {"from", std::to_string(start / kMillisPerSecond)},
                                    {"to", std::to_string(end_inclusive / kMillisPerSecond)}});
}

void GateIo::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::array array;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get_array()
                             .get(array)) {
    throw bad_payload(kName, "candlesticks response", error);
  }
  for (const simdjson::dom::element row_value : array) {
    RawCandle row;
    simdjson::dom::array fields;
    std::string_view closed;
    if (row_value.get_array().get(fields)) {
      row.malformed = "row is not an array";
    } else if (fields.size() < kCandleFields) {
      row.malformed = "row has fewer than 8 fields";
    } else if (!read_seconds(fields.at(0).value_unsafe(), row.open_time)) {
      row.malformed = "open time is not an integer of seconds in range";
    } else if (fields.at(7).value_unsafe().get_string().get(closed) ||
               (closed != "true" && closed != "false")) {
      row.malformed = "closed flag is not \"true\" or \"false\"";
    } else {
      row.quote_volume = string_text(fields.at(1).value_unsafe());
      row.close = string_text(fields.at(2).value_unsafe());
      row.high = string_text(fields.at(3).value_unsafe());
      row.low = string_text(fields.at(4).value_unsafe());
      row.open = string_text(fields.at(5).value_unsafe());
      row.volume = string_text(fields.at(6).value_unsafe());
      row.closed = closed == "true";
    }
    rows.push_back(row);
  }
}

RawResponse GateIo::fetch_tickers(const std::vector<Symbol>& symbols) {
  // currency_pair takes one pair only: for several, every pair comes back and the caller keeps
  // what it asked for.
  QueryParams params;
  if (symbols.size() == 1) params.emplace_back("currency_pair", market_id(symbols.front()));
  return get("/spot/tickers", params);
}

void GateIo::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  // Even one pair comes as an array: anything else is an error body or garbage.
  const simdjson::dom::array array =
      read_json_array(body, kName, "tickers response", describe_error_body);
  for (const simdjson::dom::element entry : array) {
    tickers.push_back(read_ticker_texts(entry, "currency_pair", kTickerFields));
  }
}

bool GateIo::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

RawResponse GateIo::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "gateio: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 1000");
  }
  // with_id=true, or the answer has no update id; no interval: "0", no aggregation, is the
  // default.
  return get("/spot/order_book", {{"currency_pair", market_id(symbol)},
                                  {"limit", std::to_string(depth)},
                                  {"with_id", "true"}});
}

void GateIo::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const auto object = read_book_object(body, kName, "order_book response", "label");
  if (!object) {
    throw Error(ErrorKind::kBadPayload, "gateio: order_book response is not a book object (" +
                                            describe_error_body(body) + ")");
  }
  read_book_sides(*object, "bids", "asks", kName, "order_book response", book);
  book.ts = optional_integer(*object, "current", kName, "order_book response");
  book.sequence = optional_integer(*object, "id", kName, "order_book response");
}

TradesRequest GateIo::first_trades_request(TimestampMs start, TimestampMs end) const {
  require_trade_range(kName, start, end);
  return {.start = start,
          .end = end,
          .window_start = start,
          .window_end = std::min(end, start / kTradeWindowMs * kTradeWindowMs + kTradeWindowMs),
          .page = 1};
}

RawResponse GateIo::fetch_trades(const Symbol& symbol, const TradesRequest& request) {
  return get("/spot/trades",
             {{"currency_pair", market_id(symbol)},
              {"from", std::to_string(request.window_start / kMillisPerSecond)},
              {"to", std::to_string((request.window_end - 1) / kMillisPerSecond)},
              {"limit", std::to_string(kTradesPerPage)},
              {"page", std::to_string(request.page)}});
}

std::optional<TradesRequest> GateIo::next_trades_request(
    const TradesRequest& done, const std::vector<RawTrade>& trades) const {
  TradesRequest next = done;
  next.page = 1;
  if (trades.size() >= static_cast<std::size_t>(kTradesPerPage)) {
    if (done.page < kLastTradePage) {
      next.page = done.page + 1;
      return next;
    }
    const RawTrade* oldest = first_readable(trades);
    if (oldest == nullptr) {
      throw stalled_paging(kName, "page " + std::to_string(done.page) +
                                      ", the last Gate serves, without a readable trade");
    }
    const TimestampMs cut = (oldest->ts / kMillisPerSecond + 1) * kMillisPerSecond;
    if (cut >= done.window_end) {
      throw stalled_paging(kName, "page " + std::to_string(done.page) + " of the window from " +
                                      std::to_string(done.window_start) + " ms: its " +
                                      std::to_string(kLastTradePage * kTradesPerPage) +
                                      " trades fill the window's last second");
    }
    if (cut > done.window_start) {
      next.window_end = cut;
      return next;
    }
  }
  const TimestampMs window_start = hour_at_or_after(done.window_end);
  if (window_start >= done.end) return std::nullopt;
  next.window_start = window_start;
  next.window_end = std::min(done.end, window_start + kTradeWindowMs);
  return next;
}

void GateIo::parse_trades(std::string& body, std::vector<RawTrade>& trades) const {
  trades.clear();
  const simdjson::dom::array array =
      read_json_array(body, kName, "trades response", describe_error_body);
  trades.reserve(array.size());
  for (const simdjson::dom::element entry : array) trades.push_back(read_trade(entry));
  put_oldest_first(trades);
}

}  // namespace cryptopipe::exchanges

namespace cryptopipe::exchanges {
namespace {

constexpr int kFundingPerRequest = 1000;
constexpr PerpPointShape kFundingShape = {
    .time_key = "t", .time_in_seconds = true, .value_key = "r"};
constexpr PerpPointShape kOpenInterestShape = {.time_key = "time",
                                               .time_in_seconds = true,
                                               .value_key = "open_interest",
                                               .value2_key = {},
                                               .value_is_integer = true};

std::string futures_path(const Symbol& symbol, std::string_view route) {
  std::string settle = symbol.settle();
  for (char& c : settle) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return "/futures/" + settle + "/" + std::string(route);
}

}  // namespace

MarketList GateIo::list_perpetuals() {
  // Gate's linear perpetuals are its USDT-settled contracts, all in one answer.
  RawResponse raw = get("/futures/usdt/contracts", {});
  const simdjson::padded_string_view padded = padded_view(raw.body);
  simdjson::dom::array contracts;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get_array().get(contracts)) {
    throw Error(ErrorKind::kBadPayload, "gateio: contracts from " + raw.url + " is not a JSON array");
  }
  Listing listing;
  for (const simdjson::dom::element contract : contracts) {
    std::string_view name;
    bool delisting = false;
    if (contract["name"].get_string().get(name) || contract["in_delisting"].get_bool().get(delisting) ||
        name.find('_') == std::string_view::npos) {
      throw Error(ErrorKind::kBadPayload, "gateio: a contract in " + raw.url +
                                              " lacks a BASE_QUOTE name or in_delisting");
    }
    const std::size_t separator = name.find('_');
    listing[{std::string(name.substr(0, separator)), std::string(name.substr(separator + 1))}] =
        delisting ? "delisting" : "trading";
  }
  return {std::move(listing), "trading", raw.url};
}

RawResponse GateIo::fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) {
  return get(futures_path(symbol, "funding_rate"),
             {{"contract", market_id(symbol)},
              {"from", std::to_string(start / kMillisPerSecond)},
              {"to", std::to_string((end - 1) / kMillisPerSecond)},
              {"limit", std::to_string(kFundingPerRequest)}});
}

RawResponse GateIo::fetch_open_interest(const Symbol& symbol, const Timeframe& period,
                                        TimestampMs start, TimestampMs end) {
  const TimestampMs samples = (end - start + period.duration_ms() - 1) / period.duration_ms();
  return get(futures_path(symbol, "contract_stats"),
             {{"contract", market_id(symbol)},
              {"from", std::to_string(start / kMillisPerSecond)},
              {"interval", std::string(period.name())},
              {"limit", std::to_string(samples)}});
}

void GateIo::parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(read_json_array(body, kName, "funding_rate response", describe_error_body),
                   kFundingShape, points);
}

void GateIo::parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const {
  read_perp_points(read_json_array(body, kName, "contract_stats response", describe_error_body),
                   kOpenInterestShape, points);
}

std::optional<RawResponse> GateIo::fetch_contract(const Symbol& symbol) {
  return get(futures_path(symbol, "contracts/" + market_id(symbol)), {});
}

std::string GateIo::parse_contract_size(std::string& body) const {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object contract;
  std::string_view multiplier;
  if (thread_dom_parser().parse(padded.data(), padded.length(), false).get_object().get(contract) ||
      contract["quanto_multiplier"].get_string().get(multiplier)) {
    throw Error(ErrorKind::kBadPayload, "gateio: the contract response has no quanto_multiplier (" +
                                            describe_error_body(body) + ")");
  }
  return std::string(multiplier);
}

}  // namespace cryptopipe::exchanges
