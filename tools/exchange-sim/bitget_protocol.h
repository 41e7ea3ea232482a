// How Bitget's v2 REST API talks: its envelope, its error codes and its parameter rules, and the
// answers of the spot market endpoints.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "sim_clock.h"

namespace exchange_sim::bitget {

struct ApiError {
  int http_status;
  std::string code;
  std::string msg;
};

// Thrown by the parameter checks; the route turns it into Bitget's error answer (HTTP 400).
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error) : std::runtime_error(error.msg), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

ApiError too_many_requests();  // HTTP 429, code "429"
ApiError system_error();       // HTTP 500, code "40015"

// {"code":..,"msg":..,"requestTime":now_ms,"data":null} with the error's HTTP status.
void answer_error(httplib::Response& response, const ApiError& error, std::int64_t now_ms);

// GET /api/v2/spot/market/history-candles: symbol, granularity, endTime (required: the candles
// opening before it), limit 1..200 (100); rows oldest first.
void answer_history_candles(const httplib::Request& request, httplib::Response& response,
                            const SimClock& clock);
// GET /api/v2/spot/market/candles: symbol, granularity, startTime, endTime, limit 1..1000 (100),
// reaching back as far as the granularity's cap (1min: a month); rows oldest first.
void answer_candles(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);
// GET /api/v2/spot/market/tickers: one symbol, or every market without it.
void answer_tickers(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);
// GET /api/v2/spot/market/orderbook: symbol, type step0..step5 (only step0 unmerged is served),
// limit 1..150 (100).
void answer_orderbook(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock);
// GET /api/v2/spot/public/symbols and /api/v2/spot/public/coins, what ccxt's fetchMarkets and
// fetchCurrencies read for spot.
void answer_symbols(const httplib::Request& request, httplib::Response& response,
                    const SimClock& clock);
void answer_coins(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);
// GET /api/v2/margin/currencies, which ccxt's fetchMarkets asks beside the spot symbols to mark
// margin pairs: the simulator has none, an empty list.
void answer_margin_currencies(const httplib::Request& request, httplib::Response& response,
                              const SimClock& clock);

}  // namespace exchange_sim::bitget
