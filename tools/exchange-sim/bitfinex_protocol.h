// How Bitfinex's API v2 talks: its error arrays, its pair and currency ids, its parameter rules.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "markets.h"

namespace exchange_sim::bitfinex {

// ["error", code, "message"] with an HTTP status: Bitfinex answers its errors 500.
struct ApiError {
  int http_status;
  int code;
  std::string message;
};

// Thrown by the parameter checks below; route handlers turn it into Bitfinex's error answer.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

// HTTP 500 ["error", 10020, "<what>: invalid"], the answer to any invalid parameter.
ApiError invalid(const std::string& what);
ApiError unknown_error();  // HTTP 500 ["error", 10000, "unknown error"]

// Sets status and a compact JSON body (the charset keeps httplib from gzipping it twice).
void answer_json(httplib::Response& response, int status, std::string body);
void answer_error(httplib::Response& response, const ApiError& error);
// HTTP 429 {"error":"ERR_RATE_LIMIT"}, the answer of the limiter in front of the API.
void answer_rate_limited(httplib::Response& response);

// Bitfinex's code of a simulated asset: USDT is UST and ATOM is ATO, as on Bitfinex.
std::string currency_id(std::string_view asset);
// "BTCUST", "DOGE:UST": the pair as the conf lists give it (no "t").
std::string pair_id(const Market& market);
// The market of a trading symbol ("tBTCUST"); nullptr when none is.
const Market* find_trading_symbol(std::string_view symbol);
// An absent parameter is nullopt; anything but an optional '-' and 1 to 18 digits is 10020
// "<name>: invalid".
std::optional<std::int64_t> optional_int_param(const httplib::Request& request,
                                               const std::string& name);

}  // namespace exchange_sim::bitfinex
