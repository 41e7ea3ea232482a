// How Gate.io's API v4 talks: its error bodies, its currency pairs and its parameter rules.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "markets.h"

namespace exchange_sim::gate {

struct ApiError {
  int http_status;
  std::string label;
  std::string message;
};

// Thrown by the parameter checks below; route handlers turn it into Gate's error answer.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error)
      : std::runtime_error(error.message), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

// HTTP 400 INVALID_PARAM_VALUE with the given message.
ApiError invalid_param_value(const std::string& message);
ApiError too_many_requests();
ApiError server_error();

// Sets status and a compact JSON body. The charset keeps httplib 0.11 from gzipping the body a
// second time (it compresses a bare "application/json" on its own; see response_encoding.h).
void answer_json(httplib::Response& response, int status, std::string body);
// {"label":"...","message":"..."} with the error's status.
void answer_error(httplib::Response& response, const ApiError& error);

// "BTC_USDT", the name Gate gives a market.
std::string pair_name(const Market& market);
// `currency_pair`: required (MISSING_REQUIRED_PARAM) and listed (INVALID_CURRENCY_PAIR).
const Market& listed_pair(const httplib::Request& request);
// An absent parameter is nullopt; anything but 1 to 18 digits is INVALID_PARAM_VALUE.
std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name);
// `limit` within [1, max_limit], `default_limit` when absent; INVALID_PARAM_VALUE otherwise.
std::int64_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                         std::int64_t max_limit);

}  // namespace exchange_sim::gate
