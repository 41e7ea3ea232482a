#include "bitget.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bitget_protocol.h"
#include "candle_faults.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/bitget";
constexpr std::int64_t kSecondWindowMs = 1'000;

InjectedFailureWording bitget_wording(const SimClock& clock) {
  return {
      .rate_limited =
          [&clock](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            bitget::answer_error(response, bitget::too_many_requests(), clock.now_ms());
          },
      .internal_error =
          [&clock](httplib::Response& response) {
            bitget::answer_error(response, bitget::system_error(), clock.now_ms());
          },
  };
}

// One budget per endpoint ("20 times/1s (IP)" on each page of the docs): past it HTTP 429 until
// the second ends.
RouteHandler with_endpoint_limit(std::shared_ptr<RequestCountLimiter> limiter,
                                 const SimClock& clock, RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    const std::int64_t now_ms = clock.now_ms();
    if (!limiter->admit(now_ms).admitted) {
      bitget::answer_error(response, bitget::too_many_requests(), now_ms);
      return;
    }
    handler(request, response);
  };
}

RouteHandler answering_rejections(const SimClock& clock, RouteHandler handler) {
  return [&clock, handler = std::move(handler)](const httplib::Request& request,
                                                httplib::Response& response) {
    try {
      handler(request, response);
    } catch (const bitget::Rejection& rejection) {
      bitget::answer_error(response, rejection.error(), clock.now_ms());
    }
  };
}

}  // namespace

void register_bitget_routes(httplib::Server& server, const SimServices& services,
                            const BitgetOptions& options) {
  const SimClock& clock = services.clock;
  const auto route = [&](const std::string& path, ClockedAnswer answer, bool candles = false) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) {
      handler = with_candle_faults(
          services.faults, CandleRowsLayout{nlohmann::ordered_json::json_pointer("/data"), 1},
          std::move(handler));
    }
    auto limiter =
        std::make_shared<RequestCountLimiter>(options.requests_per_second, kSecondWindowMs);
    server.Get(kPrefix + path,
               with_gzip(with_endpoint_limit(
                   std::move(limiter), clock,
                   with_faults(services.faults, bitget_wording(clock),
                               answering_rejections(clock, std::move(handler))))));
  };

  route("/api/v2/spot/market/history-candles", bitget::answer_history_candles, true);
  route("/api/v2/spot/market/candles", bitget::answer_candles, true);
  route("/api/v2/spot/market/tickers", bitget::answer_tickers);
  route("/api/v2/spot/market/orderbook", bitget::answer_orderbook);
  route("/api/v2/spot/public/symbols", bitget::answer_symbols);
  route("/api/v2/spot/public/coins", bitget::answer_coins);
  route("/api/v2/margin/currencies", bitget::answer_margin_currencies);
}

}  // namespace exchange_sim
