// Deterministic linear perpetuals: one per USDT spot market, same base, listed with it. Funding
// every 8 hours from midnight UTC and open interest sampled every 5 minutes are functions of
// (market, time) alone, the same on every venue and in every process; venue modules choose how
// to page and print them.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "candle_interval.h"
#include "markets.h"

namespace exchange_sim {

inline constexpr std::int64_t kFundingIntervalMs = 8 * kHourMs;
inline constexpr std::int64_t kOpenInterestStepMs = 5 * kMinuteMs;
// One contract is 0.0001 base (Gate's quanto_multiplier), 10^4 units of 1e-8 base.
inline constexpr std::int64_t kContractUnits = 10'000;
inline constexpr const char* kQuantoMultiplier = "0.0001";

// The spot market the perpetual of `spot_symbol` (BTCUSDT) follows: listed, quoted in USDT;
// nullptr otherwise.
const Market* perpetual_market(std::string_view spot_symbol);

struct FundingEvent {
  std::int64_t time_ms;
  std::int64_t rate;        // units of 1e-8: -7500 .. 30000
  std::int64_t mark_price;  // units of 1e-8 quote: the market's price then
};
FundingEvent funding_at(const Market& market, std::int64_t time_ms);

struct OpenInterestSample {
  std::int64_t time_ms;
  std::int64_t contracts;
  std::int64_t base_units;   // contracts * 0.0001 base, units of 1e-8
  std::int64_t mark_price;   // units of 1e-8 quote
  std::int64_t value_units;  // base * mark price, units of 1e-8 quote, truncated
};
OpenInterestSample open_interest_at(const Market& market, std::int64_t time_ms);

// The multiples of step_ms in [from_ms, to_ms] at or after the listing and not after now_ms,
// oldest first. Funding times use kFundingIntervalMs, samples their period.
std::vector<std::int64_t> series_times(const Market& market, std::int64_t step_ms,
                                       std::int64_t from_ms, std::int64_t to_ms,
                                       std::int64_t now_ms);

// The sampling period an open-interest request names (Binance 5m..1d, Bybit 5min..1d, Gate
// 5m..1d), as ms; nullopt for an unknown token.
std::optional<std::int64_t> open_interest_period_ms(std::string_view token);

}  // namespace exchange_sim
