#include "perp_data.h"

#include <algorithm>
#include <utility>

#include "fixed_point.h"
#include "hashing.h"
#include "market_data.h"

namespace exchange_sim {
namespace {

constexpr std::uint64_t kPerpSalt = 0x7065727073ull;  // "perps"
constexpr std::int64_t kLowestRate = -7'500;
constexpr std::int64_t kRateSpread = 37'500;  // up to 0.00030000
constexpr std::int64_t kUnitsPerBase = 100'000'000;

std::uint64_t perp_hash(const Market& market, std::int64_t time_ms, std::uint64_t purpose) {
  return hash_parts({hash_text(market.symbol), kPerpSalt, static_cast<std::uint64_t>(time_ms),
                     purpose});
}

}  // namespace

const Market* perpetual_market(std::string_view spot_symbol) {
  const Market* market = find_market(spot_symbol);
  return market != nullptr && market->quote_asset == "USDT" ? market : nullptr;
}

FundingEvent funding_at(const Market& market, std::int64_t time_ms) {
  return {time_ms, kLowestRate + hash_below_or_equal(perp_hash(market, time_ms, 1), kRateSpread),
          price_at(market, time_ms)};
}

OpenInterestSample open_interest_at(const Market& market, std::int64_t time_ms) {
  // A slow wave a day long between 1e8 and 5e8 contracts, plus noise of up to 1e6.
  const std::int64_t day_phase = (time_ms % kDayMs) / kOpenInterestStepMs;  // 0 .. 287
  const std::int64_t wave = day_phase < 144 ? day_phase : 288 - day_phase;
  const std::int64_t day_level =
      hash_below_or_equal(perp_hash(market, time_ms / kDayMs, 2), 200'000'000);
  const std::int64_t contracts = 100'000'000 + day_level + wave * 1'000'000 +
                                 hash_below_or_equal(perp_hash(market, time_ms, 3), 1'000'000);
  OpenInterestSample sample{time_ms, contracts, contracts * kContractUnits, price_at(market, time_ms),
                            0};
  sample.value_units = mul_div_floor(sample.base_units, sample.mark_price, kUnitsPerBase);
  return sample;
}

std::vector<std::int64_t> series_times(const Market& market, std::int64_t step_ms,
                                       std::int64_t from_ms, std::int64_t to_ms,
                                       std::int64_t now_ms) {
  std::vector<std::int64_t> times;
  const std::int64_t first = std::max(from_ms, market.listed_at_ms);
  const std::int64_t last = std::min(to_ms, now_ms);
  for (std::int64_t t = (first + step_ms - 1) / step_ms * step_ms; t <= last; t += step_ms) {
    times.push_back(t);
  }
  return times;
}

std::optional<std::int64_t> open_interest_period_ms(std::string_view token) {
  static constexpr std::pair<std::string_view, std::int64_t> kPeriods[] = {
      {"5m", 5 * kMinuteMs},   {"5min", 5 * kMinuteMs},   {"15m", 15 * kMinuteMs},
      {"15min", 15 * kMinuteMs}, {"30m", 30 * kMinuteMs}, {"30min", 30 * kMinuteMs},
      {"1h", kHourMs},          {"2h", 2 * kHourMs},       {"4h", 4 * kHourMs},
      {"6h", 6 * kHourMs},      {"12h", 12 * kHourMs},     {"1d", kDayMs}};
  for (const auto& [name, ms] : kPeriods) {
    if (name == token) return ms;
  }
  return std::nullopt;
}

}  // namespace exchange_sim
