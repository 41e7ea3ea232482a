#include "trade_data.h"

#include <algorithm>
#include <atomic>

#include "fixed_point.h"
#include "hashing.h"
#include "market_data.h"

namespace exchange_sim {
namespace {

std::atomic<std::int64_t> spacing{10'000};

constexpr std::uint64_t kTradeSalt = 0x7472616465ull;  // "trade"
constexpr std::int64_t kPpm = 1'000'000;

std::uint64_t trade_hash(const Market& market, std::int64_t number, std::uint64_t purpose) {
  return hash_parts({hash_text(market.symbol), kTradeSalt, static_cast<std::uint64_t>(number),
                     purpose});
}

}  // namespace

void set_trade_spacing_ms(std::int64_t spacing_ms) { spacing = std::max<std::int64_t>(1, spacing_ms); }

std::int64_t trade_spacing_ms() { return spacing; }

Trade trade_at(const Market& market, std::int64_t number) {
  const std::int64_t step = spacing;
  Trade trade{};
  trade.number = number;
  trade.time_ms = market.listed_at_ms + number * step +
                  hash_below_or_equal(trade_hash(market, number, 1), step - 1);
  // Within two ticks of the market's price path, never below a tick.
  const std::int64_t ticks = hash_below_or_equal(trade_hash(market, number, 2), 4) - 2;
  trade.price = std::max(price_at(market, trade.time_ms) + ticks * market.tick_size,
                         market.tick_size);
  // A fifth to nearly twice the market's mean trade size, in whole steps.
  const std::int64_t mean = mul_div_floor(market.hourly_volume, step, kHourMs);
  const std::int64_t share_ppm = kPpm / 5 + hash_below_or_equal(trade_hash(market, number, 3),
                                                                 kPpm * 17 / 10);
  trade.quantity = std::max(floor_to_multiple(mul_div_floor(mean, share_ppm, kPpm),
                                              market.step_size),
                            market.step_size);
  trade.buyer_is_maker = hash_below_or_equal(trade_hash(market, number, 4), 1) == 1;
  // Aggregates of one and two fills in turn: aggregate k starts at fill k + k / 2.
  trade.first_fill = number + number / 2;
  trade.last_fill = trade.first_fill + number % 2;
  return trade;
}

std::int64_t first_trade_at_or_after(const Market& market, std::int64_t t_ms) {
  if (t_ms <= market.listed_at_ms) return 0;
  const std::int64_t slot = (t_ms - market.listed_at_ms) / spacing;
  return trade_at(market, slot).time_ms >= t_ms ? slot : slot + 1;
}

std::optional<std::int64_t> last_trade_until(const Market& market, std::int64_t now_ms) {
  const std::int64_t next = first_trade_at_or_after(market, now_ms + 1);
  if (next == 0) return std::nullopt;
  return next - 1;
}

}  // namespace exchange_sim
