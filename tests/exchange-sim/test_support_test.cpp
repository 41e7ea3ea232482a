// The shared test helpers themselves, since every suite's conclusions rest on them.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/process.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {
namespace {

TEST(RunProcess, CapturesLargeStdoutAndStderrWithoutDeadlock) {
  // Far more than a pipe buffer on both streams at once.
  const ProcessResult result = run_process({"/bin/sh", "-c",
                                            "head -c 1000000 /dev/zero | tr '\\0' o & head -c "
                                            "1000000 /dev/zero | tr '\\0' e >&2; wait; exit 3"});
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_EQ(result.out, std::string(1'000'000, 'o'));
  EXPECT_EQ(result.err, std::string(1'000'000, 'e'));
}

TEST(RunProcess, EnvironmentIsTheParentsPlusOverridesMinusRemovals) {
  setenv("CRYPTOPIPE_TEST_INHERITED", "from-parent", 1);
  setenv("CRYPTOPIPE_TEST_REMOVED", "present", 1);
  const ProcessResult result = run_process(
      {"/bin/sh", "-c",
       "echo \"$CRYPTOPIPE_TEST_INHERITED|$CRYPTOPIPE_TEST_SET|${CRYPTOPIPE_TEST_EMPTY-unset}|"
       "${CRYPTOPIPE_TEST_REMOVED-unset}\""},
      {{"CRYPTOPIPE_TEST_SET", "overridden"}, {"CRYPTOPIPE_TEST_EMPTY", ""}}, "", std::nullopt,
      {"CRYPTOPIPE_TEST_REMOVED"});
  unsetenv("CRYPTOPIPE_TEST_INHERITED");
  unsetenv("CRYPTOPIPE_TEST_REMOVED");
  EXPECT_EQ(result.out, "from-parent|overridden||unset\n");
}

TEST(RunProcess, WorkingDirectoryAndStdin) {
  const TempDir dir;
  const ProcessResult result =
      run_process({"/bin/sh", "-c", "pwd; cat"}, {}, dir.path().string(), "fed through stdin");
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, std::filesystem::canonical(dir.path()).string() + "\nfed through stdin");
}

TEST(RunProcess, ChildThatIgnoresStdinDoesNotHurtTheCaller) {
  const ProcessResult result =
      run_process({"/bin/sh", "-c", "exit 0"}, {}, "", std::string(4'000'000, 'x'));
  EXPECT_EQ(result.exit_code, 0);
}

TEST(RunProcess, DeathBySignalIs128PlusTheSignal) {
  EXPECT_EQ(run_process({"/bin/sh", "-c", "kill -TERM $$"}).exit_code, 128 + SIGTERM);
}

TEST(RunProcess, MissingProgramThrows) {
  EXPECT_THROW(run_process({"/nonexistent/program"}), std::runtime_error);
}

TEST(TempDirectory, IsCreatedAndRemovedWithItsContents) {
  std::filesystem::path kept;
  {
    const TempDir dir;
    kept = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(kept));
    std::filesystem::create_directories(kept / "nested");
    std::ofstream(kept / "nested" / "file.txt") << "content";
  }
  EXPECT_FALSE(std::filesystem::exists(kept));
}

TEST(TempDirectory, TwoAreDistinct) {
  const TempDir first;
  const TempDir second;
  EXPECT_NE(first.path(), second.path());
}

TEST(DecimalUnits, ParsesExactlyEightDecimals) {
  EXPECT_EQ(decimal_units("43519.34000000"), 4'351'934'000'000);
  EXPECT_EQ(decimal_units("0.00000001"), 1);
  EXPECT_THROW(decimal_units("1.5"), std::invalid_argument);
  EXPECT_THROW(decimal_units("-1.00000000"), std::invalid_argument);
  EXPECT_THROW(decimal_units("99999999999.00000000"), std::invalid_argument);
}

TEST(DecimalTextUnits, ParsesAnySpellingUpToEightDecimals) {
  EXPECT_EQ(decimal_text_units("43519.34"), 4'351'934'000'000);
  EXPECT_EQ(decimal_text_units("43488"), 4'348'800'000'000);
  EXPECT_EQ(decimal_text_units("-0.5"), -50'000'000);
  EXPECT_EQ(decimal_text_units("0.00000001"), 1);
  EXPECT_THROW(decimal_text_units("0.000000001"), std::invalid_argument);
  EXPECT_THROW(decimal_text_units("1e5"), std::invalid_argument);
  EXPECT_THROW(decimal_text_units(""), std::invalid_argument);
}

TEST(JsonShapes, TypesAndKeyOrder) {
  const auto object = nlohmann::ordered_json::parse(R"({"b":"x","a":1,"c":1.5,"d":[true,null]})");
  EXPECT_EQ(key_types(object),
            (std::vector<std::pair<std::string, std::string>>{
                {"b", "string"}, {"a", "integer"}, {"c", "float"}, {"d", "array"}}));
  EXPECT_EQ(element_types(object["d"]), (std::vector<std::string>{"boolean", "null"}));
  EXPECT_EQ(fixture_response("gate/fetchOHLCV-1.json")[0][7], "false");
}

TEST(BuildPaths, PointAtTheBuildAndFixtureDirectories) {
  EXPECT_TRUE(std::filesystem::exists(build_path("cryptopipe-exchange-sim")));
  EXPECT_TRUE(std::filesystem::exists(fixtures_dir() + "/ccxt-static/binance/fetchOHLCV-1.json"));
}

}  // namespace
}  // namespace cryptopipe::testing
