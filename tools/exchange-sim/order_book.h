// Deterministic synthetic order books: the same market and snapshot second give the same book in
// every run, process and exchange. Exchange modules only choose the depth and how to print it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "markets.h"

namespace exchange_sim {

// Price in units of 1e-8 quote, quantity in units of 1e-8 base.
struct BookLevel {
  std::int64_t price;
  std::int64_t quantity;
};

struct OrderBook {
  std::int64_t update_id;       // grows from one snapshot second to the next
  std::int64_t changed_at_ms;   // when the book last changed, at most a fifth of a second earlier
  std::vector<BookLevel> bids;  // best (highest) first, strictly falling
  std::vector<BookLevel> asks;  // best (lowest) first, strictly rising
};

// The book as of snapshot_ms (a whole second, see snapshot_time_ms): every price on the market's
// tick, every quantity a positive multiple of its step, and best bid < price_at(snapshot_ms) <
// best ask. Up to `depth` levels a side; fewer bids when they would fall below one tick.
OrderBook order_book(const Market& market, std::int64_t snapshot_ms, std::size_t depth);

}  // namespace exchange_sim
