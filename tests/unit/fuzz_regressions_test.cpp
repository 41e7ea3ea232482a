// Every input libFuzzer once crashed on (fuzz/regressions/<target>/) goes through its target
// again: it must now be read or refused with a cryptopipe::Error. Under the asan preset this
// also catches the memory and undefined-behaviour errors the fuzzers reported.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "fuzz_targets.h"
#include "support/test_paths.h"

namespace cryptopipe::fuzz {
namespace {

const std::filesystem::path kRegressions = std::filesystem::path(CRYPTOPIPE_SOURCE_DIR) / "fuzz" / "regressions";

TEST(FuzzRegressions, EverySavedInputIsHandled) {
  ASSERT_TRUE(std::filesystem::is_directory(kRegressions)) << kRegressions;
  int inputs = 0;
  for (const auto& folder : std::filesystem::directory_iterator(kRegressions)) {
    const std::string name = folder.path().filename().string();
    ASSERT_TRUE(targets().contains(name)) << "no fuzz target named " << name;
    for (const auto& file : std::filesystem::directory_iterator(folder.path())) {
      std::ifstream in(file.path(), std::ios::binary);
      const std::string bytes{std::istreambuf_iterator<char>(in), {}};
      SCOPED_TRACE(file.path().string());
      EXPECT_NO_THROW(
          run_one(targets().at(name), reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
      ++inputs;
    }
  }
  EXPECT_GT(inputs, 0);
}

TEST(FuzzTargets, EachRefusesGarbageWithAnErrorOrReadsIt) {
  const std::string garbage = "{\"retCode\":[1,2,{\"x\":\"\\u0000\"}]";
  for (const auto& [name, target] : targets()) {
    SCOPED_TRACE(name);
    EXPECT_NO_THROW(
        run_one(target, reinterpret_cast<const std::uint8_t*>(garbage.data()), garbage.size()));
  }
}

}  // namespace
}  // namespace cryptopipe::fuzz
