#include "cryptopipe/exchanges/json_text.h"

namespace cryptopipe::exchanges {

std::string_view string_text(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
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
