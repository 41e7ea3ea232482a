// How OKX's v5 REST API talks: its {code, msg, data} envelope, its error codes and its
// parameter rules.
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

namespace exchange_sim::okx {

struct ApiError {
  std::string code;  // a string on the wire: "51001"
  std::string msg;
};

// Thrown by the parameter checks below; route handlers turn it into OKX's error answer, which
// comes with HTTP 200 like every business error of OKX's market endpoints.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(ApiError error) : std::runtime_error(error.msg), error_(std::move(error)) {}
  const ApiError& error() const { return error_; }

 private:
  ApiError error_;
};

ApiError parameter_empty(const std::string& name);  // 50014
ApiError parameter_error(const std::string& name);  // 51000
ApiError instrument_missing();                     // 51001
ApiError too_many_requests();                       // 50011, sent with HTTP 429
ApiError system_error();                            // 50026

// {"code":"0","msg":"","data":<data>}.
void answer_data(httplib::Response& response, const nlohmann::ordered_json& data);
// {"code":<code>,"data":[],"msg":<msg>} with the given HTTP status.
void answer_error(httplib::Response& response, int http_status, const ApiError& error);

// instId, BASE-QUOTE in upper case: required, and listed ("Instrument ID does not exist").
const Market& listed_instrument(const httplib::Request& request);
// The instrument id of a market: BTC-USDT.
std::string instrument_id(const Market& market);
// instType: required; SPOT, MARGIN, SWAP, FUTURES or OPTION. True for SPOT, the only type the
// simulator lists anything of.
bool spot_requested(const httplib::Request& request);
// An absent parameter is nullopt; anything but 1 to 18 digits is a parameter error.
std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name);
// `name` within [1, max_value], `default_value` when absent.
std::size_t bounded_param(const httplib::Request& request, const std::string& name,
                          std::int64_t default_value, std::int64_t max_value);

}  // namespace exchange_sim::okx
