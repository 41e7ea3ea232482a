#pragma once

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/exchange.h"

namespace cryptopipe::exchanges {

// simdjson reads up to SIMDJSON_PADDING bytes past the end of its input: grow the capacity
// (never the content) so a body can be parsed in place.
inline simdjson::padded_string_view padded_view(std::string& body) {
  if (body.capacity() < body.size() + simdjson::SIMDJSON_PADDING) {
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
  }
  return simdjson::padded_string_view(body.data(), body.size(), body.capacity());
}

// The text of a JSON string (a decimal as Binance, Bybit and Gate send them), exact; empty for
// any other type, which then fails decimal validation. A view into the parser's buffers, valid
// until that thread's next parse.
std::string_view string_text(simdjson::dom::element value);

// The exact text of a JSON number read with On-Demand (Coinbase's and Bitfinex's decimals are
// numbers), without the whitespace that may follow it; empty for any other type, which then
// fails decimal validation. A view into the parsed body; a number in exponent form ("1.2e-7",
// as JavaScript writes small numbers) comes back as its exact plain text ("0.00000012"), kept
// in thread_expanded_numbers() until the thread's next thread_parser() call.
std::string_view number_text(simdjson::ondemand::value value);

// An integer sent as a JSON number or as its digits in a JSON string: the live APIs send
// numbers where ccxt's recorded fixtures have strings (Bybit's retCode and time, Binance's
// closeTime). False for anything else, out untouched.
bool read_integer(simdjson::dom::element value, std::int64_t& out);

// Whole seconds as milliseconds; false for a fraction, an exponent or a time out of range.
bool read_whole_seconds(std::string_view text, TimestampMs& out_ms);

// Where one decimal text of a ticker comes from: the exchange's key and the RawTicker field.
struct TickerTextField {
  std::string_view key;
  std::string_view RawTicker::*field;
};

// One entry of a tickers response: the market id from `id_key` and the decimal texts of
// `fields` (empty where absent or not a JSON string). The ticker is flagged malformed when the
// entry is not an object or has no market id; the exchange adds what it stamps otherwise.
RawTicker read_ticker_texts(simdjson::dom::element entry, std::string_view id_key,
                            std::span<const TickerTextField> fields);

// One side of a book, [[price, amount, ...], ...], into `levels` (replaced): the first two
// elements' exact text, further elements ignored. A level that is not an array of at least two
// strings is kept with `malformed` set. False, `levels` empty, when `side` is not an array.
bool read_levels(simdjson::dom::element side, std::vector<RawLevel>& levels);

// The sides of a book object, `bids_key` and `asks_key`, into book.bids and book.asks; throws
// Error(kBadPayload) naming the exchange, `what` (the response) and the key that is missing or
// not an array.
void read_book_sides(simdjson::dom::object object, std::string_view bids_key,
                     std::string_view asks_key, std::string_view exchange, std::string_view what,
                     RawBook& book);

// The object of a book response, parsed in place. nullopt when the document is not an object
// or has `error_key`, the field of the exchange's error bodies (one stored as if it were a book):
// the exchange then says what the body holds. Throws Error(kBadPayload) for invalid JSON.
std::optional<simdjson::dom::object> read_book_object(std::string& body,
                                                      std::string_view exchange,
                                                      std::string_view what,
                                                      std::string_view error_key);

// An integer field of a response object (a number or its digits in a string): nullopt where
// absent; throws Error(kBadPayload) naming the exchange, `what` and the key when it is present
// but not an integer.
std::optional<std::int64_t> optional_integer(simdjson::dom::object object, std::string_view key,
                                             std::string_view exchange, std::string_view what);

// The {"code": "...", "msg": "...", "data": ...} envelope of OKX ("0"), Bitget ("00000") and
// KuCoin ("200000"), whose code is a string and whose errors may come inside HTTP 200.
struct CodeEnvelope {
  std::string_view code;
  std::string_view msg;   // empty where absent
  bool has_data = false;  // a default element must not be read
  simdjson::dom::element data;
};

// Reads the envelope with `parser` (views into its buffers); nullopt when the body is not JSON,
// not an object or has no string code.
std::optional<CodeEnvelope> read_code_envelope(std::string& body, simdjson::dom::parser& parser);

// One parser of each kind per thread, reused: they own their buffers, so parsing allocates
// nothing once warm. The DOM parser dispatches at run time to the best kernel of the CPU; it
// reads whole documents such as candle pages. On-Demand suits picking a few fields.
simdjson::ondemand::parser& thread_parser();
// The plain texts number_text() made of exponent forms since this thread last called
// thread_parser() (which clears them): a deque keeps each string in place as it grows.
std::deque<std::string>& thread_expanded_numbers();
simdjson::dom::parser& thread_dom_parser();

inline Error bad_payload(std::string_view exchange, std::string_view what,
                         simdjson::error_code code) {
  return Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                           " is not valid JSON of the expected shape (" +
                                           simdjson::error_message(code) + ")");
}

// The body's top-level JSON array, read with the thread's DOM parser. Throws Error(kBadPayload)
// naming the exchange and `what` for malformed JSON, and for another document, with the venue's
// reading of it (`error_gist`: its error bodies say why).
simdjson::dom::array read_json_array(std::string& body, std::string_view exchange,
                                     std::string_view what,
                                     std::string (*error_gist)(const std::string& body));

}  // namespace cryptopipe::exchanges
