#include "cryptopipe/exchanges/json_text.h"

#include <charconv>

namespace cryptopipe::exchanges {

std::string_view string_text(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

bool read_integer(simdjson::dom::element value, std::int64_t& out) {
  std::int64_t parsed = 0;
  if (value.get_int64().get(parsed) == simdjson::SUCCESS) {
    out = parsed;
    return true;
  }
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), parsed);
  if (ec != std::errc{} || end != text.data() + text.size()) return false;
  out = parsed;
  return true;
}

RawTicker read_ticker_texts(simdjson::dom::element entry, std::string_view id_key,
                            std::span<const TickerTextField> fields) {
  RawTicker ticker;
  simdjson::dom::object object;
  if (entry.get_object().get(object)) {
    ticker.malformed = "ticker is not an object";
    return ticker;
  }
  simdjson::dom::element value;
  if (!object[id_key].get(value)) ticker.market_id = string_text(value);
  if (ticker.market_id.empty()) {
    ticker.malformed = "ticker has no market id";
    return ticker;
  }
  for (const TickerTextField& field : fields) {
    if (!object[field.key].get(value)) ticker.*(field.field) = string_text(value);
  }
  return ticker;
}

simdjson::ondemand::parser& thread_parser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

simdjson::dom::parser& thread_dom_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

}  // namespace cryptopipe::exchanges
