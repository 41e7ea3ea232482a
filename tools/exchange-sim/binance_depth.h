#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

#include "order_book.h"
#include "sim_clock.h"

namespace exchange_sim::binance {

// GET /api/v3/depth: symbol, limit (default 100, clamped to 5000).
void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock);

// How a venue spells a decimal: format_units (Binance's eight decimals), format_units_trimmed.
using UnitsFormat = std::string (*)(std::int64_t units);

// The body of a depth answer: {"lastUpdateId", "bids", "asks"} with levels as ["price", "qty"]
// spelled by `format`, and "timestamp" last where given (MEXC sends one, Binance does not).
std::string depth_body(const OrderBook& book, UnitsFormat format,
                       std::optional<std::int64_t> timestamp_ms);

// Its request weight, which grows with the limit asked for.
int depth_weight(const httplib::Request& request);

}  // namespace exchange_sim::binance
