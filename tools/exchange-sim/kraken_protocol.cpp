#include "kraken_protocol.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "fixed_point.h"

namespace exchange_sim::kraken {
namespace {

// Kraken's oldest assets keep the prefixed ids they had before its four-letter codes went away.
constexpr std::string_view kLegacyCrypto[] = {"XBT", "ETH", "LTC", "XRP", "XLM", "XMR",
                                              "ZEC", "ETC", "REP", "MLN", "XDG"};
constexpr std::string_view kLegacyFiat[] = {"USD", "EUR", "GBP", "JPY", "CAD", "AUD"};

bool is_legacy(std::string_view code) {
  return std::ranges::find(kLegacyCrypto, code) != std::end(kLegacyCrypto) ||
         std::ranges::find(kLegacyFiat, code) != std::end(kLegacyFiat);
}

}  // namespace

void answer_json(httplib::Response& response, int status, std::string body) {
  response.status = status;
  response.set_content(std::move(body), "application/json; charset=utf-8");
}

void answer_error(httplib::Response& response, std::string_view code, int status) {
  answer_json(response, status, nlohmann::json{{"error", {code}}}.dump());
}

void answer_result(httplib::Response& response, const std::string& result_json) {
  answer_json(response, 200, "{\"error\":[],\"result\":" + result_json + "}");
}

std::string asset_code(std::string_view asset) {
  if (asset == "BTC") return "XBT";
  if (asset == "DOGE") return "XDG";
  return std::string(asset);
}

std::string asset_id(std::string_view asset) {
  const std::string code = asset_code(asset);
  if (std::ranges::find(kLegacyCrypto, code) != std::end(kLegacyCrypto)) return "X" + code;
  if (std::ranges::find(kLegacyFiat, code) != std::end(kLegacyFiat)) return "Z" + code;
  return code;
}

std::string altname(const Market& market) {
  return asset_code(market.base_asset) + asset_code(market.quote_asset);
}

std::string pair_key(const Market& market) {
  const bool legacy =
      is_legacy(asset_code(market.base_asset)) && is_legacy(asset_code(market.quote_asset));
  return legacy ? asset_id(market.base_asset) + asset_id(market.quote_asset) : altname(market);
}

const Market* find_pair(std::string_view name) {
  for (const Market& market : all_markets()) {
    if (name == pair_key(market) || name == altname(market) || name == market.symbol) {
      return &market;
    }
  }
  return nullptr;
}

int step_decimals(std::int64_t step) {
  int decimals = 8;
  for (std::int64_t rest = step; decimals > 0 && rest % 10 == 0; rest /= 10) --decimals;
  return decimals;
}

std::string format_at_step(std::int64_t units, std::int64_t step) {
  const int decimals = step_decimals(step);
  std::int64_t scale = 1;
  for (int i = decimals; i < 8; ++i) scale *= 10;
  return format_scaled(units / scale, decimals);
}

}  // namespace exchange_sim::kraken
