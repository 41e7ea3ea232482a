// Reading Bybit's and Gate's answers in tests, and comparing any answer's shape with the recorded
// ccxt fixtures: decimals in any spelling (exactly, without doubles), JSON types, key order.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {

// "43519.34", "43488", "-0.5" -> units of 1e-8. Throws std::invalid_argument unless the text is an
// optional minus, digits and at most eight decimals.
std::int64_t decimal_text_units(std::string_view text);

// A JSON value's type as a word: "string", "integer" (signed or not), "float", "boolean",
// "object", "array" or "null".
std::string json_type(const nlohmann::ordered_json& value);

// An object's keys with the types of their values, in the object's order.
std::vector<std::pair<std::string, std::string>> key_types(const nlohmann::ordered_json& object);

// The types of an array's elements, in order.
std::vector<std::string> element_types(const nlohmann::ordered_json& array);

// GET of a path that must answer 200, parsed with its key order kept. Throws std::runtime_error
// with the status and body otherwise.
nlohmann::ordered_json get_ordered_json(const Simulator& simulator,
                                        const std::string& path_and_query);

// The recorded response body (`httpResponse`) of a ccxt-static case such as
// "gate/fetchTicker-1.json", with its key order kept. Throws std::runtime_error if unreadable.
nlohmann::ordered_json fixture_response(const std::string& case_file);

// The rows of a JSON array of arrays of scalars (Coinbase's candles, which are JSON numbers),
// each element as its text on the wire: a number's own digits, never through a double (whose
// printing can differ, 0.47122 coming back as 0.47122000000000003). Throws std::runtime_error
// for any other shape.
std::vector<std::vector<std::string>> rows_as_sent(const std::string& body);

}  // namespace cryptopipe::testing
