#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

RestSession::RestSession(std::string exchange, RestSettings settings, net::RateLimiter& limiter,
                         Clock& clock, Logger logger)
    : exchange_(std::move(exchange)),
      settings_(std::move(settings)),
      clock_(clock),
      logger_(std::move(logger)),
      retry_(settings_.retry, clock),
      limiter_(limiter),
      http_(settings_.http) {}

void RestSession::hold_after_rate_limit(const Error& error) {
  const auto wait = error.retry_after();
  // A wait beyond the retry budget fails the request at once; holding every other request that
  // long would only stall them.
  if (error.kind() != ErrorKind::kRateLimited || !wait || *wait > settings_.retry.max_retry_after) {
    return;
  }
  limiter_.hold_until(clock_.now_ms() + wait->count());
}

RawResponse RestSession::get(const std::string& path, const QueryParams& params, double weight,
                             const ResponseCheck& check, const ResponseObserver& observe) {
  return get_at(settings_.base_url, path, params, weight, check, observe);
}

RawResponse RestSession::get_futures(const std::string& path, const QueryParams& params,
                                     double weight, const ResponseCheck& check,
                                     const ResponseObserver& observe) {
  const std::string& root =
      settings_.futures_base_url.empty() ? settings_.base_url : settings_.futures_base_url;
  return get_at(root, path, params, weight, check, observe);
}

RawResponse RestSession::get_at(const std::string& root, const std::string& path,
                                const QueryParams& params, double weight,
                                const ResponseCheck& check, const ResponseObserver& observe) {
  std::string url = root + path;
  if (!params.empty()) url += "?" + net::build_query(params);

  std::lock_guard lock(mutex_);
  return retry_.run(
      [&] {
        limiter_.acquire(weight);
        RawResponse raw;
        raw.url = url;
        raw.params = params;
        raw.requested_at = clock_.now_ms();
        net::HttpResponse response;
        try {
          response = http_.get(url);
        } catch (const Error& error) {
          // The transport's message names the URL but not, in general, the exchange.
          throw Error(error.kind(), exchange_ + ": " + error.what(), error.retry_after());
        }
        raw.received_at = clock_.now_ms();
        raw.status = response.status;
        if (observe) observe(response);
        raw.body = std::move(response.body);
        try {
          check(raw, response);
        } catch (const Error& error) {
          hold_after_rate_limit(error);
          throw;
        }
        return raw;
      },
      [&](int attempt, const Error& error, std::chrono::milliseconds wait) {
        logger_.warn("request failed, retrying",
                     {{"exchange", exchange_}, {"url", url}, {"attempt", attempt},
                      {"error", error.what()}, {"wait_ms", wait.count()}});
      });
}

}  // namespace cryptopipe::exchanges
