#include "cryptopipe/app/cli.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace cryptopipe::app {
namespace {

// Regression (issue 11): an overlapping run died with SIGABRT and no error line when an
// exception escaped a worker thread.
TEST(CliDeathTest, AnExceptionEscapingAWorkerThreadEndsTheProcessWithOneErrorLine) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        end_unhandled_errors_with_a_line();
        std::thread([] { throw std::runtime_error("database is locked"); }).join();
      },
      ::testing::ExitedWithCode(kExitAssetFailed),
      "cryptopipe: internal error: database is locked; a re-run converges");
}

TEST(CliDeathTest, AnExceptionOfUnknownTypeIsNamedAsSuch) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        end_unhandled_errors_with_a_line();
        std::thread([] { throw 42; }).join();
      },
      ::testing::ExitedWithCode(kExitAssetFailed),
      "cryptopipe: internal error: an exception of unknown type; a re-run converges");
}

}  // namespace
}  // namespace cryptopipe::app
