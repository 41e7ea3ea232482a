#include "kraken.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "candle_faults.h"
#include "kraken_market_data.h"
#include "kraken_protocol.h"
#include "request_count_limiter.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/kraken/0/public/";

// Kraken words its own failures inside HTTP 200 envelopes; an internal error is assumed to come
// as a 500 with the same envelope (docs/exchanges/kraken.md).
InjectedFailureWording kraken_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int) {
            kraken::answer_error(response, kraken::kRateLimitExceeded);
          },
      .internal_error =
          [](httplib::Response& response) {
            kraken::answer_error(response, kraken::kInternalError, 500);
          },
      .banned =
          [](httplib::Response& response, int) {
            kraken::answer_error(response, kraken::kTemporaryLockout);
          },
  };
}

// Every route shares one IP budget; a refusal is a lockout when the limiter locks clients out.
RouteHandler with_ip_limit(std::shared_ptr<RequestCountLimiter> limiter, bool locks_out,
                           const SimClock& clock, RouteHandler handler) {
  return [limiter = std::move(limiter), locks_out, &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    if (!limiter->admit(clock.now_ms()).admitted) {
      kraken::answer_error(response,
                           locks_out ? kraken::kTemporaryLockout : kraken::kTooManyRequests);
      return;
    }
    handler(request, response);
  };
}

// Turns the parameter checks' rejections into Kraken's error answers.
RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const kraken::Rejection& rejection) {
          kraken::answer_error(response, rejection.what());
        }
      };
}

}  // namespace

void register_kraken_routes(httplib::Server& server, const SimServices& services,
                            const KrakenOptions& options) {
  const SimClock& clock = services.clock;
  auto limiter = std::make_shared<RequestCountLimiter>(
      options.requests_per_window, options.window_ms,
      options.lockout_seconds * std::int64_t{1000});
  const bool locks_out = options.lockout_seconds > 0;
  // `candles`: the route answers candles, laid out so, and the candle switches apply.
  const auto route = [&](const std::string& path, ClockedAnswer answer,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    server.Get(kPrefix + path,
               with_gzip(with_ip_limit(limiter, locks_out, clock,
                                       with_faults(services.faults, kraken_wording(),
                                                   answering_rejections(std::move(handler))))));
  };

  route("OHLC", kraken::answer_ohlc,
        CandleRowsLayout{.rows = nlohmann::ordered_json::json_pointer("/result"),
                         .open_time_unit_ms = 1000,
                         .rows_under_first_key = true});
  route("Ticker", kraken::answer_ticker);
  route("Depth", kraken::answer_depth);
  route("AssetPairs", kraken::answer_asset_pairs);
  route("Assets", kraken::answer_assets);
}

}  // namespace exchange_sim
