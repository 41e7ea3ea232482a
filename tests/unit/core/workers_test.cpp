#include "cryptopipe/core/workers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>

namespace cryptopipe {
namespace {

TEST(RunOnWorkers, EveryItemIsDoneOnThatManyThreads) {
  std::atomic<int> next{0};
  std::atomic<int> done{0};
  std::mutex mutex;
  std::set<std::thread::id> threads;
  run_on_workers(4, [&] {
    {
      std::lock_guard lock(mutex);
      threads.insert(std::this_thread::get_id());
    }
    while (next++ < 1000) ++done;
  });
  EXPECT_EQ(done, 1000);
  EXPECT_EQ(threads.size(), 4u);
  EXPECT_EQ(threads.count(std::this_thread::get_id()), 1u) << "the caller is one of them";
}

TEST(RunOnWorkers, AnExceptionOnAWorkerIsRethrownToTheCallerAfterAllFinished) {
  std::atomic<int> finished{0};
  std::atomic<bool> thrown{false};
  const auto work = [&] {
    if (!thrown.exchange(true)) {
      throw std::runtime_error("database is locked");
    }
    ++finished;
  };
  try {
    run_on_workers(3, work);
    FAIL() << "no exception reached the caller";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "database is locked");
  }
  EXPECT_EQ(finished, 2) << "the other workers ran to their end before the rethrow";
}

TEST(RunOnWorkers, OneWorkerIsTheCallerAlone) {
  std::thread::id ran_on;
  run_on_workers(1, [&] { ran_on = std::this_thread::get_id(); });
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

}  // namespace
}  // namespace cryptopipe
