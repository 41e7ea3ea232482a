// The fuzzed entry points: each takes arbitrary bytes and must either succeed or throw
// cryptopipe::Error; anything else (a crash, a sanitizer report, another exception) is a bug.
// libFuzzer drives them in the `fuzz` preset (fuzz/run.sh); the unit tests replay every saved
// input under fuzz/regressions/<target>/ so a crash once found stays fixed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

namespace cryptopipe::fuzz {

using Target = std::function<void(const std::uint8_t* data, std::size_t size)>;

// Target name → entry point: <venue>_responses for every venue of the exchange registry
// (binance_responses, okx_responses…), config, selection, pipes_context, silver_tables,
// binance_archives, bybit_archives.
const std::map<std::string, Target>& targets();

// Runs one input through a target, turning the Errors it is allowed to throw into a return.
void run_one(const Target& target, const std::uint8_t* data, std::size_t size);

// The bytes as one gzip member, as Bybit's trade files are: bybit_archives passes mutated CSV
// past gzip's CRC with it, and the unit tests build such files with it.
std::string gzip_member(const std::string& bytes);

}  // namespace cryptopipe::fuzz
