#include "okx.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "candle_faults.h"
#include "okx_candles.h"
#include "okx_market_info.h"
#include "okx_protocol.h"
#include "okx_trades.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/okx";
constexpr std::int64_t kLimitWindowMs = 2'000;

// OKX sends no Retry-After with its 429 (its windows are 2 s): the wording leaves it out too.
InjectedFailureWording okx_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int) {
            okx::answer_error(response, 429, okx::too_many_requests());
          },
      .internal_error =
          [](httplib::Response& response) {
            okx::answer_error(response, 500, okx::system_error());
          },
  };
}

// OKX counts requests per endpoint and IP in 2 s windows; over the budget it answers HTTP 429
// with code 50011 until the window ends. No rate-limit headers on public endpoints, no ban.
RouteHandler with_endpoint_limit(std::shared_ptr<RequestCountLimiter> limiter,
                                 const SimClock& clock, RouteHandler handler) {
  return [limiter = std::move(limiter), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    if (!limiter->admit(clock.now_ms()).admitted) {
      okx::answer_error(response, 429, okx::too_many_requests());
      return;
    }
    handler(request, response);
  };
}

// Turns the parameter checks' rejections into OKX's error answers: HTTP 200, code != "0".
RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const okx::Rejection& rejection) {
          okx::answer_error(response, 200, rejection.error());
        }
      };
}

}  // namespace

void register_okx_routes(httplib::Server& server, const SimServices& services,
                         const OkxOptions& options) {
  const SimClock& clock = services.clock;
  // `budget`: requests per 2 s; `candles`: the route answers candles and the candle switches
  // apply.
  const auto route = [&](const std::string& path, ClockedAnswer answer, int budget,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    auto limiter = std::make_shared<RequestCountLimiter>(budget, kLimitWindowMs);
    server.Get(kPrefix + path,
               with_gzip(with_endpoint_limit(
                   std::move(limiter), clock,
                   with_faults(services.faults, okx_wording(),
                               answering_rejections(std::move(handler))))));
  };

  const CandleRowsLayout rows{nlohmann::ordered_json::json_pointer("/data"), 1};
  route("/api/v5/market/candles", okx::answer_candles, 40, rows);
  route("/api/v5/market/history-candles", okx::answer_history_candles,
        options.history_candles_per_window, rows);
  route("/api/v5/market/history-trades", okx::answer_history_trades, 20,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer("/data"), 1, false, "ts"});
  route("/api/v5/market/tickers", okx::answer_tickers, 20);
  route("/api/v5/market/ticker", okx::answer_ticker, 20);
  route("/api/v5/market/books", okx::answer_books, 40);
  route("/api/v5/market/books-full", okx::answer_books_full, 10);
  route("/api/v5/public/instruments", okx::answer_instruments, 20);
  route("/api/v5/public/time", okx::answer_time, 10);
}

}  // namespace exchange_sim
