// The spot markets the simulator knows, described independently of any exchange's wording.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace exchange_sim {

struct Market {
  std::string_view symbol;  // base and quote run together, e.g. "BTCUSDT"
  std::string_view base_asset;
  std::string_view quote_asset;
  std::int64_t reference_price;  // the centre of the synthetic price path, units of 1e-8 quote
  std::int64_t tick_size;        // price granularity, units
  std::int64_t step_size;        // quantity granularity, units of 1e-8 base
  std::int64_t hourly_volume;    // typical base volume per hour, units
  std::int64_t listed_at_ms;     // no candle opens before this
};

std::span<const Market> all_markets();

// nullptr when the symbol is unknown.
const Market* find_market(std::string_view symbol);

}  // namespace exchange_sim
