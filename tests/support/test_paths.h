#pragma once

#include <string>

namespace cryptopipe::testing {

// Where the build put the binaries, and the shared recorded fixtures (read in place).
inline std::string build_dir() { return CRYPTOPIPE_BUILD_DIR; }
inline std::string source_dir() { return CRYPTOPIPE_SOURCE_DIR; }

}  // namespace cryptopipe::testing
