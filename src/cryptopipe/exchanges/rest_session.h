#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "cryptopipe/core/log.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/net/http_client.h"
#include "cryptopipe/net/rate_limiter.h"
#include "cryptopipe/net/retry_policy.h"

namespace cryptopipe::exchanges {

struct RestSettings {
  std::string base_url;
  // The root of the venue's futures API where it is another host (Binance USD-M:
  // https://fapi.binance.com); empty: base_url.
  std::string futures_base_url;
  net::HttpOptions http;
  net::RetrySettings retry;
};

// What every exchange shares: one HTTP client (connection reuse), the retry policy and a
// token bucket. The exchange supplies how to read its error responses and its weight headers.
// A 429's Retry-After holds the shared token bucket, so that every session of the exchange
// waits it out, not only the one that was told (exchanges limit the IP, not the connection).
// Thread safe: requests are serialized on the one connection.
class RestSession {
 public:
  // Throws the right Error for an unsuccessful response; returns normally for a good one.
  using ResponseCheck = std::function<void(const RawResponse&, const net::HttpResponse&)>;
  // Called with every response, good or bad (e.g. to read the used-weight header).
  using ResponseObserver = std::function<void(const net::HttpResponse&)>;

  // The limiter is the exchange's, shared by every session talking to it.
  RestSession(std::string exchange, RestSettings settings, net::RateLimiter& limiter,
              Clock& clock, Logger logger);

  RawResponse get(const std::string& path, const QueryParams& params, double weight,
                  const ResponseCheck& check, const ResponseObserver& observe = {});
  // The same against the futures root.
  RawResponse get_futures(const std::string& path, const QueryParams& params, double weight,
                          const ResponseCheck& check, const ResponseObserver& observe = {});

  net::RateLimiter& limiter() { return limiter_; }

 private:
  RawResponse get_at(const std::string& root, const std::string& path, const QueryParams& params,
                     double weight, const ResponseCheck& check, const ResponseObserver& observe);
  void hold_after_rate_limit(const Error& error);

  std::string exchange_;
  RestSettings settings_;
  Clock& clock_;
  Logger logger_;
  net::RetryPolicy retry_;
  net::RateLimiter& limiter_;
  std::mutex mutex_;
  net::HttpClient http_;
};

}  // namespace cryptopipe::exchanges
