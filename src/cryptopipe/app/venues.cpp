#include "cryptopipe/app/venues.h"

#include <iostream>
#include <memory>

#include "cryptopipe/app/cli.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/net/rate_limiter.h"

namespace cryptopipe::app {
namespace {

// The page size is the client's own answer (Exchange::max_ohlcv_limit), read from a client
// that never sends anything.
int candles_per_request(const exchanges::ExchangeDescriptor& venue) {
  static SystemClock clock;
  static net::RateLimiter limiter(1, std::chrono::seconds(1), clock);
  static Logger logger("exchanges", LogFormat::kJson, LogLevel::kError);
  const std::unique_ptr<exchanges::Exchange> client =
      venue.create(std::make_unique<exchanges::RestSession>(
          std::string(venue.name), exchanges::RestSettings{.base_url = "http://127.0.0.1:9"},
          limiter, clock, logger));
  return client->max_ohlcv_limit();
}

std::string history_text(int candles) {
  return candles == 0 ? "whole history"
                      : "the " + std::to_string(candles) + " most recent candles per timeframe";
}

// What the venue's archives hold that the engine reads.
nlohmann::ordered_json archive_datasets(const exchanges::ExchangeDescriptor& venue) {
  nlohmann::ordered_json datasets = nlohmann::ordered_json::array();
  if (venue.kline_archives) datasets.push_back("ohlcv");
  if (venue.create_trades_archive != nullptr) datasets.push_back("trades");
  return datasets;
}

}  // namespace

nlohmann::ordered_json venues_json(const std::set<std::string>& configured) {
  nlohmann::ordered_json venues = nlohmann::ordered_json::array();
  for (const exchanges::ExchangeDescriptor& venue : exchanges::exchange_registry()) {
    nlohmann::ordered_json datasets = {"ohlcv", "tickers", "orderbook"};
    if (exchanges::offers_trades(venue)) datasets.push_back("trades");
    if (venue.perpetuals) {
      datasets.push_back("funding");
      datasets.push_back("open_interest");
    }
    nlohmann::ordered_json timeframes = nlohmann::ordered_json::object();
    for (const Timeframe& timeframe : Timeframe::all()) {
      if (const auto token = venue.interval_token(timeframe)) {
        timeframes[std::string(timeframe.name())] = std::string(*token);
      }
    }
    venues.push_back(
        {{"name", venue.name},
         {"title", venue.title},
         {"default_base_url", venue.default_base_url},
         {"configured", configured.contains(std::string(venue.name))},
         {"datasets", datasets},
         {"archive_url", venue.default_archive_url.empty()
                             ? nlohmann::ordered_json(nullptr)
                             : nlohmann::ordered_json(venue.default_archive_url)},
         {"archive_datasets", archive_datasets(venue)},
         {"futures_url", !venue.perpetuals ? nlohmann::ordered_json(nullptr)
                         : venue.default_futures_url.empty()
                             ? nlohmann::ordered_json(venue.default_base_url)
                             : nlohmann::ordered_json(venue.default_futures_url)},
         {"open_interest_history_days", venue.open_interest_history_days},
         {"timeframes", timeframes},
         {"max_depth", venue.max_depth},
         {"candles_per_request", candles_per_request(venue)},
         {"ohlcv_history_candles", venue.ohlcv_history_candles},
         {"rate_limit", {{"capacity", venue.rate_capacity},
                         {"window_ms", venue.rate_window.count()}}}});
  }
  return venues;
}

int run_exchanges(const std::set<std::string>& configured, bool as_json) {
  const nlohmann::ordered_json venues = venues_json(configured);
  if (as_json) {
    std::cout << venues.dump(2) << "\n";
    return kExitOk;
  }
  for (const nlohmann::ordered_json& venue : venues) {
    std::string timeframes;
    for (const auto& [canonical, token] : venue.at("timeframes").items()) {
      timeframes += (timeframes.empty() ? "" : " ") + canonical;
    }
    std::string datasets;
    for (const nlohmann::ordered_json& dataset : venue.at("datasets")) {
      datasets += (datasets.empty() ? "" : ", ") + dataset.get<std::string>();
    }
    std::cout << venue.at("name").get<std::string>()
              << (venue.at("configured").get<bool>() ? "  (configured)" : "") << "\n    "
              << venue.at("title").get<std::string>() << ", "
              << venue.at("default_base_url").get<std::string>()
              << "\n    datasets: " << datasets << "\n    timeframes: " << timeframes
              << "\n    order books: 1 to " << venue.at("max_depth").get<int>()
              << " levels a side\n    candles: " << venue.at("candles_per_request").get<int>()
              << " per request, " << history_text(venue.at("ohlcv_history_candles").get<int>());
    if (!venue.at("archive_url").is_null()) {
      std::string held;
      for (const nlohmann::ordered_json& dataset : venue.at("archive_datasets")) {
        held += (held.empty() ? "" : " and ") + dataset.get<std::string>();
      }
      std::cout << "\n    archives: " << held << " of finished days from "
                << venue.at("archive_url").get<std::string>();
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace cryptopipe::app
