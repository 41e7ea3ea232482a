#include "coinbase.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include "candle_faults.h"
#include "coinbase_candles.h"
#include "coinbase_market_info.h"
#include "coinbase_protocol.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/coinbase";
// A product id in a path: the first capture, read by coinbase::listed_product.
constexpr const char* kProduct = "/products/([^/]+)";

InjectedFailureWording coinbase_wording() {
  return {
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            coinbase::answer_error(response, coinbase::rate_limit_exceeded());
          },
      .internal_error =
          [](httplib::Response& response) {
            coinbase::answer_error(response, coinbase::internal_error());
          },
  };
}

// Coinbase's public budget: a token bucket per IP over every endpoint ("10 requests per second,
// up to 15 in bursts"). Its answers carry no rate-limit headers; over the limit the answer is
// 429 {"message":"Public rate limit exceeded"}.
class TokenBucket {
 public:
  TokenBucket(int per_second, int burst) : per_second_(per_second), burst_(burst), tokens_(burst) {}

  bool admit(std::int64_t now_ms) {
    std::lock_guard lock(mutex_);
    if (last_ms_ >= 0 && now_ms > last_ms_) {
      tokens_ = std::min<double>(burst_, tokens_ + (now_ms - last_ms_) * per_second_ / 1000.0);
    }
    last_ms_ = std::max(last_ms_, now_ms);
    if (tokens_ < 1) return false;
    tokens_ -= 1;
    return true;
  }

 private:
  const int per_second_;
  const int burst_;
  std::mutex mutex_;
  double tokens_;
  std::int64_t last_ms_ = -1;
};

RouteHandler with_ip_limit(std::shared_ptr<TokenBucket> bucket, const SimClock& clock,
                           RouteHandler handler) {
  return [bucket = std::move(bucket), &clock, handler = std::move(handler)](
             const httplib::Request& request, httplib::Response& response) {
    if (!bucket->admit(clock.now_ms())) {
      coinbase::answer_error(response, coinbase::rate_limit_exceeded());
      return;
    }
    handler(request, response);
  };
}

// Turns the parameter checks' rejections into Coinbase's error answers.
RouteHandler answering_rejections(RouteHandler handler) {
  return
      [handler = std::move(handler)](const httplib::Request& request, httplib::Response& response) {
        try {
          handler(request, response);
        } catch (const coinbase::Rejection& rejection) {
          coinbase::answer_error(response, rejection.error());
        }
      };
}

}  // namespace

void register_coinbase_routes(httplib::Server& server, const SimServices& services,
                              const CoinbaseOptions& options) {
  const SimClock& clock = services.clock;
  auto bucket = std::make_shared<TokenBucket>(options.requests_per_second, options.burst);
  // `candles`: the route answers candles, laid out so, and the candle switches apply.
  const auto route = [&](const std::string& path, ClockedAnswer answer,
                         std::optional<CandleRowsLayout> candles = std::nullopt) {
    RouteHandler handler = [answer, &clock](const httplib::Request& request,
                                            httplib::Response& response) {
      answer(request, response, clock);
    };
    if (candles) handler = with_candle_faults(services.faults, *candles, std::move(handler));
    server.Get(kPrefix + path,
               with_gzip(with_ip_limit(bucket, clock,
                                       with_faults(services.faults, coinbase_wording(),
                                                   answering_rejections(std::move(handler))))));
  };

  route(std::string(kProduct) + "/candles", coinbase::answer_candles,
        CandleRowsLayout{nlohmann::ordered_json::json_pointer(""), 1000});
  route("/products/stats", coinbase::answer_all_stats);
  route("/products/spark-lines", coinbase::answer_spark_lines);
  route(std::string(kProduct) + "/stats", coinbase::answer_product_stats);
  route(std::string(kProduct) + "/ticker", coinbase::answer_ticker);
  route(std::string(kProduct) + "/book", coinbase::answer_book);
  route("/products", coinbase::answer_products);
  route("/currencies", coinbase::answer_currencies);
}

}  // namespace exchange_sim
