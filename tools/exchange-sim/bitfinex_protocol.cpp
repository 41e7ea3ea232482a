#include "bitfinex_protocol.h"

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>

namespace exchange_sim::bitfinex {
namespace {

constexpr int kServerError = 500;
constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64

}  // namespace

ApiError invalid(const std::string& what) { return {kServerError, 10020, what + ": invalid"}; }

ApiError unknown_error() { return {kServerError, 10000, "unknown error"}; }

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json; charset=utf-8");
}

void answer_error(httplib::Response& response, const ApiError& error) {
  answer_json(response, error.http_status,
              nlohmann::json::array({"error", error.code, error.message}).dump());
}

void answer_rate_limited(httplib::Response& response) {
  answer_json(response, 429, R"({"error":"ERR_RATE_LIMIT"})");
}

std::string currency_id(std::string_view asset) {
  if (asset == "USDT") return "UST";
  if (asset == "ATOM") return "ATO";
  return std::string(asset);
}

std::string pair_id(const Market& market) {
  const std::string base = currency_id(market.base_asset);
  const std::string quote = currency_id(market.quote_asset);
  return base.size() == 3 && quote.size() == 3 ? base + quote : base + ":" + quote;
}

const Market* find_trading_symbol(std::string_view symbol) {
  if (!symbol.starts_with('t')) return nullptr;
  symbol.remove_prefix(1);
  const auto markets = all_markets();
  const auto found = std::ranges::find_if(
      markets, [symbol](const Market& market) { return pair_id(market) == symbol; });
  return found == markets.end() ? nullptr : &*found;
}

std::optional<std::int64_t> optional_int_param(const httplib::Request& request,
                                               const std::string& name) {
  if (!request.has_param(name)) return std::nullopt;
  const std::string text = request.get_param_value(name);
  const std::string_view digits =
      text.starts_with('-') ? std::string_view(text).substr(1) : std::string_view(text);
  const bool only_digits = !digits.empty() && digits.size() <= kMaxDigits &&
                           std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits) throw Rejection(invalid(name));
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

}  // namespace exchange_sim::bitfinex
