#include "cryptopipe/core/run_once.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cryptopipe/core/workers.h"

namespace cryptopipe {
namespace {

TEST(RunOnce, ConcurrentCallersOfAKeyShareOneMaking) {
  RunOnce<std::shared_ptr<const int>> once;
  std::atomic<int> made = 0;
  std::vector<std::shared_ptr<const int>> got(8);
  std::atomic<std::size_t> next = 0;
  run_on_workers(8, [&] {
    const std::size_t i = next++;
    got[i] = once.get("month", [&] {
      ++made;
      // Long enough for the other workers to arrive while it is being made.
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      return std::make_shared<const int>(42);
    });
  });
  EXPECT_EQ(made, 1);
  for (const auto& value : got) {
    ASSERT_TRUE(value);
    EXPECT_EQ(value, got[0]) << "the very same result, not a copy made again";
  }
}

TEST(RunOnce, EachKeyIsMadeOnItsOwnAndANullResultIsKeptToo) {
  RunOnce<std::shared_ptr<const int>> once;
  int made = 0;
  const auto make = [&](int value) {
    return [&made, value] {
      ++made;
      return value == 0 ? nullptr : std::make_shared<const int>(value);
    };
  };
  EXPECT_EQ(*once.get("a", make(1)), 1);
  EXPECT_EQ(*once.get("b", make(2)), 2);
  EXPECT_EQ(once.get("none", make(0)), nullptr);
  EXPECT_EQ(once.get("none", make(3)), nullptr) << "not published is an answer, not asked again";
  EXPECT_EQ(*once.get("a", make(4)), 1);
  EXPECT_EQ(made, 3);
}

TEST(RunOnce, TheMakersErrorReachesEveryCaller) {
  RunOnce<int> once;
  int made = 0;
  const auto fail = [&]() -> int {
    ++made;
    throw std::runtime_error("archive refused");
  };
  EXPECT_THROW(once.get("month", fail), std::runtime_error);
  try {
    once.get("month", fail);
    ADD_FAILURE() << "the second caller got no error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "archive refused");
  }
  EXPECT_EQ(made, 1);
}

}  // namespace
}  // namespace cryptopipe
