// How Coinbase Exchange's public REST API talks: its {"message"} error bodies, its product ids,
// its ISO 8601 times and its parameter rules.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "markets.h"

namespace exchange_sim::coinbase {

struct ApiError {
  int http_status;
  std::string message;
};

// Thrown by the parameter checks below; route handlers turn it into Coinbase's error answer.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

ApiError bad_request(const std::string& message);  // HTTP 400
ApiError not_found();                              // HTTP 404 {"message":"NotFound"}
ApiError rate_limit_exceeded();                    // HTTP 429
ApiError internal_error();                         // HTTP 500

// Sets status and a compact JSON body (the charset: see gate_protocol.h's answer_json).
void answer_json(httplib::Response& response, int status, std::string body);
// {"message":"..."} with the error's status.
void answer_error(httplib::Response& response, const ApiError& error);

// "BTC-USDT", the id Coinbase gives a product.
std::string product_id(const Market& market);
// The product of the route's first path capture; NotFound when it is not listed.
const Market& listed_product(const httplib::Request& request);

// 2024-03-13T11:10:41.270099Z: microseconds, as Coinbase stamps tickers and books.
std::string iso_time_us(std::int64_t ms);
// A time parameter: ISO 8601 (YYYY-MM-DDTHH:MM:SS, optional fraction, optional Z or +00:00)
// or Unix seconds, as milliseconds; nullopt for anything else.
std::optional<std::int64_t> parse_time(const std::string& text);

}  // namespace exchange_sim::coinbase
