#include "cryptopipe/exchanges/mexc.h"

#include <deque>
#include <map>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance_family.h"

namespace cryptopipe::exchanges {
namespace {

// Request weights from MEXC's spot v3 docs (docs/exchanges/mexc.md).
constexpr double kKlinesWeight = 1;
constexpr double kExchangeInfoWeight = 10;
constexpr double kOneTickerWeight = 1;
constexpr double kAllTickersWeight = 40;
constexpr double kDepthWeight = 1;

constexpr std::size_t kKlineFields = 8;  // [openTime, o, h, l, c, v, closeTime, quoteVolume]
constexpr std::string_view kTradingStatus = "ENABLED";

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
};

// The change texts scaled to percent by the last parse_tickers on this thread; the tickers'
// change_percent views them until the next parse on this thread. A deque keeps its strings in
// place as it grows.
std::deque<std::string>& thread_percent_texts() {
  thread_local std::deque<std::string> texts;
  return texts;
}

// The listing's status word for one exchangeInfo entry (see Mexc::list_markets).
std::string status_word(simdjson::dom::object market) {
  std::string_view status;  // stays empty where absent or not a string
  simdjson::dom::element value;
  if (!market["status"].get(value)) status = string_text(value);
  std::string word = status == "1" || status == kTradingStatus ? std::string(kTradingStatus)
                                                                : std::string(status);
  // Absent, the flag does not hold a market back; present, it must be true.
  bool spot_allowed = true;
  if (!market["isSpotTradingAllowed"].get(value)) {
    spot_allowed = value.is_bool() && value.get_bool().value_unsafe();
  }
  if (!spot_allowed) word += " without spot trading";
  return word;
}

}  // namespace

Mexc::Mexc(std::unique_ptr<RestSession> session) : session_(std::move(session)) {}

std::string Mexc::market_id(const Symbol& symbol) const { return symbol.base() + symbol.quote(); }

RawResponse Mexc::get(const std::string& path, const QueryParams& params, double weight) {
  // MEXC sends no used-weight headers: the limiter counts on its own.
  return session_->get(path, params, weight,
                       [](const RawResponse& raw, const net::HttpResponse& response) {
                         binance_family::check_response(kName, raw, response);
                       });
}

std::optional<std::string_view> Mexc::interval_token(const Timeframe& timeframe) {
  static const std::map<std::string_view, std::string_view> kTokens = {
      {"1m", "1m"}, {"5m", "5m"}, {"15m", "15m"}, {"30m", "30m"},
      {"1h", "60m"}, {"4h", "4h"}, {"1d", "1d"}, {"1w", "1W"}};
  const auto found = kTokens.find(timeframe.name());
  if (found == kTokens.end()) return std::nullopt;
  return found->second;
}

MarketList Mexc::list_markets() {
  RawResponse raw = get("/api/v3/exchangeInfo", {}, kExchangeInfoWeight);
  const simdjson::padded_string_view padded = padded_view(raw.body);
  simdjson::dom::array markets;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             ["symbols"]
                             .get_array()
                             .get(markets)) {
    throw bad_payload(kName, "exchangeInfo from " + raw.url, error);
  }
  Listing listing;
  for (const simdjson::dom::element market : markets) {
    simdjson::dom::object object;
    std::string_view base, quote;
    if (market.get_object().get(object) || object["baseAsset"].get_string().get(base) ||
        object["quoteAsset"].get_string().get(quote)) {
      throw Error(ErrorKind::kBadPayload,
                  "mexc: exchangeInfo from " + raw.url + " has a market without base or quote");
    }
    listing[{std::string(base), std::string(quote)}] = status_word(object);
  }
  return {std::move(listing), kTradingStatus, raw.url};
}

RawResponse Mexc::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                              TimestampMs start, TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "mexc has no " + std::string(timeframe.name()) + " candles");
  }
  // endTime is exclusive (ccxt adds 1 ms for the same reason); one past the last open time
  // keeps the window's last candle whichever way MEXC reads it, as no candle opens 1 ms later.
  return get("/api/v3/klines",
             {{"symbol", market_id(symbol)},
              {"interval", std::string(*token)},
              {"startTime", std::to_string(start)},
              {"endTime", std::to_string(end_inclusive + 1)},
              {"limit", std::to_string(limit)}},
             kKlinesWeight);
}

void Mexc::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  binance_family::parse_klines(kName, body, kKlineFields, rows);
  // MEXC's closeTime is the next candle's open (Binance's is 1 ms earlier): the last
  // millisecond of the candle, which RawCandle::close_time holds, is 1 ms before it.
  for (RawCandle& row : rows) {
    if (row.close_time) --*row.close_time;
  }
}

RawResponse Mexc::fetch_tickers(const std::vector<Symbol>& symbols) {
  if (symbols.size() == 1) {
    return get("/api/v3/ticker/24hr", {{"symbol", market_id(symbols.front())}}, kOneTickerWeight);
  }
  return get("/api/v3/ticker/24hr", {}, kAllTickersWeight);
}

void Mexc::parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const {
  std::deque<std::string>& percents = thread_percent_texts();
  percents.clear();
  const auto scale_change = [&percents](simdjson::dom::element entry, RawTicker& ticker) {
    simdjson::dom::element fraction;
    if (entry["priceChangePercent"].get(fraction)) return;
    ticker.change_percent =
        percents.emplace_back(percent_from_fraction(string_text(fraction)));
  };
  binance_family::parse_tickers(kName, body, kTickerFields, scale_change, tickers);
}

bool Mexc::accepts_depth(int depth) { return depth >= 1 && depth <= kMaxDepth; }

RawResponse Mexc::fetch_orderbook(const Symbol& symbol, int depth) {
  if (!accepts_depth(depth)) {
    throw Error(ErrorKind::kInvalidInput, "mexc: an order book depth of " +
                                              std::to_string(depth) +
                                              " levels is outside 1 to 5000");
  }
  return get("/api/v3/depth", {{"symbol", market_id(symbol)}, {"limit", std::to_string(depth)}},
             kDepthWeight);
}

void Mexc::parse_orderbook(std::string& body, RawBook& book) const {
  binance_family::parse_depth(kName, body, book);
}

}  // namespace cryptopipe::exchanges
