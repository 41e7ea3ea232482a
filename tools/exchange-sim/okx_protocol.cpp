#include "okx_protocol.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

namespace exchange_sim::okx {
namespace {

using nlohmann::ordered_json;  // keeps OKX's field order

constexpr std::size_t kMaxDigits = 18;  // any such number fits in int64

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json");
}

}  // namespace

ApiError parameter_empty(const std::string& name) {
  return {"50014", "Parameter " + name + " can not be empty."};
}

ApiError parameter_error(const std::string& name) {
  return {"51000", "Parameter " + name + " error"};
}

ApiError instrument_missing() { return {"51001", "Instrument ID does not exist"}; }

ApiError too_many_requests() { return {"50011", "Too Many Requests"}; }

ApiError system_error() { return {"50026", "System error. Try again later."}; }

void answer_data(httplib::Response& response, const ordered_json& data) {
  answer_json(response, 200, ordered_json{{"code", "0"}, {"msg", ""}, {"data", data}}.dump());
}

void answer_error(httplib::Response& response, int http_status, const ApiError& error) {
  const ordered_json body{
      {"code", error.code}, {"data", ordered_json::array()}, {"msg", error.msg}};
  answer_json(response, http_status, body.dump());
}

std::string instrument_id(const Market& market) {
  return std::string(market.base_asset) + "-" + std::string(market.quote_asset);
}

const Market& listed_instrument(const httplib::Request& request) {
  const std::string id = request.get_param_value("instId");
  if (id.empty()) throw Rejection(parameter_empty("instId"));
  const std::size_t dash = id.find('-');
  if (dash == std::string::npos) throw Rejection(instrument_missing());
  // Upper case only: "btc-usdt" names nothing, as on OKX.
  const Market* market = find_market(id.substr(0, dash) + id.substr(dash + 1));
  if (market == nullptr || instrument_id(*market) != id) throw Rejection(instrument_missing());
  return *market;
}

bool spot_requested(const httplib::Request& request) {
  static constexpr std::array<std::string_view, 5> kTypes = {"SPOT", "MARGIN", "SWAP", "FUTURES",
                                                             "OPTION"};
  const std::string type = request.get_param_value("instType");
  if (type.empty()) throw Rejection(parameter_empty("instType"));
  if (std::ranges::find(kTypes, type) == kTypes.end()) throw Rejection(parameter_error("instType"));
  return type == "SPOT";
}

std::optional<std::int64_t> optional_unsigned_param(const httplib::Request& request,
                                                    const std::string& name) {
  if (!request.has_param(name)) return std::nullopt;
  const std::string text = request.get_param_value(name);
  const bool only_digits = !text.empty() && text.size() <= kMaxDigits &&
                           std::ranges::all_of(text, [](char c) { return c >= '0' && c <= '9'; });
  if (!only_digits) throw Rejection(parameter_error(name));
  std::int64_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  return value;
}

std::size_t bounded_param(const httplib::Request& request, const std::string& name,
                          std::int64_t default_value, std::int64_t max_value) {
  const std::int64_t value = optional_unsigned_param(request, name).value_or(default_value);
  if (value < 1 || value > max_value) throw Rejection(parameter_error(name));
  return static_cast<std::size_t>(value);
}

}  // namespace exchange_sim::okx
