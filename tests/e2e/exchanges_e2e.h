// The end-to-end suite every venue but Binance (which has its own, older suites) runs through
// the real binaries: a day of candles exact against the simulator and an idempotent re-run,
// tickers (some and all), books at depth, a storm of 429s and 5xx, and the usage errors. Each
// venue instantiates it in tests/e2e/<venue>_e2e_test.cpp with its ExchangeCase:
//
//   INSTANTIATE_TEST_SUITE_P(Okx, ExchangesE2E, ::testing::Values(okx_case()),
//                            [](const auto& info) { return info.param.exchange; });
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {

// One gold candle as text, the warehouse's way: open_time (ISO-8601, ms), open, high, low,
// close, volume, quote_volume ("NULL" where the venue gives no quote volume). Decimals in their
// shortest exact form (shortest_decimal).
using CandleText = std::vector<std::string>;

// A timeframe whose whole day the venue serves, and how many candles that day has.
struct DayOfCandles {
  std::string timeframe;  // canonical: 1m, 15m, 1h
  std::int64_t step_ms;
  std::size_t count;
};

struct ExchangeCase {
  std::string exchange;                // the configuration key: okx, kraken
  std::vector<DayOfCandles> days;      // two timeframes, yesterday reachable for both
  std::string missing_timeframe;       // a canonical timeframe the venue lacks; empty: none
  std::string tickers_path;            // the route of the bulk tickers request, e.g. /okx/api/v5/market/tickers
  // The simulator's BTC/USDT candles of the UTC day starting at day_start (ms) for the
  // timeframe, read through the venue's own API as it is (its paths, units and row order),
  // oldest first.
  std::function<std::vector<CandleText>(const Simulator& sim, const DayOfCandles& day,
                                        std::int64_t day_start)>
      truth;
  // Ticker columns the venue's bulk tickers request does not give (Coinbase's /products/stats
  // has no bid or ask): TickersLand expects them NULL instead of filled.
  std::set<std::string> null_ticker_columns = {};
};

// Names the case in test listings, instead of gtest's byte dump.
inline void PrintTo(const ExchangeCase& c, std::ostream* out) { *out << c.exchange; }

class ExchangesE2E : public ::testing::TestWithParam<ExchangeCase> {};

}  // namespace cryptopipe::testing
