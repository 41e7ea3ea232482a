// How Bybit's v5 REST API talks: its envelope, its error codes and its parameter rules.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>

#include "markets.h"

namespace exchange_sim::bybit {

struct ApiError {
  int ret_code;
  std::string ret_msg;
};

// Thrown by the parameter checks below; route handlers turn it into Bybit's error answer, which
// comes with HTTP 200 like every business error on Bybit.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error)
      : std::runtime_error(error.ret_msg), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

// retCode 10001, "params error: <detail>".
ApiError params_error(const std::string& detail);
ApiError not_supported_symbols();
ApiError too_many_visits();
ApiError internal_error();

// {"retCode":0,"retMsg":"OK","result":<result>,"retExtInfo":{},"time":<now_ms>}.
void answer_result(httplib::Response& response, const nlohmann::ordered_json& result,
                   std::int64_t now_ms);
// The same envelope with the error's code and message and an empty result.
void answer_error(httplib::Response& response, int http_status, const ApiError& error,
                  std::int64_t now_ms);

// The simulator serves spot only. Bybit itself falls back to `linear` (perpetuals) when the
// parameter is missing; refusing instead makes a client that forgot it fail loudly.
void require_spot_category(const httplib::Request& request);
// `symbol`: required, upper case, and listed ("Not supported symbols" otherwise).
const Market& listed_market(const httplib::Request& request);
// An absent parameter is nullopt; anything but 1 to 18 digits is a params error.
std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name);
// `limit` within [1, max_limit], `default_limit` when absent.
std::size_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                        std::int64_t max_limit);

}  // namespace exchange_sim::bybit
