#pragma once

#include <string>
#include <string_view>

namespace cryptopipe::lake {

// Lower-case hex SHA-256 of the bytes: names bronze objects and proves they were kept intact.
std::string sha256_hex(std::string_view bytes);

}  // namespace cryptopipe::lake
