#include "cryptopipe/exchanges/json_text.h"

namespace cryptopipe::exchanges {

std::string_view exact_number_text(simdjson::ondemand::value value) {
  std::string_view token = value.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  if (token.size() >= 2 && token.front() == '"' && token.back() == '"') {
    token = token.substr(1, token.size() - 2);
    if (token.find('\\') != std::string_view::npos) return {};
  }
  return token;
}

simdjson::ondemand::parser& thread_parser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

}  // namespace cryptopipe::exchanges
