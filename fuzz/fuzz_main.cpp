// One libFuzzer binary per target: CRYPTOPIPE_FUZZ_TARGET names the entry point at compile time.
#include <cstddef>
#include <cstdint>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const cryptopipe::fuzz::Target& target =
      cryptopipe::fuzz::targets().at(CRYPTOPIPE_FUZZ_TARGET);
  cryptopipe::fuzz::run_one(target, data, size);
  return 0;
}
