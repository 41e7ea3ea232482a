#include "gate_protocol.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace exchange_sim::gate {
namespace {

constexpr int kBadRequest = 400;
constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64

}  // namespace

ApiError invalid_param_value(const std::string& message) {
  return {kBadRequest, "INVALID_PARAM_VALUE", message};
}

ApiError too_many_requests() { return {429, "TOO_MANY_REQUESTS", "Request Rate limit Exceeded"}; }

ApiError server_error() { return {500, "SERVER_ERROR", "Internal server error"}; }

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json; charset=utf-8");
}

void answer_error(httplib::Response& response, const ApiError& error) {
  // ordered_json keeps Gate's field order: label first, then message.
  answer_json(response, error.http_status,
              nlohmann::ordered_json{{"label", error.label}, {"message", error.message}}.dump());
}

std::string pair_name(const Market& market) {
  return std::string(market.base_asset) + "_" + std::string(market.quote_asset);
}

const Market& listed_pair(const httplib::Request& request) {
  const std::string pair = request.get_param_value("currency_pair");
  if (pair.empty()) {
    throw Rejection(
        {kBadRequest, "MISSING_REQUIRED_PARAM", "Missing required parameter: currency_pair"});
  }
  const auto separator = pair.find('_');
  const Market* market = separator == std::string::npos
                             ? nullptr
                             : find_market(pair.substr(0, separator) + pair.substr(separator + 1));
  // The base must match too, or "BT_CUSDT" would pass for BTC_USDT.
  if (market == nullptr || pair != pair_name(*market)) {
    throw Rejection({kBadRequest, "INVALID_CURRENCY_PAIR", "Invalid currency pair " + pair});
  }
  return *market;
}

std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name) {
  if (!request.has_param(name)) {
    return std::nullopt;
  }
  const std::string text = request.get_param_value(name);
  std::int64_t value = 0;
  const bool only_digits = !text.empty() && text.size() <= kMaxDigits &&
                           std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits) {
    throw Rejection(invalid_param_value("Invalid " + name + ": " + text));
  }
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::int64_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                         std::int64_t max_limit) {
  const std::int64_t limit = optional_unsigned_param(request, "limit").value_or(default_limit);
  if (limit < 1 || limit > max_limit) {
    throw Rejection(
        invalid_param_value("limit must be between 1 and " + std::to_string(max_limit)));
  }
  return limit;
}

}  // namespace exchange_sim::gate
