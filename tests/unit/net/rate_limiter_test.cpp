#include "cryptopipe/net/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "unit/test_helpers.h"

namespace cryptopipe::net {
namespace {

using std::chrono::milliseconds;
using unit::FakeClock;

// 1000 weight per second: one token per millisecond, so waits are whole milliseconds.
constexpr double kCapacity = 1000;
constexpr milliseconds kWindow{1000};

TEST(RateLimiter, StartsFullAndSpendsWithoutWaiting) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  EXPECT_DOUBLE_EQ(limiter.available(), kCapacity);
  limiter.acquire(300);
  EXPECT_DOUBLE_EQ(limiter.available(), 700);
  for (int i = 0; i < 7; ++i) limiter.acquire(100);
  EXPECT_NEAR(limiter.available(), 0, 1e-9);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RateLimiter, WaitsForTheMissingTokensWhenEmpty) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.acquire(kCapacity);
  const TimestampMs before = clock.now_ms();
  limiter.acquire(250);
  EXPECT_EQ(clock.total_slept_ms(), 250);
  EXPECT_EQ(clock.now_ms() - before, 250);
  EXPECT_NEAR(limiter.available(), 0, 1e-9);
}

TEST(RateLimiter, WaitsOnlyForTheShortfall) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.acquire(900);  // 100 left
  limiter.acquire(150);  // needs 50 more: 50 ms
  EXPECT_EQ(clock.total_slept_ms(), 50);
}

TEST(RateLimiter, RefillsContinuouslyUpToCapacity) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.acquire(kCapacity);
  clock.advance(400);
  EXPECT_NEAR(limiter.available(), 400, 1e-6);
  clock.advance(100);
  EXPECT_NEAR(limiter.available(), 500, 1e-6);
  clock.advance(10'000);
  EXPECT_DOUBLE_EQ(limiter.available(), kCapacity);
}

TEST(RateLimiter, RefillRateFollowsTheWindow) {
  FakeClock clock;
  RateLimiter limiter(6000, milliseconds(60'000), clock);  // Binance: 6000 per minute
  limiter.acquire(6000);
  clock.advance(1'000);
  EXPECT_NEAR(limiter.available(), 100, 1e-6);
}

TEST(RateLimiter, ObservedUsageLowersTheTokens) {
  FakeClock clock;
  RateLimiter limiter(6000, milliseconds(60'000), clock);
  limiter.observe_used(5990);
  EXPECT_NEAR(limiter.available(), 10, 1e-9);
  // The next request of weight 20 has to wait for 10 more tokens: 100 ms at 0.1 per ms.
  limiter.acquire(20);
  EXPECT_EQ(clock.total_slept_ms(), 100);
}

TEST(RateLimiter, ObservedUsageNeverRaisesTheTokens) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.acquire(600);
  limiter.observe_used(100);  // the server counted less than we did: keep our count
  EXPECT_NEAR(limiter.available(), 400, 1e-9);
  limiter.observe_used(5000);  // more than the capacity: empty, not negative
  EXPECT_NEAR(limiter.available(), 0, 1e-9);
}

TEST(RateLimiter, AHeldBudgetWaitsForItsResetEvenWithTokensLeft) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.hold_until(clock.now_ms() + 1500);
  limiter.hold_until(clock.now_ms() + 200);  // an earlier reset does not shorten the hold
  limiter.acquire(1);
  EXPECT_EQ(clock.total_slept_ms(), 1500);
  limiter.acquire(1);  // the hold is over
  EXPECT_EQ(clock.total_slept_ms(), 1500);
}

TEST(RateLimiter, AHoldInThePastChangesNothing) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.hold_until(clock.now_ms() - 10);
  limiter.acquire(10);
  EXPECT_EQ(clock.total_slept_ms(), 0);
}

TEST(RateLimiter, OversizeWeightWaitsForAFullBucket) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  limiter.acquire(800);  // 200 left
  limiter.acquire(5000);  // more than the capacity: waits until full, then empties it
  EXPECT_EQ(clock.total_slept_ms(), 800);
  EXPECT_NEAR(limiter.available(), 0, 1e-9);
}

TEST(RateLimiter, ConcurrentAcquirersNeverExceedTheRate) {
  FakeClock clock;
  RateLimiter limiter(kCapacity, kWindow, clock);
  const TimestampMs start = clock.now_ms();
  constexpr int kThreads = 4;
  constexpr int kRequests = 100;
  constexpr double kWeight = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRequests; ++i) limiter.acquire(kWeight);
    });
  }
  for (auto& thread : threads) thread.join();
  // 4000 weight with 1000 in the bucket: at least 3000 ms of refill must have passed.
  EXPECT_GE(clock.now_ms() - start, 3000);
  EXPECT_GE(limiter.available(), 0);
}

}  // namespace
}  // namespace cryptopipe::net
