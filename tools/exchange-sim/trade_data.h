// Deterministic synthetic public trades: market m's trade number k is the same on every venue,
// in every process. Venue modules choose how to number, page and print them.
#pragma once

#include <cstdint>
#include <optional>

#include "markets.h"

namespace exchange_sim {

// One trade. Prices in units of 1e-8 quote, quantities in units of 1e-8 base.
struct Trade {
  std::int64_t number;  // k: 0 for the market's first trade, one more for each next one
  std::int64_t time_ms;
  std::int64_t price;
  std::int64_t quantity;
  bool buyer_is_maker;  // the taker sold
  // Binance aggregates fills: aggregate k covers its individual trades first..last.
  std::int64_t first_fill;
  std::int64_t last_fill;
};

// The mean time between two trades of a market (--trade-spacing-ms, default 10 s: 8640 trades a
// day). Set once at start-up, before any request is served.
void set_trade_spacing_ms(std::int64_t spacing_ms);
std::int64_t trade_spacing_ms();

// Trade k happens at listing + k * spacing + a jitter below spacing: times never decrease.
Trade trade_at(const Market& market, std::int64_t number);

// The number of the first trade at or after t_ms (0 before the listing).
std::int64_t first_trade_at_or_after(const Market& market, std::int64_t t_ms);

// The number of the last trade at or before now_ms; nullopt when none has happened yet.
std::optional<std::int64_t> last_trade_until(const Market& market, std::int64_t now_ms);

}  // namespace exchange_sim
