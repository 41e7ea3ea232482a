#include "bybit.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bybit_kline.h"
#include "bybit_market_info.h"
#include "bybit_perpetuals.h"
#include "bybit_protocol.h"
#include "candle_faults.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/bybit";
constexpr std::int64_t kIpLimitWindowMs = 5'000;

InjectedFailureWording bybit_wording(const SimClock& clock) {
  return {
      .rate_limited =
          [&clock](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            bybit::answer_error(response, 429, bybit::too_many_visits(), clock.now_ms());
          },
      .internal_error =
          [&clock](httplib::Response& response) {
            bybit::answer_error(response, 500, bybit::internal_error(), clock.now_ms());
          },
  };
}

// Bybit's IP limit counts every request to any route; breaking it answers HTTP 403 and shuts the
// client out for the ban's length. No X-Bapi-Limit-* headers: Bybit documents them for its per-UID
// limits, and whether anonymous market-data calls carry them is unknown.
RouteHandler with_ip_limit(std::shared_ptr<RequestCountLimiter> limiter, const SimClock& clock,
                           RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const std::int64_t now_ms = clock.now_ms();
    if (!limiter->admit(now_ms).admitted) {
      bybit::answer_error(response, 403, bybit::too_many_visits(), now_ms);
      return;
    }
    handler(request, response);
  };
}

// Turns the parameter checks' rejections into Bybit's error answers: HTTP 200, retCode != 0.
RouteHandler answering_rejections(const SimClock& clock, RouteHandler handler) {
  return [&clock, handler = std::move(handler)](const httplib::Request& request,
                                                httplib::Response& response) {
    try {
      handler(request, response);
    } catch (const bybit::Rejection& rejection) {
      bybit::answer_error(response, 200, rejection.error(), clock.now_ms());
    }
  };
}

}  // namespace

void register_bybit_routes(httplib::Server& server, const SimServices& services,
                           const BybitOptions& options) {
  auto limiter = std::make_shared<RequestCountLimiter>(
      options.requests_per_window, kIpLimitWindowMs, options.ban_seconds * std::int64_t{1000});
  const SimClock& clock = services.clock;
  // `candles`: the route answers candles, laid out so, and the candle switches apply.
  const auto route = [&](const std::string& path, ClockedAnswer answer,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    server.Get(kPrefix + path, with_gzip(with_ip_limit(
                                   limiter, clock,
                                   with_faults(services.faults, bybit_wording(clock),
                                               answering_rejections(clock, std::move(handler))))));
  };

  route("/v5/market/kline", bybit::answer_kline,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer("/result/list"), 1});
  route("/v5/market/funding/history", bybit::answer_funding_history,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer("/result/list"), 1, false,
                         "fundingRateTimestamp"});
  route("/v5/market/open-interest", bybit::answer_open_interest,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer("/result/list"), 1, false,
                         "timestamp"});
  route("/v5/market/tickers", bybit::answer_tickers);
  route("/v5/market/orderbook", bybit::answer_orderbook);
  route("/v5/market/instruments-info", bybit::answer_instruments_info);
}

}  // namespace exchange_sim
