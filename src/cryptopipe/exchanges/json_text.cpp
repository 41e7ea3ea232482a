#include "cryptopipe/exchanges/json_text.h"

#include <charconv>
#include <deque>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::exchanges {

std::string_view string_text(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return {};
  return text;
}

std::string_view number_text(simdjson::ondemand::value value) {
  simdjson::ondemand::json_type type;
  if (value.type().get(type) || type != simdjson::ondemand::json_type::number) return {};
  std::string_view text = value.raw_json_token();
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (auto plain = plain_decimal_from_exponent(text)) {
    return thread_expanded_numbers().emplace_back(std::move(*plain));
  }
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

namespace {

RawLevel read_level(simdjson::dom::element value) {
  RawLevel level;
  simdjson::dom::array pair;
  if (value.get_array().get(pair)) {
    level.malformed = "level is not an array";
    return level;
  }
  std::size_t index = 0;
  for (const simdjson::dom::element field : pair) {
    if (index == 0 && field.get_string().get(level.price)) {
      level.malformed = "level price is not a string";
      return level;
    }
    if (index == 1) {
      if (field.get_string().get(level.amount)) level.malformed = "level amount is not a string";
      return level;
    }
    ++index;
  }
  level.malformed = "level has fewer than 2 fields";
  return level;
}

}  // namespace

bool read_levels(simdjson::dom::element side, std::vector<RawLevel>& levels) {
  levels.clear();
  simdjson::dom::array array;
  if (side.get_array().get(array)) return false;
  levels.reserve(array.size());
  for (const simdjson::dom::element value : array) levels.push_back(read_level(value));
  return true;
}

void read_book_sides(simdjson::dom::object object, std::string_view bids_key,
                     std::string_view asks_key, std::string_view exchange, std::string_view what,
                     RawBook& book) {
  const auto read_side = [&](std::string_view key, std::vector<RawLevel>& levels) {
    simdjson::dom::element side;
    if (object[key].get(side) || !read_levels(side, levels)) {
      throw Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                              " has no " + std::string(key) + " array");
    }
  };
  read_side(bids_key, book.bids);
  read_side(asks_key, book.asks);
}

std::optional<std::int64_t> optional_integer(simdjson::dom::object object, std::string_view key,
                                             std::string_view exchange, std::string_view what) {
  simdjson::dom::element value;
  if (object[key].get(value)) return std::nullopt;
  std::int64_t out = 0;
  if (!read_integer(value, out)) {
    throw Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                            " has a " + std::string(key) +
                                            " that is not an integer");
  }
  return out;
}

std::optional<CodeEnvelope> read_code_envelope(std::string& body, simdjson::dom::parser& parser) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::object root;
  if (parser.parse(padded.data(), padded.length(), false).get_object().get(root)) {
    return std::nullopt;
  }
  CodeEnvelope envelope;
  if (root["code"].get_string().get(envelope.code)) return std::nullopt;
  if (root["msg"].get_string().get(envelope.msg)) envelope.msg = {};
  envelope.has_data = !root["data"].get(envelope.data);
  return envelope;
}

std::deque<std::string>& thread_expanded_numbers() {
  thread_local std::deque<std::string> numbers;
  return numbers;
}

simdjson::ondemand::parser& thread_parser() {
  // A new document on this thread: the previous one's views, expanded numbers included, die.
  thread_expanded_numbers().clear();
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

simdjson::dom::parser& thread_dom_parser() {
  thread_local simdjson::dom::parser parser;
  return parser;
}

std::optional<simdjson::dom::object> read_book_object(std::string& body,
                                                      std::string_view exchange,
                                                      std::string_view what,
                                                      std::string_view error_key) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::element root;
  if (const auto error =
          thread_dom_parser().parse(padded.data(), padded.length(), false).get(root)) {
    throw bad_payload(exchange, what, error);
  }
  simdjson::dom::object object;
  simdjson::dom::element error_field;
  if (root.get_object().get(object) || !object[error_key].get(error_field)) return std::nullopt;
  return object;
}

bool read_whole_seconds(std::string_view text, TimestampMs& out_ms) {
  std::int64_t seconds = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return false;
  return !__builtin_mul_overflow(seconds, kMillisPerSecond, &out_ms);
}

simdjson::dom::array read_json_array(std::string& body, std::string_view exchange,
                                     std::string_view what,
                                     std::string (*error_gist)(const std::string& body)) {
  const simdjson::padded_string_view padded = padded_view(body);
  simdjson::dom::element root;
  if (const auto error = thread_dom_parser().parse(padded.data(), padded.length(), false)
                             .get(root)) {
    throw bad_payload(exchange, what, error);
  }
  simdjson::dom::array array;
  if (root.get_array().get(array)) {
    throw Error(ErrorKind::kBadPayload, std::string(exchange) + ": " + std::string(what) +
                                            " is not a JSON array (" + error_gist(body) + ")");
  }
  return array;
}

}  // namespace cryptopipe::exchanges
