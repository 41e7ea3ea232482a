#include "gate.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "candle_faults.h"
#include "gate_candlesticks.h"
#include "gate_market_info.h"
#include "gate_perpetuals.h"
#include "gate_protocol.h"
#include "gate_trades.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/gateio";
constexpr std::int64_t kLimitWindowMs = 10'000;

InjectedFailureWording gate_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            gate::answer_error(response, gate::too_many_requests());
          },
      .internal_error =
          [](httplib::Response& response) { gate::answer_error(response, gate::server_error()); },
  };
}

// Gate counts requests per endpoint in 10 s windows and reports the budget in X-Gate-RateLimit-*
// headers on every answer; the reset time is taken to be in milliseconds. Over the limit the
// answer is 429 TOO_MANY_REQUESTS, without Retry-After (Gate documents none).
RouteHandler with_endpoint_limit(std::shared_ptr<RequestCountLimiter> limiter,
                                 const SimClock& clock, RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const auto verdict = limiter->admit(clock.now_ms());
    response.set_header("X-Gate-RateLimit-Requests-Remain", std::to_string(verdict.remaining));
    response.set_header("X-Gate-RateLimit-Limit", std::to_string(limiter->limit()));
    response.set_header("X-Gate-RateLimit-Reset-Timestamp",
                        std::to_string(verdict.window_reset_ms));
    if (!verdict.admitted) {
      gate::answer_error(response, gate::too_many_requests());
      return;
    }
    handler(request, response);
  };
}

// Turns the parameter checks' rejections into Gate's error answers.
RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const gate::Rejection& rejection) {
          gate::answer_error(response, rejection.error());
        }
      };
}

}  // namespace

void register_gate_routes(httplib::Server& server, const SimServices& services,
                          const GateOptions& options) {
  const SimClock& clock = services.clock;
  // `candles`: the route answers candles, laid out so, and the candle switches apply.
  const auto route = [&](const std::string& path, ClockedAnswer answer,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    auto limiter =
        std::make_shared<RequestCountLimiter>(options.requests_per_window, kLimitWindowMs);
    server.Get(kPrefix + path, with_gzip(with_endpoint_limit(
                                   std::move(limiter), clock,
                                   with_faults(services.faults, gate_wording(),
                                               answering_rejections(std::move(handler))))));
  };

  route("/spot/candlesticks", gate::answer_candlesticks,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1000});
  route("/spot/trades", gate::answer_trades,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1, false, "create_time_ms"});
  route("/futures/usdt/funding_rate", gate::answer_funding_rate,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1000, false, "t"});
  route("/futures/usdt/contract_stats", gate::answer_contract_stats,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1000, false, "time"});
  route(R"(/futures/usdt/contracts/([A-Za-z0-9_]+))", gate::answer_contract);
  route("/futures/usdt/contracts", gate::answer_contracts);
  route("/spot/tickers", gate::answer_tickers);
  route("/spot/order_book", gate::answer_order_book);
  route("/spot/currency_pairs", gate::answer_currency_pairs);
}

}  // namespace exchange_sim
