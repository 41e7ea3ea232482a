#include "cryptopipe/exchanges/bitget.h"

#include <algorithm>
#include <deque>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::string_view kSuccess = "00000";
// [ts, open, high, low, close, baseVol, usdtVol, quoteVol]; ccxt's own example row has only the
// first seven (quote volume last), which is read as well.
constexpr std::size_t kMinCandleFields = 7;
constexpr std::size_t kQuoteVolumeField = 7;
// "Frequency limit: 20 times/1s (IP)" on every endpoint used: a 429 clears within a second.
constexpr std::chrono::seconds kRateWindow{1};

constexpr TickerTextField kTickerFields[] = {
    {"lastPr", &RawTicker::last},      {"bidPr", &RawTicker::bid},
    {"bidSz", &RawTicker::bid_size},   {"askPr", &RawTicker::ask},
    {"askSz", &RawTicker::ask_size},   {"open", &RawTicker::open},
    {"high24h", &RawTicker::high},     {"low24h", &RawTicker::low},
    {"baseVolume", &RawTicker::base_volume}, {"quoteVolume", &RawTicker::quote_volume},
};

void check_response(const RawResponse& raw, const net::HttpResponse&) {
  const std::string where = "bitget: GET " + raw.url;
  std::string copy = raw.body;  // the stored body stays untouched
  const auto envelope = read_code_envelope(copy, thread_dom_parser());
  const std::string code = envelope ? std::string(envelope->code) : std::string();
  if (raw.status == 200 && (!envelope || code == kSuccess)) return;  // parser judges the rest
  const std::string what = where + " answered HTTP " + std::to_string(raw.status) +
                           (envelope ? " code " + code + " (" + std::string(envelope->msg) + ")"
                                     : std::string());
  // Codes as ccxt's exceptions table words them: 429 "Too many requests", 1001 "The request is
  // too frequent and has been throttled"; 500 "System busy", 40015 "System is abnormal, please
  // try again later", 40200 "Server upgrade, please try again later", 40604 "Server is busy".
  if (raw.status == 429 || code == "429" || code == "1001") {
    throw Error(ErrorKind::kRateLimited, what, kRateWindow);
  }
  if (raw.status >= 500 || code == "500" || code == "40015" || code == "40200" ||
      code == "40604") {
    throw Error(ErrorKind::kTransient, what);
  }
  throw Error(ErrorKind::kPermanent, what);
}

// The data of a successful `what` response; throws Error(kBadPayload) for anything else, an
// error envelope included.
simdjson::dom::element response_data(const std::optional<CodeEnvelope>& envelope,
                                     std::string_view what) {
  const std::string where = "bitget: " + std::string(what) + " response";
  if (!envelope) {
    throw Error(ErrorKind::kBadPayload,
                where + " is not valid JSON of the expected shape {code, msg, data}");
  }
  if (envelope->code != kSuccess) {
    throw Error(ErrorKind::kBadPayload, where + " carries code " + std::string(envelope->code) +
                                            " (" + std::string(envelope->msg) + ")");
  }
  if (!envelope->has_data) throw Error(ErrorKind::kBadPayload, where + " has no data");
  return envelope->data;
}

simdjson::dom::array data_array(const std::optional<CodeEnvelope>& envelope,
                                std::string_view what) {
  simdjson::dom::array data;
  if (response_data(envelope, what).get_array().get(data)) {
    throw Error(ErrorKind::kBadPayload, "bitget: " + std::string(what) +
                                            " response's data is not an array");
  }
  return data;
}

// The change texts scaled to percent by the last parse_tickers on this thread; the tickers view
// them (a deque keeps its strings in place as it grows).
std::deque<std::string>& thread_percent_texts() {
  thread_local std::deque<std::string> texts;
  return texts;
}

}  // namespace

Bitget::Bitget(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> Bitget::interval_token(const Timeframe& timeframe) {
  // No 3min: history-candles' documented list lacks it. No 2h or 8h at all.
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1min"}, {"5m", "5min"},    {"15m", "15min"},  {"30m", "30min"}, {"1h", "1h"},
      {"4h", "4h"},   {"6h", "6Hutc"},   {"12h", "12Hutc"}, {"1d", "1Dutc"},  {"1w", "1Wutc"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

bool Bitget::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

std::string Bitget::market_id(const Symbol& symbol) const {
  return symbol.base() + symbol.quote();
}

RawResponse Bitget::get(const std::string& path, const QueryParams& params) {
  // Bitget sends no rate-limit headers on public endpoints: the limiter paces the documented
  // 20 requests a second alone.
  return session_->get(path, params, 1, check_response);
}

MarketList Bitget::list_markets() {
  RawResponse raw = get("/api/v2/spot/public/symbols", {});
  simdjson::dom::parser parser;
  const simdjson::dom::array data = data_array(read_code_envelope(raw.body, parser), "symbols");
  Listing listing;
  for (const simdjson::dom::element market : data) {
    std::string_view base, quote, status;
    if (market["baseCoin"].get_string().get(base) || market["quoteCoin"].get_string().get(quote) ||
        market["status"].get_string().get(status)) {
      throw Error(ErrorKind::kBadPayload,
                  "bitget: a symbol in " + raw.url + " lacks baseCoin, quoteCoin or status");
    }
    listing[{std::string(base), std::string(quote)}] = std::string(status);
  }
  return {std::move(listing), "online", raw.url};
}

RawResponse Bitget::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                TimestampMs start, TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "bitget has no " + std::string(timeframe.name()) + " candles");
  }
  // history-candles has no startTime: it sends the `limit` newest candles before endTime, so
  // the limit is cut to the window's candles lest older ones come back.
  const TimestampMs in_window = (end_inclusive - start) / timeframe.duration_ms() + 1;
  const TimestampMs rows = std::clamp<TimestampMs>(in_window, 1, std::min(limit, kMaxCandles));
  // "before this time stamp": endTime = end_inclusive + 1 keeps the candle opening at
  // end_inclusive whether Bitget's bound is exclusive or inclusive (no candle opens 1 ms later).
  return get("/api/v2/spot/market/history-candles", {{"symbol", market_id(symbol)},
                                                     {"granularity", std::string(*token)},
                                                     {"endTime", std::to_string(end_inclusive + 1)},
                                                     {"limit", std::to_string(rows)}});
}

void Bitget::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "candles");
  for (const simdjson::dom::element row_value : data) {
    RawCandle row;
    simdjson::dom::array fields;
    if (row_value.get_array().get(fields)) {
      row.malformed = "row is not an array";
    } else if (fields.size() < kMinCandleFields) {
      row.malformed = "row has fewer than 7 fields";
    } else if (!read_integer(fields.at(0).value_unsafe(), row.open_time)) {
      row.malformed = "timestamp is not an integer";
    } else {
      row.open = string_text(fields.at(1).value_unsafe());
      row.high = string_text(fields.at(2).value_unsafe());
      row.low = string_text(fields.at(3).value_unsafe());
      row.close = string_text(fields.at(4).value_unsafe());
      row.volume = string_text(fields.at(5).value_unsafe());
      const std::size_t quote = std::min(kQuoteVolumeField, fields.size() - 1);
      row.quote_volume = string_text(fields.at(quote).value_unsafe());
    }
    rows.push_back(row);
  }
}

RawResponse Bitget::fetch_tickers(const std::vector<Symbol>& symbols) {
  // `symbol` takes one market; for several, every spot ticker comes back in one request.
  QueryParams params;
  if (symbols.size() == 1) params.emplace_back("symbol", market_id(symbols.front()));
  return get("/api/v2/spot/market/tickers", params);
}

void Bitget::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  std::deque<std::string>& percents = thread_percent_texts();
  percents.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "tickers");
  for (const simdjson::dom::element entry : data) {
    RawTicker ticker = read_ticker_texts(entry, "symbol", kTickerFields);
    if (ticker.malformed.empty()) {
      simdjson::dom::element value;
      std::int64_t ts = 0;
      if (!entry["ts"].get(value) && read_integer(value, ts)) ticker.ts = ts;
      if (!entry["change24h"].get(value)) {
        ticker.change_percent =
            percents.emplace_back(percent_from_fraction(string_text(value)));
      }
    }
    tickers.push_back(ticker);
  }
}

RawResponse Bitget::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "bitget: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 150");
  }
  // step0: the book unmerged, at the market's own price precision.
  return get("/api/v2/spot/market/orderbook", {{"symbol", market_id(symbol)},
                                               {"type", "step0"},
                                               {"limit", std::to_string(depth)}});
}

void Bitget::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  simdjson::dom::object data;
  const auto envelope = read_code_envelope(body, thread_dom_parser());
  if (response_data(envelope, "orderbook").get_object().get(data)) {
    throw Error(ErrorKind::kBadPayload, "bitget: orderbook response's data is not an object");
  }
  read_book_sides(data, "bids", "asks", kName, "orderbook response", book);
  book.ts = optional_integer(data, "ts", kName, "orderbook response");
}

}  // namespace cryptopipe::exchanges
