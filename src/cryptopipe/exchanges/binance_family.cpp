#include "cryptopipe/exchanges/binance_family.h"

#include <chrono>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges::binance_family {
namespace {

constexpr std::size_t kErrorExcerpt = 200;

// The field of a klines row at `index` into `row`; the fields past the trade count are ignored.
void read_kline_field(std::size_t index, simdjson::dom::element field, RawCandle& row) {
  std::int64_t integer = 0;
  switch (index) {
    case 0:
      if (field.get_int64().get(row.open_time)) row.malformed = "open time is not an integer";
      break;
    case 1: row.open = string_text(field); break;
    case 2: row.high = string_text(field); break;
    case 3: row.low = string_text(field); break;
    case 4: row.close = string_text(field); break;
    case 5: row.volume = string_text(field); break;
    case 6:
      if (field.get_int64().get(integer)) {
        row.malformed = "close time is not an integer";
      } else {
        row.close_time = integer;
      }
      break;
    case 7: row.quote_volume = string_text(field); break;
    case 8:
      if (field.get_int64().get(integer)) {
        row.malformed = "trade count is not an integer";
      } else {
        row.trade_count = integer;
      }
      break;
    default: break;
  }
}

// One ticker of the 24hr response. closeTime, the end of the 24 h window, is its timestamp.
RawTicker read_ticker(simdjson::dom::element entry, std::span<const TickerTextField> fields,
                      const TickerExtra& extra) {
  RawTicker ticker = read_ticker_texts(entry, "symbol", fields);
  if (!ticker.malformed.empty()) return ticker;
  simdjson::dom::element close_time;
  if (!entry["closeTime"].get(close_time)) {
    std::int64_t ms = 0;
    if (!read_integer(close_time, ms)) {
      ticker.malformed = "closeTime is not an integer";
      return ticker;
    }
    ticker.ts = ms;
  }
  if (extra) extra(entry, ticker);
  return ticker;
}

}  // namespace

std::string describe_error_body(const std::string& body) {
  std::string copy = body;
  simdjson::ondemand::document doc;
  std::int64_t code = 0;
  std::string_view msg;
  if (thread_parser().iterate(padded_view(copy)).get(doc) == simdjson::SUCCESS &&
      doc["code"].get_int64().get(code) == simdjson::SUCCESS &&
      doc["msg"].get_string().get(msg) == simdjson::SUCCESS) {
    return "code " + std::to_string(code) + ": " + std::string(msg);
  }
  return body.size() > kErrorExcerpt ? body.substr(0, kErrorExcerpt) + "..." : body;
}

void check_response(std::string_view exchange, const RawResponse& raw,
                    const net::HttpResponse& response) {
  if (raw.status == 200) return;
  const std::string name(exchange);
  const std::string what = name + ": GET " + raw.url + " answered HTTP " +
                           std::to_string(raw.status) + " (" + describe_error_body(raw.body) + ")";
  const auto retry_after_s = header_int(response, "retry-after");
  const auto retry_after = std::chrono::milliseconds(retry_after_s.value_or(1) * 1000);
  if (raw.status == 429) throw Error(ErrorKind::kRateLimited, what, retry_after);
  if (raw.status == 418) {
    throw Error(ErrorKind::kBanned,
                what + "; the IP is banned for " + std::to_string(retry_after.count() / 1000) +
                    " s, stopping " + name,
                retry_after);
  }
  if (raw.status >= 500) throw Error(ErrorKind::kTransient, what);
  throw Error(ErrorKind::kPermanent, what);
}

void parse_klines(std::string_view exchange, std::string& body, std::size_t min_fields,
                  std::vector<RawCandle>& rows) {
  rows.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::array array;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get_array()
                             .get(array)) {
    throw bad_payload(exchange, "klines response", error);
  }
  for (const simdjson::dom::element row_value : array) {
    RawCandle row;
    simdjson::dom::array fields;
    if (row_value.get_array().get(fields)) {
      row.malformed = "row is not an array";
      rows.push_back(row);
      continue;
    }
    std::size_t index = 0;
    for (const simdjson::dom::element field : fields) read_kline_field(index++, field, row);
    if (index < min_fields && row.malformed.empty()) row.malformed = "row has too few fields";
    rows.push_back(row);
  }
}

void parse_tickers(std::string_view exchange, std::string& body,
                   std::span<const TickerTextField> fields, const TickerExtra& extra,
                   std::vector<RawTicker>& tickers) {
  tickers.clear();
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::element root;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get(root)) {
    throw bad_payload(exchange, "24hr ticker response", error);
  }
  simdjson::dom::array array;
  if (!root.get_array().get(array)) {
    for (const simdjson::dom::element entry : array) {
      tickers.push_back(read_ticker(entry, fields, extra));
    }
    return;
  }
  // A lone object is the answer to `symbol=`; one without a symbol is an error body.
  simdjson::dom::element symbol;
  if (!root.is_object() || root["symbol"].get(symbol)) {
    throw Error(ErrorKind::kBadPayload,
                std::string(exchange) + ": 24hr ticker response is neither an array nor a "
                                        "ticker object (" + describe_error_body(body) + ")");
  }
  tickers.push_back(read_ticker(root, fields, extra));
}

void parse_depth(std::string_view exchange, std::string& body, RawBook& book) {
  book.clear();
  const auto object = read_book_object(body, exchange, "depth response", "code");
  if (!object) {
    throw Error(ErrorKind::kBadPayload, std::string(exchange) +
                                            ": depth response is not a book object (" +
                                            describe_error_body(body) + ")");
  }
  read_book_sides(*object, "bids", "asks", exchange, "depth response", book);
  // A number live, a string in ccxt's recordings: optional_integer takes both.
  book.sequence = optional_integer(*object, "lastUpdateId", exchange, "depth response");
  book.ts = optional_integer(*object, "timestamp", exchange, "depth response");
}

}  // namespace cryptopipe::exchanges::binance_family
