#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace cryptopipe::pipes {

// The encoding of Dagster Pipes' bootstrap parameters (protocol 0.1), exactly as Dagster's
// Python writes them: base64 (standard alphabet, '=' padding, no line breaks) of a zlib stream
// (RFC 1950, not gzip, not raw deflate) of the UTF-8 JSON text. Every value starts with "eJ".

// Decodes one parameter. `name` (the variable's name) prefixes every error message. Throws
// Error(kConfig) for a character outside the base64 alphabet, a bad length or padding, a
// stream that does not inflate, or a payload that is not a JSON object.
nlohmann::json decode_param(std::string_view encoded, std::string_view name);

// The inverse, for launching cryptopipe in Pipes mode without Dagster (tests, benchmarks).
// The JSON text is compact, so values differ from Python's byte for byte but decode equal.
std::string encode_param(const nlohmann::json& params);

}  // namespace cryptopipe::pipes
