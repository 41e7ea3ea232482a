#include "cryptopipe/exchanges/okx.h"

#include <algorithm>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"
#include "cryptopipe/exchanges/trade_pages.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 9;
constexpr int kMaxDepth = 400;
constexpr int kTradesPerPage = 100;  // history-trades' default and maximum
// OKX's public limits are counted per endpoint in 2 s windows and it sends no Retry-After:
// waiting a whole window is enough for any of them.
constexpr std::chrono::seconds kRateLimitWait{2};

constexpr TickerTextField kTickerFields[] = {
    {"last", &RawTicker::last},
    {"bidPx", &RawTicker::bid},
    {"bidSz", &RawTicker::bid_size},
    {"askPx", &RawTicker::ask},
    {"askSz", &RawTicker::ask_size},
    {"open24h", &RawTicker::open},
    {"high24h", &RawTicker::high},
    {"low24h", &RawTicker::low},
    {"vol24h", &RawTicker::base_volume},     // base currency on spot
    {"volCcy24h", &RawTicker::quote_volume},  // quote currency on spot
};

// Codes ccxt maps to OnMaintenance, RequestTimeout or ExchangeNotAvailable: worth a retry.
bool is_busy_code(std::string_view code) {
  return code == "50001" || code == "50004" || code == "50005" || code == "50013" ||
         code == "50026";
}

void check_response(const RawResponse& raw, const net::HttpResponse&) {
  std::string copy = raw.body;  // the stored body stays untouched
  const auto envelope = read_code_envelope(copy, thread_dom_parser());
  if (raw.status == 200 && (!envelope || envelope->code == "0")) return;  // the parser judges
  std::string what = "okx: GET " + raw.url + " answered HTTP " + std::to_string(raw.status);
  if (envelope) {
    what += ", code " + std::string(envelope->code) + " (" + std::string(envelope->msg) + ")";
  }
  const std::string_view code = envelope ? envelope->code : std::string_view();
  if (raw.status == 429 || code == "50011") {
    throw Error(ErrorKind::kRateLimited, what, kRateLimitWait);
  }
  if (raw.status >= 500 || is_busy_code(code)) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

// The data array of a successful `what` response; throws Error(kBadPayload) for anything else,
// an error envelope included.
simdjson::dom::array data_array(const std::optional<CodeEnvelope>& envelope,
                                std::string_view what) {
  const std::string where = "okx: " + std::string(what) + " response";
  if (!envelope) {
    throw Error(ErrorKind::kBadPayload,
                where + " is not valid JSON of the expected shape {code, msg, data: [...]}");
  }
  if (envelope->code != "0") {
    throw Error(ErrorKind::kBadPayload, where + " carries code " + std::string(envelope->code) +
                                            " (" + std::string(envelope->msg) + ")");
  }
  simdjson::dom::array data;
  if (!envelope->has_data || envelope->data.get_array().get(data)) {
    throw Error(ErrorKind::kBadPayload, where + " has no data array");
  }
  return data;
}

// One candle row [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm], every field a string.
RawCandle read_candle(simdjson::dom::element value) {
  RawCandle row;
  simdjson::dom::array fields;
  std::string_view confirm;
  if (value.get_array().get(fields)) {
    row.malformed = "row is not an array";
  } else if (fields.size() < kCandleFields) {
    row.malformed = "row has fewer than 9 fields";
  } else if (!read_integer(fields.at(0).value_unsafe(), row.open_time)) {
    row.malformed = "ts is not an integer";
  } else if (fields.at(8).value_unsafe().get_string().get(confirm) ||
             (confirm != "0" && confirm != "1")) {
    row.malformed = "confirm is not \"0\" or \"1\"";
  } else {
    row.open = string_text(fields.at(1).value_unsafe());
    row.high = string_text(fields.at(2).value_unsafe());
    row.low = string_text(fields.at(3).value_unsafe());
    row.close = string_text(fields.at(4).value_unsafe());
    row.volume = string_text(fields.at(5).value_unsafe());  // base currency on spot
    // volCcyQuote is the quote currency for every instrument type (volCcy only on spot).
    row.quote_volume = string_text(fields.at(7).value_unsafe());
    row.closed = confirm == "1";
  }
  return row;
}

// One trade {instId, tradeId, px, sz, side, ts}, every value a string.
RawTrade read_trade(simdjson::dom::element entry) {
  RawTrade trade;
  simdjson::dom::object object;
  if (entry.get_object().get(object)) {
    trade.malformed = "trade is not an object";
    return trade;
  }
  simdjson::dom::element value;
  if (!object["tradeId"].get(value)) trade.id = string_text(value);
  if (trade.id.empty()) {
    trade.malformed = "trade has no tradeId";
    return trade;
  }
  if (object["ts"].get(value) || !read_integer(value, trade.ts)) {
    trade.malformed = "ts is not an integer";
    return trade;
  }
  if (!object["px"].get(value)) trade.price = string_text(value);
  if (!object["sz"].get(value)) trade.amount = string_text(value);  // base currency on spot
  if (!object["side"].get(value)) trade.side = string_text(value);
  return trade;
}

}  // namespace

Okx::Okx(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Okx::interval_token(const Timeframe& timeframe) {
  // 1H, 2H and 4H need no utc suffix: Hong Kong's 8 h offset is a whole number of them.
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1m"},      {"3m", "3m"},        {"5m", "5m"},    {"15m", "15m"},
      {"30m", "30m"},    {"1h", "1H"},        {"2h", "2H"},    {"4h", "4H"},
      {"6h", "6Hutc"},   {"12h", "12Hutc"},   {"1d", "1Dutc"}, {"1w", "1Wutc"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

std::string Okx::market_id(const Symbol& symbol) const {
  return symbol.base() + "-" + symbol.quote();
}

RawResponse Okx::get(const std::string& path, const QueryParams& params) {
  // OKX sends no rate-limit headers on public endpoints: the limiter paces by the budget alone.
  return session_->get(path, params, 1, check_response);
}

MarketList Okx::list_markets() {
  RawResponse raw = get("/api/v5/public/instruments", {{"instType", "SPOT"}});
  simdjson::dom::parser parser;
  const simdjson::dom::array data = data_array(read_code_envelope(raw.body, parser), "instruments");
  Listing listing;
  for (const simdjson::dom::element instrument : data) {
    // OKX lists "preopen" placeholders without an instId (ccxt's fetch_markets_by_type skips
    // them too): they are no market yet.
    std::string_view id, base, quote, state;
    if (instrument["instId"].get_string().get(id) || id.empty()) continue;
    if (instrument["baseCcy"].get_string().get(base) ||
        instrument["quoteCcy"].get_string().get(quote) ||
        instrument["state"].get_string().get(state)) {
      throw Error(ErrorKind::kBadPayload,
                  "okx: an instrument in " + raw.url + " lacks baseCcy, quoteCcy or state");
    }
    listing[{std::string(base), std::string(quote)}] = std::string(state);
  }
  return {std::move(listing), "live", raw.url};
}

RawResponse Okx::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                             TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "okx has no " + std::string(timeframe.name()) + " candles");
  }
  // after and before are exclusive bounds on ts: rows older than `after` and newer than
  // `before`, so [start, end_inclusive] is (start - 1, end_inclusive + 1); no `before` for a
  // window from the epoch, as OKX takes no negative time. Of a wider window OKX keeps the
  // newest rows; the caller keeps the window within `limit` candles, at most 100.
  QueryParams params = {{"instId", market_id(symbol)},
                        {"bar", std::string(*token)},
                        {"after", std::to_string(end_inclusive + 1)}};
  if (start > 0) params.emplace_back("before", std::to_string(start - 1));
  params.emplace_back("limit", std::to_string(std::min(limit, kMaxCandlesPerRequest)));
  return get("/api/v5/market/history-candles", params);
}

void Okx::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "candles");
  for (const simdjson::dom::element value : data) rows.push_back(read_candle(value));
  std::reverse(rows.begin(), rows.end());  // newest first on the wire, oldest first for us
}

RawResponse Okx::fetch_tickers(const std::vector<Symbol>&) {
  // /market/ticker takes one instrument and would cost a request per market; the bulk answer
  // is one request whatever is asked for, and the caller keeps what it wants.
  return get("/api/v5/market/tickers", {{"instType", "SPOT"}});
}

void Okx::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "tickers");
  for (const simdjson::dom::element entry : data) {
    RawTicker ticker = read_ticker_texts(entry, "instId", kTickerFields);
    simdjson::dom::element ts;
    if (ticker.malformed.empty() && !entry["ts"].get(ts)) {
      std::int64_t ms = 0;
      if (read_integer(ts, ms)) {
        ticker.ts = ms;
      } else {
        ticker.malformed = "ts is not an integer";
      }
    }
    tickers.push_back(ticker);
  }
}

bool Okx::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

RawResponse Okx::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "okx: an order book depth of " + std::to_string(depth) +
                                              " levels is outside 1 to 400");
  }
  // Always sz: without it OKX sends the top level only.
  return get("/api/v5/market/books",
             {{"instId", market_id(symbol)}, {"sz", std::to_string(depth)}});
}

void Okx::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "books");
  simdjson::dom::object object;
  if (data.size() != 1 || data.at(0).get_object().get(object)) {
    throw Error(ErrorKind::kBadPayload, "okx: books response does not hold exactly one book");
  }
  read_book_sides(object, "bids", "asks", kName, "books response", book);
  book.ts = optional_integer(object, "ts", kName, "books response");
}

TradesRequest Okx::first_trades_request(TimestampMs start, TimestampMs end) const {
  require_trade_range(kName, start, end);
  return {.start = start, .end = end, .window_start = start, .window_end = end};
}

RawResponse Okx::fetch_trades(const Symbol& symbol, const TradesRequest& request) {
  // `after` is exclusive either way: trades older than the time, or than the trade.
  const bool by_time = request.from_id.empty();
  return get("/api/v5/market/history-trades",
             {{"instId", market_id(symbol)},
              {"type", by_time ? "2" : "1"},
              {"after", by_time ? std::to_string(request.window_end) : request.from_id},
              {"limit", std::to_string(kTradesPerPage)}});
}

std::optional<TradesRequest> Okx::next_trades_request(const TradesRequest& done,
                                                      const std::vector<RawTrade>& trades) const {
  if (trades.empty()) return std::nullopt;
  const RawTrade* oldest = first_readable(trades);
  if (oldest == nullptr) {
    throw stalled_paging(kName, "a history-trades page without a readable trade");
  }
  if (oldest->ts < done.start) return std::nullopt;
  if (!done.from_id.empty() && compare_trade_ids(oldest->id, done.from_id) >= 0) {
    throw stalled_paging(kName, "the history-trades page after tradeId " + done.from_id +
                                    ", whose oldest trade is " + std::string(oldest->id));
  }
  TradesRequest next = done;
  next.from_id = std::string(oldest->id);
  return next;
}

void Okx::parse_trades(std::string& body, std::vector<RawTrade>& trades) const {
  trades.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "history-trades");
  trades.reserve(data.size());
  for (const simdjson::dom::element entry : data) trades.push_back(read_trade(entry));
  put_oldest_first(trades);
}

}  // namespace cryptopipe::exchanges
