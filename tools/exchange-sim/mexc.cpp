#include "mexc.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "binance_protocol.h"
#include "candle_faults.h"
#include "mexc_market_data.h"
#include "request_weight_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/mexc";
constexpr std::int64_t kLimitWindowMs = 10'000;

// Request weights from MEXC's spot v3 docs (docs/exchanges/mexc.md).
constexpr int kKlinesWeight = 1;
constexpr int kDepthWeight = 1;
constexpr int kExchangeInfoWeight = 10;
constexpr int kDefaultSymbolsWeight = 1;
constexpr int kTimeWeight = 1;
constexpr int kPingWeight = 1;
constexpr int kContractDetailWeight = 1;

using RequestWeight = std::function<int(const httplib::Request&)>;

RequestWeight fixed_weight(int weight) {
  return [weight](const httplib::Request&) { return weight; };
}

// MEXC's over-limit answer: "code 429: Too many requests" (docs/exchanges/mexc.md).
binance::ApiError too_many_requests() { return {429, 429, "Too many requests"}; }

InjectedFailureWording mexc_wording(const SimClock& clock) {
  return {
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            binance::answer_error(response, too_many_requests());
          },
      .internal_error =
          [](httplib::Response& response) {
            binance::answer_error(response, binance::internal_error());
          },
      .banned =
          [&clock](httplib::Response& response, int ban_s) {
            response.set_header("Retry-After", std::to_string(ban_s));
            binance::answer_error(response, binance::banned_until(clock.now_ms() +
                                                                  ban_s * std::int64_t{1000}));
          },
  };
}

// Charges the request's weight to the endpoint's current 10 s window (each IP-limited endpoint
// has its own budget). MEXC reports no used weight in its headers: over the limit the answer is
// 429 with Retry-After, and persisting earns a 418 ban.
RouteHandler with_weight(std::shared_ptr<RequestWeightLimiter> limiter, const SimClock& clock,
                         RequestWeight weight, RouteHandler handler) {
  return
      [limiter = std::move(limiter), &clock, weight = std::move(weight),
       handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        const auto verdict = limiter->admit(weight(request), clock.now_ms());
        switch (verdict.outcome) {
          case RequestWeightLimiter::Outcome::kAdmitted:
            handler(request, response);
            return;
          case RequestWeightLimiter::Outcome::kLimited:
            response.set_header("Retry-After", std::to_string(verdict.retry_after_s));
            binance::answer_error(response, too_many_requests());
            return;
          case RequestWeightLimiter::Outcome::kBanned:
            response.set_header("Retry-After", std::to_string(verdict.retry_after_s));
            binance::answer_error(response, binance::banned_until(verdict.banned_until_ms));
            return;
        }
      };
}

// Turns the parameter checks' rejections into MEXC's (Binance's) {code, msg} answers.
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

void register_mexc_routes(httplib::Server& server, const SimServices& services,
                          const MexcOptions& options) {
  const SimClock& clock = services.clock;
  const auto route = [&](const std::string& path, RequestWeight weight, ClockedAnswer answer,
                         bool candles = false) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) {
      handler = with_candle_faults(services.faults, {nlohmann::ordered_json::json_pointer(""), 1},
                                   std::move(handler));
    }
    auto limiter = std::make_shared<RequestWeightLimiter>(
        options.weight_limit, std::chrono::seconds(options.ban_seconds), kLimitWindowMs);
    server.Get(kPrefix + path,
               with_gzip(with_weight(std::move(limiter), clock, std::move(weight),
                                     with_faults(services.faults, mexc_wording(clock),
                                                 answering_rejections(std::move(handler))))));
  };

  route("/api/v3/klines", fixed_weight(kKlinesWeight), mexc::answer_klines, true);
  route("/api/v3/ticker/24hr", mexc::ticker_24hr_weight, mexc::answer_ticker_24hr);
  route("/api/v3/depth", fixed_weight(kDepthWeight), mexc::answer_depth);
  route("/api/v3/exchangeInfo", fixed_weight(kExchangeInfoWeight), mexc::answer_exchange_info);
  route("/api/v3/defaultSymbols", fixed_weight(kDefaultSymbolsWeight),
        mexc::answer_default_symbols);
  route("/api/v3/time", fixed_weight(kTimeWeight),
        [](const httplib::Request&, httplib::Response& response, const SimClock& clock) {
          binance::answer_json(response, 200,
                               "{\"serverTime\":" + std::to_string(clock.now_ms()) + "}");
        });
  route("/api/v3/ping", fixed_weight(kPingWeight),
        [](const httplib::Request&, httplib::Response& response, const SimClock&) {
          binance::answer_json(response, 200, "{}");
        });
  route("/api/v1/contract/detail", fixed_weight(kContractDetailWeight),
        mexc::answer_contract_detail);
}

}  // namespace exchange_sim
