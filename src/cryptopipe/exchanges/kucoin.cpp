#include "cryptopipe/exchanges/kucoin.h"

#include <algorithm>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kCandleFields = 7;
constexpr int kSmallBook = 20;
constexpr int kLargeBook = 100;
constexpr std::int64_t kMillisPerSecond = 1000;
// Weights in KuCoin's public pool (docs/exchanges/kucoin.md, "Rate limits").
constexpr double kCandlesWeight = 3;
constexpr double kTickersWeight = 15;
constexpr double kSymbolsWeight = 4;
constexpr double kSmallBookWeight = 2;
constexpr double kLargeBookWeight = 4;
// The pool's window: without a gw-ratelimit-reset header, waiting a whole one is enough.
constexpr std::chrono::milliseconds kRateLimitWait{30'000};

constexpr TickerTextField kTickerFields[] = {
    {"last", &RawTicker::last},
    {"buy", &RawTicker::bid},
    {"bestBidSize", &RawTicker::bid_size},
    {"sell", &RawTicker::ask},
    {"bestAskSize", &RawTicker::ask_size},
    {"high", &RawTicker::high},
    {"low", &RawTicker::low},
    {"vol", &RawTicker::base_volume},
    {"volValue", &RawTicker::quote_volume},
};

constexpr std::string_view kSuccess = "200000";

void check_response(const RawResponse& raw, const net::HttpResponse& response) {
  std::string copy = raw.body;  // the stored body stays untouched
  const auto envelope = read_code_envelope(copy, thread_dom_parser());
  if (raw.status == 200 && (!envelope || envelope->code == kSuccess)) return;  // parser judges
  std::string what = "kucoin: GET " + raw.url + " answered HTTP " + std::to_string(raw.status);
  if (envelope) {
    what += ", code " + std::string(envelope->code) + " (" + std::string(envelope->msg) + ")";
  }
  const std::string_view code = envelope ? envelope->code : std::string_view();
  if (raw.status == 429 || code == "429000") {
    // gw-ratelimit-reset: milliseconds until the pool refills.
    const auto reset_ms = header_int(response, "gw-ratelimit-reset");
    const auto wait = reset_ms && *reset_ms > 0 ? std::chrono::milliseconds(*reset_ms)
                                                : kRateLimitWait;
    throw Error(ErrorKind::kRateLimited, what, wait);
  }
  // 500000 is KuCoin's "Internal Server Error" code, sent with HTTP 200 at times.
  if (raw.status >= 500 || code == "500000") throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

// The data of a successful `what` response; throws Error(kBadPayload) for anything else, an
// error envelope included.
simdjson::dom::element data_of(const std::optional<CodeEnvelope>& envelope, std::string_view what) {
  const std::string where = "kucoin: " + std::string(what) + " response";
  if (!envelope) {
    throw Error(ErrorKind::kBadPayload,
                where + " is not valid JSON of the expected shape {code, data}");
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
  if (data_of(envelope, what).get_array().get(data)) {
    throw Error(ErrorKind::kBadPayload, "kucoin: " + std::string(what) + " data is not an array");
  }
  return data;
}

simdjson::dom::object data_object(const std::optional<CodeEnvelope>& envelope,
                                  std::string_view what) {
  simdjson::dom::object data;
  if (data_of(envelope, what).get_object().get(data)) {
    throw Error(ErrorKind::kBadPayload, "kucoin: " + std::string(what) + " data is not an object");
  }
  return data;
}

// One candle row [time (s), open, close, high, low, volume, turnover], every field a string.
RawCandle read_candle(simdjson::dom::element value) {
  RawCandle row;
  simdjson::dom::array fields;
  std::int64_t seconds = 0;
  if (value.get_array().get(fields)) {
    row.malformed = "row is not an array";
  } else if (fields.size() < kCandleFields) {
    row.malformed = "row has fewer than 7 fields";
  } else if (!read_integer(fields.at(0).value_unsafe(), seconds) ||
             __builtin_mul_overflow(seconds, kMillisPerSecond, &row.open_time)) {
    row.malformed = "time is not an integer number of seconds";
  } else {
    row.open = string_text(fields.at(1).value_unsafe());
    row.close = string_text(fields.at(2).value_unsafe());
    row.high = string_text(fields.at(3).value_unsafe());
    row.low = string_text(fields.at(4).value_unsafe());
    row.volume = string_text(fields.at(5).value_unsafe());        // base currency
    row.quote_volume = string_text(fields.at(6).value_unsafe());  // turnover, quote currency
  }
  return row;
}

}  // namespace

KuCoin::KuCoin(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::optional<std::string_view> KuCoin::interval_token(const Timeframe& timeframe) {
  static const std::vector<std::pair<std::string_view, std::string_view>> kTokens = {
      {"1m", "1min"},   {"3m", "3min"},   {"5m", "5min"},   {"15m", "15min"}, {"30m", "30min"},
      {"1h", "1hour"},  {"2h", "2hour"},  {"4h", "4hour"},  {"6h", "6hour"},  {"8h", "8hour"},
      {"12h", "12hour"}, {"1d", "1day"},  {"1w", "1week"}};
  for (const auto& [canonical, token] : kTokens) {
    if (canonical == timeframe.name()) return token;
  }
  return std::nullopt;
}

std::string KuCoin::market_id(const Symbol& symbol) const {
  return symbol.base() + "-" + symbol.quote();
}

RawResponse KuCoin::get(const std::string& path, const QueryParams& params, double weight) {
  net::RateLimiter& limiter = session_->limiter();
  // gw-ratelimit-limit and -remaining count the public pool's weight for this IP; the reset
  // header is a duration, not a time, and check_response reads it for a 429.
  return session_->get(path, params, weight, check_response,
                       [&limiter](const net::HttpResponse& response) {
                         const auto limit = header_int(response, "gw-ratelimit-limit");
                         const auto remaining = header_int(response, "gw-ratelimit-remaining");
                         if (limit && remaining) {
                           limiter.observe_used(static_cast<double>(*limit - *remaining));
                         }
                       });
}

MarketList KuCoin::list_markets() {
  RawResponse raw = get("/api/v2/symbols", {}, kSymbolsWeight);
  const simdjson::dom::array data =
      data_array(read_code_envelope(raw.body, thread_dom_parser()), "symbols");
  Listing listing;
  for (const simdjson::dom::element symbol : data) {
    std::string_view base, quote;
    bool trading = false;
    if (symbol["baseCurrency"].get_string().get(base) ||
        symbol["quoteCurrency"].get_string().get(quote) ||
        symbol["enableTrading"].get_bool().get(trading)) {
      throw Error(ErrorKind::kBadPayload,
                  "kucoin: a symbol in " + raw.url +
                      " lacks baseCurrency, quoteCurrency or enableTrading");
    }
    listing[{std::string(base), std::string(quote)}] = trading ? "trading" : "disabled";
  }
  return {std::move(listing), "trading", raw.url};
}

RawResponse KuCoin::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                TimestampMs start, TimestampMs end_inclusive, int) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "kucoin has no " + std::string(timeframe.name()) + " candles");
  }
  // Seconds. startAt keeps the candle opening at it; endAt one second past the last wanted
  // open is right whether KuCoin's endAt is inclusive or exclusive (candles are 1 min and
  // longer, so no candle opens in that second). The caller keeps the window within `limit`
  // candles, at most 1500: KuCoin takes no limit parameter.
  const TimestampMs start_s = (start + kMillisPerSecond - 1) / kMillisPerSecond;
  const TimestampMs end_s = end_inclusive / kMillisPerSecond + 1;
  return get("/api/v1/market/candles",
             {{"symbol", market_id(symbol)},
              {"type", std::string(*token)},
              {"startAt", std::to_string(start_s)},
              {"endAt", std::to_string(end_s)}},
             kCandlesWeight);
}

void KuCoin::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const simdjson::dom::array data =
      data_array(read_code_envelope(body, thread_dom_parser()), "candles");
  for (const simdjson::dom::element value : data) rows.push_back(read_candle(value));
  std::reverse(rows.begin(), rows.end());  // newest first on the wire, oldest first for us
}

RawResponse KuCoin::fetch_tickers(const std::vector<Symbol>&) {
  return get("/api/v1/market/allTickers", {}, kTickersWeight);
}

void KuCoin::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  tickers.clear();
  const simdjson::dom::object data =
      data_object(read_code_envelope(body, thread_dom_parser()), "allTickers");
  const std::optional<TimestampMs> time = optional_integer(data, "time", kName, "allTickers");
  simdjson::dom::array list;
  if (data["ticker"].get_array().get(list)) {
    throw Error(ErrorKind::kBadPayload, "kucoin: allTickers response has no ticker array");
  }
  for (const simdjson::dom::element entry : list) {
    RawTicker ticker = read_ticker_texts(entry, "symbol", kTickerFields);
    if (ticker.malformed.empty()) ticker.ts = time;
    tickers.push_back(ticker);
  }
}

bool KuCoin::accepts_depth(int depth) { return depth >= 1 && depth <= kLargeBook; }

RawResponse KuCoin::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "kucoin: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 100");
  }
  const bool small = depth <= kSmallBook;
  return get(small ? "/api/v1/market/orderbook/level2_20" : "/api/v1/market/orderbook/level2_100",
             {{"symbol", market_id(symbol)}}, small ? kSmallBookWeight : kLargeBookWeight);
}

void KuCoin::parse_orderbook(std::string& body, RawBook& book) const {
  book.clear();
  const simdjson::dom::object data =
      data_object(read_code_envelope(body, thread_dom_parser()), "orderbook");
  read_book_sides(data, "bids", "asks", kName, "orderbook response", book);
  book.ts = optional_integer(data, "time", kName, "orderbook response");
  book.sequence = optional_integer(data, "sequence", kName, "orderbook response");
}

}  // namespace cryptopipe::exchanges
