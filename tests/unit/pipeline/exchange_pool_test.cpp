#include "cryptopipe/pipeline/exchange_pool.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "cryptopipe/exchanges/binance.h"
#include "unit/exchange_for_tests.h"

namespace cryptopipe::pipeline {
namespace {

// Clients that never connect: the pool only hands them out and takes them back.
class ExchangePoolTest : public ::testing::Test {
 protected:
  ExchangePool::Factory factory() {
    return [this] {
      ++created_;
      return std::make_unique<exchanges::Binance>(std::make_unique<exchanges::RestSession>(
          "binance", exchanges::RestSettings{.base_url = "http://127.0.0.1:9"}, limiter_, clock_,
          Logger("test-run", LogFormat::kJson, LogLevel::kError, log_.file())));
    };
  }

  unit::FakeClock clock_;
  unit::CapturedOutput log_;
  net::RateLimiter limiter_{unit::kBinanceWeightPerMinute, std::chrono::minutes(1), clock_};
  std::atomic<int> created_{0};
};

TEST_F(ExchangePoolTest, NeverLendsMoreThanItsCapacityAndReusesItsClients) {
  ExchangePool pool(3, factory());
  std::atomic<int> lent{0};
  std::atomic<int> most_lent{0};
  std::mutex seen_mutex;
  std::set<const exchanges::Exchange*> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const ExchangePool::Lease client = pool.lease();
        const int now = ++lent;
        int most = most_lent.load();
        while (now > most && !most_lent.compare_exchange_weak(most, now)) {
        }
        {
          std::lock_guard lock(seen_mutex);
          seen.insert(&*client);
        }
        std::this_thread::yield();
        --lent;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_LE(most_lent.load(), 3);
  EXPECT_GE(most_lent.load(), 1);
  EXPECT_LE(created_.load(), 3);
  EXPECT_EQ(seen.size(), static_cast<std::size_t>(created_.load()));
}

TEST_F(ExchangePoolTest, AClientGivenBackIsTheNextOneLent) {
  ExchangePool pool(1, factory());
  const exchanges::Exchange* first = nullptr;
  {
    const ExchangePool::Lease client = pool.lease();
    first = &*client;
  }
  const ExchangePool::Lease again = pool.lease();
  EXPECT_EQ(&*again, first);
  EXPECT_EQ(created_.load(), 1);
}

TEST_F(ExchangePoolTest, AClientThatCouldNotBeMadeFreesItsPlace) {
  bool fail_once = true;
  ExchangePool::Factory make = factory();
  ExchangePool pool(1, [&]() -> std::unique_ptr<exchanges::Exchange> {
    if (fail_once) {
      fail_once = false;
      throw Error(ErrorKind::kConfig, "no client");
    }
    return make();
  });
  EXPECT_THROW(pool.lease(), Error);
  const ExchangePool::Lease client = pool.lease();  // would wait forever had the slot leaked
  EXPECT_EQ(client->name(), "binance");
}

}  // namespace
}  // namespace cryptopipe::pipeline
