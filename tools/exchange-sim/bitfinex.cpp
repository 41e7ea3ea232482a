#include "bitfinex.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "bitfinex_candles.h"
#include "bitfinex_market_info.h"
#include "bitfinex_protocol.h"
#include "candle_faults.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/bitfinex";
constexpr std::int64_t kLimitWindowMs = 60'000;

InjectedFailureWording bitfinex_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            bitfinex::answer_rate_limited(response);
          },
      .internal_error =
          [](httplib::Response& response) {
            bitfinex::answer_error(response, bitfinex::unknown_error());
          },
  };
}

// Bitfinex limits each endpoint per minute and IP and sends no rate-limit headers; the first
// request over a limit blocks the IP on that endpoint for the block's length, answered 429
// {"error":"ERR_RATE_LIMIT"} without Retry-After.
RouteHandler with_endpoint_limit(std::shared_ptr<RequestCountLimiter> limiter,
                                 const SimClock& clock, RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    if (!limiter->admit(clock.now_ms()).admitted) {
      bitfinex::answer_rate_limited(response);
      return;
    }
    handler(request, response);
  };
}

RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const bitfinex::Rejection& rejection) {
          bitfinex::answer_error(response, rejection.error());
        }
      };
}

}  // namespace

void register_bitfinex_routes(httplib::Server& server, const SimServices& services,
                              const BitfinexOptions& options) {
  const SimClock& clock = services.clock;
  const auto route = [&](const std::string& pattern, ClockedAnswer answer, int per_minute,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    auto limiter = std::make_shared<RequestCountLimiter>(
        per_minute, kLimitWindowMs, options.block_seconds * std::int64_t{1000});
    server.Get(kPrefix + pattern,
               with_gzip(with_endpoint_limit(
                   std::move(limiter), clock,
                   with_faults(services.faults, bitfinex_wording(),
                               answering_rejections(std::move(handler))))));
  };

  route(R"(/v2/candles/(trade:[^/]+)/(hist|last))", bitfinex::answer_candles,
        options.candle_requests_per_minute,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1});
  route("/v2/tickers", bitfinex::answer_tickers, options.requests_per_minute);
  route(R"(/v2/ticker/([^/]+))", bitfinex::answer_ticker, options.requests_per_minute);
  route(R"(/v2/book/([^/]+)/([^/]+))", bitfinex::answer_book, options.book_requests_per_minute);
  route(R"(/v2/conf/([^/]+))", bitfinex::answer_conf, options.requests_per_minute);
}

}  // namespace exchange_sim
