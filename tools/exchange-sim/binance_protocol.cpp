#include "binance_protocol.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

namespace exchange_sim::binance {
namespace {

constexpr int kBadRequest = 400;
constexpr std::size_t kMaxDigits = 20;
constexpr std::size_t kMaxSymbolLength = 20;

ApiError illegal_characters(const std::string& name, const std::string& legal_range) {
  return {kBadRequest, -1100,
          "Illegal characters found in parameter '" + name + "'; legal range is '" + legal_range +
              "'."};
}

bool is_symbol_character(char c) {
  return std::isupper(static_cast<unsigned char>(c)) ||
         std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
}

}  // namespace

ApiError invalid_symbol() { return {kBadRequest, -1121, "Invalid symbol."}; }

ApiError invalid_interval() { return {kBadRequest, -1120, "Invalid interval."}; }

ApiError too_many_requests(int weight_limit) {
  return {429, -1003,
          "Too many requests; current limit of IP(" + std::string(kClientIp) + ") is " +
              std::to_string(weight_limit) +
              " requests per minute. Please use the websocket for live updates to avoid polling "
              "the API."};
}

ApiError banned_until(std::int64_t until_ms) {
  return {418, -1003,
          "Way too many requests; IP(" + std::string(kClientIp) + ") banned until " +
              std::to_string(until_ms) +
              ". Please use the websocket for live updates to avoid bans."};
}

ApiError internal_error() {
  return {500, -1001, "Internal error; unable to process your request. Please try again."};
}

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json;charset=UTF-8");
}

void answer_error(httplib::Response& response, const ApiError& error) {
  // ordered_json keeps Binance's field order: code first, then msg.
  answer_json(response, error.http_status,
              nlohmann::ordered_json{{"code", error.code}, {"msg", error.msg}}.dump());
}

std::string required_param(const httplib::Request& request, const std::string& name) {
  std::string value = request.get_param_value(name);
  if (value.empty()) {
    throw Rejection(
        {kBadRequest, -1102,
         "Mandatory parameter '" + name + "' was not sent, was empty/null, or malformed."});
  }
  return value;
}

std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name) {
  if (!request.has_param(name)) {
    return std::nullopt;
  }
  const std::string text = request.get_param_value(name);
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const bool only_digits = !text.empty() && text.size() <= kMaxDigits &&
                           std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits || error != std::errc{} || end != text.data() + text.size()) {
    throw Rejection(illegal_characters(name, "^[0-9]{1,20}$"));
  }
  return value;
}

const Market& listed_market(const std::string& symbol, const std::string& param_name) {
  if (symbol.size() > kMaxSymbolLength || !std::ranges::all_of(symbol, is_symbol_character)) {
    throw Rejection(illegal_characters(param_name, "^[A-Z0-9-_.]{1,20}$"));
  }
  const Market* market = find_market(symbol);
  if (market == nullptr) {
    throw Rejection(invalid_symbol());
  }
  return *market;
}

std::size_t limit_param(const httplib::Request& request, std::int64_t default_limit,
                        std::int64_t max_limit) {
  if (!request.has_param("limit")) {
    return static_cast<std::size_t>(default_limit);
  }
  const std::string text = request.get_param_value("limit");
  const bool negative_integer = text.size() > 1 && text.starts_with('-') &&
                                text.find_first_not_of("0123456789", 1) == std::string::npos;
  const std::int64_t limit = negative_integer ? 0 : *optional_unsigned_param(request, "limit");
  if (limit < 1) {
    throw Rejection({kBadRequest, -1130, "Data sent for parameter 'limit' is not valid."});
  }
  return static_cast<std::size_t>(std::min(limit, max_limit));
}

std::vector<const Market*> requested_markets(const httplib::Request& request) {
  std::vector<const Market*> markets;
  const bool has_symbol = request.has_param("symbol");
  const bool has_symbols = request.has_param("symbols");
  if (has_symbol && has_symbols) {
    throw Rejection({kBadRequest, -1128, "Combination of optional parameters invalid."});
  }
  if (has_symbol) {
    markets.push_back(&listed_market(required_param(request, "symbol"), "symbol"));
    return markets;
  }
  if (has_symbols) {
    const auto symbols = nlohmann::json::parse(request.get_param_value("symbols"), nullptr,
                                               /*allow_exceptions=*/false);
    if (!symbols.is_array() || symbols.empty()) {
      throw Rejection(illegal_characters(
          "symbols", "^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$"));
    }
    for (const auto& symbol : symbols) {
      markets.push_back(
          &listed_market(symbol.is_string() ? symbol.get<std::string>() : "?", "symbols"));
    }
    return markets;
  }
  for (const Market& market : all_markets()) {
    markets.push_back(&market);
  }
  return markets;
}

}  // namespace exchange_sim::binance
