// Exchange clients for tests: a fake clock, their own rate limiter and a captured log.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cryptopipe/core/log.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/rest_session.h"
#include "cryptopipe/net/rate_limiter.h"
#include "unit/test_helpers.h"

namespace cryptopipe::unit {

// Binance's REST limit: 6000 weight per minute.
inline constexpr double kBinanceWeightPerMinute = 6000;

template <typename ExchangeType>
struct TestExchange {
  // A base URL that is never contacted unless a test fetches.
  explicit TestExchange(std::string base_url = "http://127.0.0.1:9",
                        net::RetrySettings retry = {}, Clock* clock_override = nullptr)
      : clock(clock_override != nullptr ? *clock_override : fake_clock),
        limiter(kBinanceWeightPerMinute, std::chrono::minutes(1), clock),
        exchange(std::make_unique<exchanges::RestSession>(
            std::string(ExchangeType::kName),
            exchanges::RestSettings{.base_url = std::move(base_url),
                                    .http = net::HttpOptions{.connect_timeout =
                                                                 std::chrono::milliseconds(2000),
                                                             .total_timeout =
                                                                 std::chrono::milliseconds(5000)},
                                    .retry = retry},
            limiter, clock, Logger("test-run", LogFormat::kJson, LogLevel::kDebug, log.file()))) {}

  FakeClock fake_clock;
  Clock& clock;
  CapturedOutput log;
  net::RateLimiter limiter;
  ExchangeType exchange;
};

using TestBinance = TestExchange<exchanges::Binance>;

}  // namespace cryptopipe::unit
