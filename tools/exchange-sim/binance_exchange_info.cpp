#include "binance_exchange_info.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "binance_protocol.h"
#include "fixed_point.h"
#include "markets.h"

namespace exchange_sim::binance {
namespace {

using nlohmann::ordered_json;  // keeps Binance's field order

constexpr int kAssetPrecision = 8;
constexpr std::int64_t kMaxPrice = 1'000'000 * kUnitsPerWhole;
constexpr std::int64_t kMaxQuantity = 9'000'000 * kUnitsPerWhole;
constexpr std::int64_t kMinNotional = 5 * kUnitsPerWhole;

ordered_json rate_limit(const char* type, const char* interval, int interval_num, int limit) {
  return {{"rateLimitType", type},
          {"interval", interval},
          {"intervalNum", interval_num},
          {"limit", limit}};
}

ordered_json symbol_info(const Market& market) {
  const ordered_json filters = ordered_json::array({
      {{"filterType", "PRICE_FILTER"},
       {"minPrice", format_units(market.tick_size)},
       {"maxPrice", format_units(kMaxPrice)},
       {"tickSize", format_units(market.tick_size)}},
      {{"filterType", "LOT_SIZE"},
       {"minQty", format_units(market.step_size)},
       {"maxQty", format_units(kMaxQuantity)},
       {"stepSize", format_units(market.step_size)}},
      {{"filterType", "ICEBERG_PARTS"}, {"limit", 10}},
      {{"filterType", "MARKET_LOT_SIZE"},
       {"minQty", format_units(0)},
       {"maxQty", format_units(kMaxQuantity)},
       {"stepSize", format_units(0)}},
      {{"filterType", "NOTIONAL"},
       {"minNotional", format_units(kMinNotional)},
       {"applyMinToMarket", true},
       {"maxNotional", format_units(kMaxQuantity)},
       {"applyMaxToMarket", false},
       {"avgPriceMins", 5}},
      {{"filterType", "MAX_NUM_ORDERS"}, {"maxNumOrders", 200}},
      {{"filterType", "MAX_NUM_ALGO_ORDERS"}, {"maxNumAlgoOrders", 5}},
  });
  return {
      {"symbol", market.symbol},
      {"status", "TRADING"},
      {"baseAsset", market.base_asset},
      {"baseAssetPrecision", kAssetPrecision},
      {"quoteAsset", market.quote_asset},
      {"quotePrecision", kAssetPrecision},
      {"quoteAssetPrecision", kAssetPrecision},
      {"baseCommissionPrecision", kAssetPrecision},
      {"quoteCommissionPrecision", kAssetPrecision},
      {"orderTypes", {"LIMIT", "LIMIT_MAKER", "MARKET", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"}},
      {"icebergAllowed", true},
      {"ocoAllowed", true},
      {"quoteOrderQtyMarketAllowed", true},
      {"allowTrailingStop", true},
      {"cancelReplaceAllowed", true},
      {"isSpotTradingAllowed", true},
      {"isMarginTradingAllowed", true},
      {"filters", filters},
      {"permissions", ordered_json::array()},
      {"permissionSets", ordered_json::array({ordered_json::array({"SPOT", "MARGIN"})})},
      {"defaultSelfTradePreventionMode", "EXPIRE_MAKER"},
      {"allowedSelfTradePreventionModes", {"EXPIRE_TAKER", "EXPIRE_MAKER", "EXPIRE_BOTH"}}};
}

}  // namespace

void answer_exchange_info(const httplib::Request& request, httplib::Response& response,
                          const SimClock& clock, int weight_limit) {
  ordered_json symbols = ordered_json::array();
  for (const Market* market : requested_markets(request)) {
    symbols.push_back(symbol_info(*market));
  }
  const ordered_json body{
      {"timezone", "UTC"},
      {"serverTime", clock.now_ms()},
      {"rateLimits",
       {rate_limit("REQUEST_WEIGHT", "MINUTE", 1, weight_limit),
        rate_limit("ORDERS", "SECOND", 10, 100), rate_limit("ORDERS", "DAY", 1, 200000),
        rate_limit("RAW_REQUESTS", "MINUTE", 5, 61000)}},
      {"exchangeFilters", ordered_json::array()},
      {"symbols", symbols}};
  answer_json(response, 200, body.dump());
}

}  // namespace exchange_sim::binance
