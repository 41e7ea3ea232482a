// PostgreSQL's binary COPY representation of the values the warehouse loads, built from the
// pipeline's exact text without passing through a float.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cryptopipe::warehouse::pg {

// Each appends one field: its 4-byte length, then the value in network byte order.
// Decimal text ([-]digits[.digits]) as numeric, keeping its scale (0.10 stays 0.10). Throws
// Error(kBadPayload) for anything else.
void append_binary_numeric(std::string& out, std::string_view decimal);
// 2026-11-25T00:00:00.000Z (core/time.h's format) as timestamptz. Throws Error(kBadPayload).
void append_binary_timestamptz(std::string& out, std::string_view iso8601);
void append_binary_int8(std::string& out, std::int64_t value);
void append_binary_int4(std::string& out, std::int32_t value);
void append_binary_bool(std::string& out, bool value);
void append_binary_text(std::string& out, std::string_view text);

}  // namespace cryptopipe::warehouse::pg
