#include "cryptopipe/exchanges/bybit.h"

#include <algorithm>
#include <charconv>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::size_t kKlineFields = 7;
constexpr std::chrono::minutes kIpBlock{10};  // "wait at least 10 minutes" after HTTP 403

// The live API sends retCode and time as numbers, ccxt's recordings as strings: take both.
bool read_integer(simdjson::dom::element value, std::int64_t& out) {
  if (value.get_int64().get(out) == simdjson::SUCCESS) return true;
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && end == text.data() + text.size();
}

struct Envelope {
  std::int64_t ret_code = -1;
  std::string_view ret_msg;
  simdjson::dom::element result;
};

// Reads {retCode, retMsg, result, ...}; nullopt when the body is not that envelope.
std::optional<Envelope> read_envelope(std::string& body, simdjson::dom::parser& parser) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object root;
  if (parser.parse(padded.data(), padded.length(), false).get_object().get(root)) {
    return std::nullopt;
  }
  Envelope envelope;
  simdjson::dom::element code;
  if (root["retCode"].get(code) || !read_integer(code, envelope.ret_code)) return std::nullopt;
  if (root["retMsg"].get_string().get(envelope.ret_msg)) envelope.ret_msg = {};
  if (root["result"].get(envelope.result)) envelope.result = {};
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
  return session_->get(path, params, 1, check_response);
}

void Bybit::check_symbols(const std::vector<Symbol>& symbols) {
  RawResponse raw = get("/v5/market/instruments-info", {{"category", "spot"}});
  simdjson::dom::parser parser;
  const auto envelope = read_envelope(raw.body, parser);
  simdjson::dom::array list;
  if (!envelope || envelope->result["list"].get_array().get(list)) {
    throw Error(ErrorKind::kBadPayload, "bybit: instruments-info from " + raw.url +
                                            " is not the expected {retCode, result: {list}}");
  }
  Listing listing;
  for (const simdjson::dom::element market : list) {
    std::string_view base, quote, status;
    if (market["baseCoin"].get_string().get(base) || market["quoteCoin"].get_string().get(quote) ||
        market["status"].get_string().get(status)) {
      throw Error(ErrorKind::kBadPayload,
                  "bybit: an instrument in " + raw.url + " lacks baseCoin, quoteCoin or status");
    }
    listing[{std::string(base), std::string(quote)}] = std::string(status);
  }
  require_listed(kName, symbols, listing, "Trading", raw.url);
}

RawResponse Bybit::fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                               TimestampMs start, TimestampMs end_inclusive, int limit) {
  const auto token = interval_token(timeframe);
  if (!token) {
    throw Error(ErrorKind::kConfig, "bybit has no " + std::string(timeframe.name()) + " candles");
  }
  // Both ends and a window of at most `limit` candles: with a wider window Bybit would answer
  // with the newest candles of it, not the oldest.
  return get("/v5/market/kline", {{"category", "spot"},
                                  {"symbol", market_id(symbol)},
                                  {"interval", std::string(*token)},
                                  {"start", std::to_string(start)},
                                  {"end", std::to_string(end_inclusive)},
                                  {"limit", std::to_string(limit)}});
}

void Bybit::parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const {
  rows.clear();
  const auto envelope = read_envelope(body, thread_dom_parser());
  if (!envelope) {
    throw Error(ErrorKind::kBadPayload,
                "bybit: kline response is not valid JSON of the expected shape "
                "{retCode, retMsg, result: {list}}");
  }
  if (envelope->ret_code != 0) {
    throw Error(ErrorKind::kBadPayload, "bybit: kline response carries retCode " +
                                            std::to_string(envelope->ret_code) + " (" +
                                            std::string(envelope->ret_msg) + ")");
  }
  simdjson::dom::array list;
  if (envelope->result["list"].get_array().get(list)) {
    throw Error(ErrorKind::kBadPayload, "bybit: kline response has no result.list array");
  }
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

}  // namespace cryptopipe::exchanges
