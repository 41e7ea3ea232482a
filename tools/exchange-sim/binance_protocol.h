// How Binance's spot REST API talks: its error bodies, its content type and its parameter rules.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "markets.h"

namespace exchange_sim::binance {

// The simulator listens on loopback only, so every client is this address.
inline constexpr const char* kClientIp = "127.0.0.1";

struct ApiError {
  int http_status;
  int code;
  std::string msg;
};

// Thrown by the parameter checks below; route handlers turn it into Binance's error answer.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error) : std::runtime_error(error.msg), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

ApiError invalid_symbol();
ApiError invalid_interval();
ApiError too_many_requests(int weight_limit);
ApiError banned_until(std::int64_t until_ms);
ApiError internal_error();

// Sets status and a compact JSON body with Binance's content type.
void answer_json(httplib::Response& response, int status, std::string body);
void answer_error(httplib::Response& response, const ApiError& error);

// The parameter checks throw Rejection with the code Binance uses.
std::string required_param(const httplib::Request& request, const std::string& name);
// An absent parameter is nullopt; anything but 1 to 20 digits fitting in int64 is -1100.
std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name);
// A well-formed symbol (-1100 otherwise) that the simulator lists (-1121 otherwise).
const Market& listed_market(const std::string& symbol, const std::string& param_name);
// `limit`, `default_limit` when absent; larger values are clamped to max_limit as Binance does.
// Zero or a negative integer is -1130; text that is not an integer at all is -1100.
std::size_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                        std::int64_t max_limit);
// The markets named by `symbol` or by `symbols` (a JSON array), in the order asked; every market
// when neither is sent. Both at once is -1128.
std::vector<const Market*> requested_markets(const httplib::Request& request);

}  // namespace exchange_sim::binance
