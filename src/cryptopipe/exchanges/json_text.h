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

// The exact text of a JSON string or number value: quotes stripped, trailing space dropped.
// Empty when the value is neither (or is a string with escapes, which no decimal has).
std::string_view exact_number_text(simdjson::ondemand::value value);

// One parser per thread, reused: it owns the buffers, so parsing allocates nothing once warm.
simdjson::ondemand::parser& thread_parser();

inline Error bad_payload(std::string_view exchange, std::string_view what,
                         simdjson::error_code code) {
  return Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                           " is not valid JSON of the expected shape (" +
                                           simdjson::error_message(code) + ")");
}

}  // namespace cryptopipe::exchanges
