#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"

namespace cryptopipe {

// Prices and amounts are exact decimal text (see decimal.h); times are ms UTC.

struct Candle {
  std::string exchange;
  Symbol symbol;
  std::string timeframe;
  TimestampMs open_time = 0;
  std::string open, high, low, close;
  std::string volume;        // base asset
  std::string quote_volume;  // quote asset; empty where the exchange does not give it
  std::optional<std::int64_t> trade_count;
  bool is_closed = false;  // false while the candle was still forming when fetched
};

struct Ticker {
  std::string exchange;
  Symbol symbol;
  TimestampMs ts = 0;  // the exchange's timestamp, or the fetch time where it gives none
  std::string last, bid, ask, high, low, open;
  std::string base_volume, quote_volume;
  std::string change_percent;  // percent units, whatever unit the exchange uses
};

enum class BookSide { kBid, kAsk };

struct BookLevel {
  std::string price;
  std::string amount;
};

struct OrderBook {
  std::string exchange;
  Symbol symbol;
  TimestampMs ts = 0;
  std::optional<std::int64_t> sequence;  // the exchange's update id, where it gives one
  std::vector<BookLevel> bids;  // best (highest) first
  std::vector<BookLevel> asks;  // best (lowest) first
};

}  // namespace cryptopipe
