#include "binance.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "binance_depth.h"
#include "binance_exchange_info.h"
#include "binance_klines.h"
#include "binance_perpetuals.h"
#include "binance_protocol.h"
#include "binance_ticker.h"
#include "binance_trades.h"
#include "candle_faults.h"
#include "request_count_limiter.h"
#include "request_weight_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/binance";

// What a request costs; some endpoints charge by their parameters.
using RequestWeight = std::function<int(const httplib::Request&)>;

RequestWeight fixed_weight(int weight) {
  return [weight](const httplib::Request&) { return weight; };
}

// Request weights from Binance's documentation.
constexpr int kKlinesWeight = 2;
constexpr int kAggTradesWeight = 2;
constexpr int kExchangeInfoWeight = 20;
constexpr int kTimeWeight = 1;
constexpr int kPingWeight = 1;

InjectedFailureWording binance_wording(int weight_limit, const SimClock& clock) {
  return {
      .rate_limited =
          [weight_limit](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            binance::answer_error(response, binance::too_many_requests(weight_limit));
          },
      .internal_error =
          [](httplib::Response& response) {
            binance::answer_error(response, binance::internal_error());
          },
      .banned =
          [&clock](httplib::Response& response, int ban_s) {
            response.set_header("Retry-After", std::to_string(ban_s));
            binance::answer_error(
                response, binance::banned_until(clock.now_ms() + ban_s * std::int64_t{1000}));
          },
  };
}

// Charges the request's weight to the current minute and reports the total in
// X-MBX-USED-WEIGHT-1M; over the limit the answer is 429, and persisting earns a 418 ban.
RouteHandler with_weight(std::shared_ptr<RequestWeightLimiter> limiter, const SimClock& clock,
                         RequestWeight weight, RouteHandler handler) {
  return
      [limiter = std::move(limiter), &clock, weight = std::move(weight),
       handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        const auto verdict = limiter->admit(weight(request), clock.now_ms());
        response.set_header("X-MBX-USED-WEIGHT-1M", std::to_string(verdict.used_weight));
        switch (verdict.outcome) {
          case RequestWeightLimiter::Outcome::kAdmitted:
            handler(request, response);
            return;
          case RequestWeightLimiter::Outcome::kLimited:
            response.set_header("Retry-After", std::to_string(verdict.retry_after_s));
            binance::answer_error(response, binance::too_many_requests(limiter->weight_limit()));
            return;
          case RequestWeightLimiter::Outcome::kBanned:
            response.set_header("Retry-After", std::to_string(verdict.retry_after_s));
            binance::answer_error(response, binance::banned_until(verdict.banned_until_ms));
            return;
        }
      };
}

// USD-M futures' public data routes count requests per 5 minutes instead of weighing them:
// fundingRate 500 (shared with fundingInfo), openInterestHist 1000 (Binance's docs).
constexpr std::int64_t kFuturesDataWindowMs = 5 * 60'000;
constexpr int kFundingRateRequests = 500;
constexpr int kOpenInterestHistRequests = 1000;

// Admits a request within the route's own budget; over it the answer is 429 until the window ends.
RouteHandler with_request_budget(std::shared_ptr<RequestCountLimiter> limiter, const SimClock& clock,
                                 RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const RequestCountLimiter::Verdict verdict = limiter->admit(clock.now_ms());
    if (verdict.admitted) {
      handler(request, response);
      return;
    }
    const std::int64_t wait_ms = verdict.refused_until_ms - clock.now_ms();
    response.set_header("Retry-After", std::to_string(std::max<std::int64_t>(1, (wait_ms + 999) / 1000)));
    binance::answer_error(response, binance::too_many_requests(limiter->limit()));
  };
}

// Turns the parameter checks' rejections into Binance's error answers.
RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const binance::Rejection& rejection) {
          binance::answer_error(response, rejection.error());
        }
      };
}

}  // namespace

void register_binance_routes(httplib::Server& server, const SimServices& services,
                             const BinanceOptions& options) {
  auto limiter = std::make_shared<RequestWeightLimiter>(options.weight_limit,
                                                        std::chrono::seconds(options.ban_seconds));
  const SimClock& clock = services.clock;
  const auto route = [&](const std::string& path, RequestWeight weight, RouteHandler handler) {
    server.Get(kPrefix + path,
               with_gzip(with_weight(
                   limiter, clock, std::move(weight),
                   with_faults(services.faults, binance_wording(options.weight_limit, clock),
                               answering_rejections(std::move(handler))))));
  };

  route("/api/v3/klines", fixed_weight(kKlinesWeight),
        with_candle_faults(services.faults, {nlohmann::ordered_json::json_pointer(""), 1},
                           [&clock](const httplib::Request& request, httplib::Response& response) {
                             binance::answer_klines(request, response, clock);
                           }));
  route("/api/v3/aggTrades", fixed_weight(kAggTradesWeight),
        with_candle_faults(services.faults,
                           {nlohmann::ordered_json::json_pointer(""), 1, false, "T"},
                           [&clock](const httplib::Request& request, httplib::Response& response) {
                             binance::answer_agg_trades(request, response, clock);
                           }));
  const auto futures_route = [&](const std::string& path, int requests_per_window,
                                 const char* time_key,
                                 void (*answer)(const httplib::Request&, httplib::Response&,
                                                const SimClock&)) {
    server.Get(kPrefix + path,
               with_gzip(with_request_budget(
                   std::make_shared<RequestCountLimiter>(requests_per_window, kFuturesDataWindowMs),
                   clock,
                   with_faults(services.faults, binance_wording(options.weight_limit, clock),
                               answering_rejections(with_candle_faults(
                                   services.faults,
                                   {nlohmann::ordered_json::json_pointer(""), 1, false, time_key},
                                   [&clock, answer](const httplib::Request& request,
                                                    httplib::Response& response) {
                                     answer(request, response, clock);
                                   }))))));
  };
  futures_route("/fapi/v1/fundingRate", kFundingRateRequests, "fundingTime",
                binance::answer_funding_rate);
  futures_route("/futures/data/openInterestHist", kOpenInterestHistRequests, "timestamp",
                binance::answer_open_interest_hist);
  server.Get(std::string(kPrefix) + "/fapi/v1/exchangeInfo",
             with_gzip(with_faults(services.faults, binance_wording(options.weight_limit, clock),
                                   answering_rejections([&clock](const httplib::Request& request,
                                                                 httplib::Response& response) {
                                     binance::answer_futures_exchange_info(request, response, clock);
                                   }))));
  route("/api/v3/ticker/24hr", binance::ticker_24hr_weight,
        [&clock](const httplib::Request& request, httplib::Response& response) {
          binance::answer_ticker_24hr(request, response, clock);
        });
  route("/api/v3/depth", binance::depth_weight,
        [&clock](const httplib::Request& request, httplib::Response& response) {
          binance::answer_depth(request, response, clock);
        });
  route("/api/v3/exchangeInfo", fixed_weight(kExchangeInfoWeight),
        [&clock, weight_limit = options.weight_limit](const httplib::Request& request,
                                                      httplib::Response& response) {
          binance::answer_exchange_info(request, response, clock, weight_limit);
        });
  route("/api/v3/time", fixed_weight(kTimeWeight),
        [&clock](const httplib::Request&, httplib::Response& response) {
          binance::answer_json(response, 200,
                               "{\"serverTime\":" + std::to_string(clock.now_ms()) + "}");
        });
  route("/api/v3/ping", fixed_weight(kPingWeight),
        [](const httplib::Request&, httplib::Response& response) {
          binance::answer_json(response, 200, "{}");
        });
}

}  // namespace exchange_sim
