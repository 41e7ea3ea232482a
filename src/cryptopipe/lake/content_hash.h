#pragma once

#include <string>
#include <string_view>

namespace cryptopipe::lake {

// Lower-case hex SHA-256 of the bytes: names bronze objects and proves they were kept intact.
std::string sha256_hex(std::string_view bytes);

// Raw (binary) digests and their encodings, for the checksums S3 uploads carry.
std::string sha256_digest(std::string_view bytes);
std::string md5_digest(std::string_view bytes);
std::string to_hex(std::string_view raw);     // lower case
std::string to_base64(std::string_view raw);  // standard alphabet, padded

}  // namespace cryptopipe::lake
