#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

#include "cryptopipe/core/error.h"

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

// One parser of each kind per thread, reused: they own their buffers, so parsing allocates
// nothing once warm. The DOM parser dispatches at run time to the best kernel of the CPU; it
// reads whole documents such as candle pages. On-Demand suits picking a few fields.
simdjson::ondemand::parser& thread_parser();
simdjson::dom::parser& thread_dom_parser();

inline Error bad_payload(std::string_view exchange, std::string_view what,
                         simdjson::error_code code) {
  return Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                           " is not valid JSON of the expected shape (" +
                                           simdjson::error_message(code) + ")");
}

}  // namespace cryptopipe::exchanges
