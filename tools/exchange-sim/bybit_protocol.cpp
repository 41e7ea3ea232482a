#include "bybit_protocol.h"

#include <algorithm>
#include <charconv>

namespace exchange_sim::bybit {
namespace {

using nlohmann::ordered_json;  // keeps Bybit's field order

constexpr int kParamsError = 10001;
constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64

std::string envelope(int ret_code, const std::string& ret_msg, const ordered_json& result,
                     std::int64_t now_ms) {
  return ordered_json{{"retCode", ret_code},
                      {"retMsg", ret_msg},
                      {"result", result},
                      {"retExtInfo", ordered_json::object()},
                      {"time", now_ms}}
      .dump();
}

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json; charset=utf-8");
}

}  // namespace

ApiError params_error(const std::string& detail) {
  return {kParamsError, "params error: " + detail};
}

ApiError not_supported_symbols() { return {kParamsError, "Not supported symbols"}; }

ApiError too_many_visits() { return {10006, "Too many visits!"}; }

ApiError internal_error() { return {10016, "Internal system error."}; }

void answer_result(httplib::Response& response, const ordered_json& result, std::int64_t now_ms) {
  answer_json(response, 200, envelope(0, "OK", result, now_ms));
}

void answer_error(httplib::Response& response, int http_status, const ApiError& error,
                  std::int64_t now_ms) {
  answer_json(response, http_status,
              envelope(error.ret_code, error.ret_msg, ordered_json::object(), now_ms));
}

void require_spot_category(const httplib::Request& request) {
  const std::string category = request.get_param_value("category");
  if (category.empty()) {
    throw Rejection(params_error("category is required"));
  }
  if (category != "spot") {
    throw Rejection(params_error("unsupported category"));
  }
}

const Market& listed_market(const httplib::Request& request) {
  const std::string symbol = request.get_param_value("symbol");
  if (symbol.empty()) {
    throw Rejection(params_error("symbol is required"));
  }
  // Bybit's symbols are upper case only; "btcusdt" names nothing.
  const Market* market = find_market(symbol);
  if (market == nullptr) {
    throw Rejection(not_supported_symbols());
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
    throw Rejection(params_error("invalid " + name));
  }
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::size_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                        std::int64_t max_limit) {
  const std::int64_t limit = optional_unsigned_param(request, "limit").value_or(default_limit);
  if (limit < 1 || limit > max_limit) {
    throw Rejection(params_error("invalid limit"));
  }
  return static_cast<std::size_t>(limit);
}

}  // namespace exchange_sim::bybit
