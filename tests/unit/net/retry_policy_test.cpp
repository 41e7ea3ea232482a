#include "cryptopipe/net/retry_policy.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "unit/test_helpers.h"

namespace cryptopipe::net {
namespace {

using std::chrono::milliseconds;
using unit::FakeClock;
using unit::ThrowsError;

RetrySettings settings(int max_attempts = 6) {
  RetrySettings s;
  s.max_attempts = max_attempts;
  s.base_delay = milliseconds(200);
  s.max_delay = milliseconds(10'000);
  s.max_retry_after = milliseconds(120'000);
  return s;
}

// Fails with `errors` in turn, then returns 42.
struct Script {
  std::vector<Error> errors;
  int calls = 0;
  int operator()() {
    ++calls;
    if (static_cast<std::size_t>(calls) <= errors.size()) throw errors[calls - 1];
    return 42;
  }
};

TEST(RetryPolicy, RetriesTransientErrorsWithBackoffThenReturns) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kTransient, "timeout"), Error(ErrorKind::kTransient, "reset")}};
  EXPECT_EQ(policy.run([&] { return script(); }), 42);
  EXPECT_EQ(script.calls, 3);
  const auto sleeps = clock.sleeps();
  ASSERT_EQ(sleeps.size(), 2u);
  EXPECT_GE(sleeps[0], milliseconds(100));
  EXPECT_LE(sleeps[0], milliseconds(200));
  EXPECT_GE(sleeps[1], milliseconds(200));
  EXPECT_LE(sleeps[1], milliseconds(400));
}

TEST(RetryPolicy, RetriesRateLimitsWithoutRetryAfterOnBackoff) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kRateLimited, "429")}};
  EXPECT_EQ(policy.run([&] { return script(); }), 42);
  EXPECT_EQ(script.calls, 2);
  ASSERT_EQ(clock.sleeps().size(), 1u);
  EXPECT_GE(clock.sleeps()[0], milliseconds(100));
  EXPECT_LE(clock.sleeps()[0], milliseconds(200));
}

TEST(RetryPolicy, PropagatesEverythingElseAtOnce) {
  for (const ErrorKind kind :
       {ErrorKind::kPermanent, ErrorKind::kBanned, ErrorKind::kBadPayload, ErrorKind::kInvalidInput,
        ErrorKind::kConfig, ErrorKind::kStorage, ErrorKind::kAlreadyExists, ErrorKind::kNotFound}) {
    FakeClock clock;
    RetryPolicy policy(settings(), clock, 7);
    Script script{{Error(kind, "the original message", milliseconds(5000))}};
    EXPECT_TRUE(ThrowsError([&] { policy.run([&] { return script(); }); }, kind,
                            {"the original message"}))
        << to_string(kind);
    EXPECT_EQ(script.calls, 1) << to_string(kind);
    EXPECT_TRUE(clock.sleeps().empty()) << to_string(kind);
  }
}

TEST(RetryPolicy, BanKeepsItsRetryAfter) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  try {
    policy.run([]() -> int { throw Error(ErrorKind::kBanned, "418", milliseconds(120'000)); });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBanned);
    EXPECT_EQ(e.retry_after(), milliseconds(120'000));
  }
}

TEST(RetryPolicy, GivesUpAfterMaxAttemptsSayingHowMany) {
  FakeClock clock;
  RetryPolicy policy(settings(4), clock, 7);
  int calls = 0;
  EXPECT_TRUE(ThrowsError(
      [&] {
        policy.run([&]() -> int {
          ++calls;
          throw Error(ErrorKind::kTransient, "GET http://x failed: timeout");
        });
      },
      ErrorKind::kTransient, {"GET http://x failed: timeout", "4 attempts"}));
  EXPECT_EQ(calls, 4);
  EXPECT_EQ(clock.sleeps().size(), 3u);
}

TEST(RetryPolicy, SingleAttemptNeverRetries) {
  FakeClock clock;
  RetryPolicy policy(settings(1), clock, 7);
  int calls = 0;
  EXPECT_TRUE(ThrowsError(
      [&] {
        policy.run([&]() -> int {
          ++calls;
          throw Error(ErrorKind::kTransient, "boom");
        });
      },
      ErrorKind::kTransient, {"boom"}));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RetryPolicy, BackoffIsEqualJitterWithinHalfToFullAndCapped) {
  FakeClock clock;
  RetrySettings s = settings();
  s.base_delay = milliseconds(100);
  s.max_delay = milliseconds(3'000);
  RetryPolicy policy(s, clock, 12345);
  for (int attempt = 1; attempt <= 70; ++attempt) {
    std::int64_t d = 100;
    for (int i = 1; i < attempt && d < 3'000; ++i) d *= 2;
    if (d > 3'000) d = 3'000;
    milliseconds low = milliseconds::max(), high = milliseconds::min();
    for (int sample = 0; sample < 200; ++sample) {
      const milliseconds wait = policy.backoff(attempt);
      ASSERT_GE(wait.count(), d / 2) << "attempt " << attempt;
      ASSERT_LE(wait.count(), d) << "attempt " << attempt;
      low = std::min(low, wait);
      high = std::max(high, wait);
    }
    EXPECT_LT(low, high) << "attempt " << attempt << ": no jitter";
  }
}

TEST(RetryPolicy, SameSeedSameBackoffs) {
  FakeClock clock;
  RetryPolicy a(settings(), clock, 99);
  RetryPolicy b(settings(), clock, 99);
  for (int attempt = 1; attempt <= 10; ++attempt) EXPECT_EQ(a.backoff(attempt), b.backoff(attempt));
}

TEST(RetryPolicy, WaitsExactlyTheServersRetryAfter) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kRateLimited, "429", milliseconds(7'000)),
                 Error(ErrorKind::kRateLimited, "429 again", milliseconds(1'234))}};
  EXPECT_EQ(policy.run([&] { return script(); }), 42);
  EXPECT_EQ(clock.sleeps(), (std::vector<milliseconds>{milliseconds(7'000), milliseconds(1'234)}));
}

TEST(RetryPolicy, RetryAfterAtTheBudgetIsStillWaited) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kRateLimited, "429", milliseconds(120'000))}};
  EXPECT_EQ(policy.run([&] { return script(); }), 42);
  EXPECT_EQ(clock.sleeps(), std::vector<milliseconds>{milliseconds(120'000)});
}

TEST(RetryPolicy, RetryAfterBeyondTheBudgetFailsAtOnce) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kRateLimited, "binance 429", milliseconds(300'000))}};
  try {
    policy.run([&] { return script(); });
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kRateLimited);
    EXPECT_NE(std::string(e.what()).find("binance 429"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("300"), std::string::npos) << e.what();
    EXPECT_EQ(e.retry_after(), milliseconds(300'000));
  }
  EXPECT_EQ(script.calls, 1);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(RetryPolicy, ObserverSeesEveryRetryAndItsWait) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  Script script{{Error(ErrorKind::kTransient, "first"),
                 Error(ErrorKind::kRateLimited, "second", milliseconds(2'000))}};
  std::vector<int> attempts;
  std::vector<std::string> messages;
  std::vector<milliseconds> waits;
  policy.run([&] { return script(); },
             [&](int attempt, const Error& error, milliseconds wait) {
               attempts.push_back(attempt);
               messages.emplace_back(error.what());
               waits.push_back(wait);
             });
  EXPECT_EQ(attempts, (std::vector<int>{1, 2}));
  EXPECT_EQ(messages, (std::vector<std::string>{"first", "second"}));
  EXPECT_EQ(waits, clock.sleeps());
  EXPECT_EQ(waits[1], milliseconds(2'000));
}

TEST(RetryPolicy, ClassifiesRetryableKinds) {
  EXPECT_TRUE(RetryPolicy::is_retryable(Error(ErrorKind::kTransient, "")));
  EXPECT_TRUE(RetryPolicy::is_retryable(Error(ErrorKind::kRateLimited, "")));
  EXPECT_FALSE(RetryPolicy::is_retryable(Error(ErrorKind::kBanned, "")));
  EXPECT_FALSE(RetryPolicy::is_retryable(Error(ErrorKind::kPermanent, "")));
  EXPECT_FALSE(RetryPolicy::is_retryable(Error(ErrorKind::kBadPayload, "")));
}

TEST(RetryPolicy, NonErrorExceptionsAreNotRetried) {
  FakeClock clock;
  RetryPolicy policy(settings(), clock, 7);
  int calls = 0;
  EXPECT_THROW(policy.run([&]() -> int {
    ++calls;
    throw std::logic_error("bug");
  }),
               std::logic_error);
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace cryptopipe::net
