#include "market_data.h"

#include <algorithm>

#include "fixed_point.h"
#include "hashing.h"

namespace exchange_sim {
namespace {

constexpr std::int64_t kPpm = 1'000'000;  // parts per million: the unit of every ratio below
constexpr std::int64_t kTradesPerTypicalHour = 3000;

// A smooth swing between -amplitude and +amplitude: each half period is a parabola, close enough
// to a sine for a chart and exact in integers. The phase differs per market so charts differ.
std::int64_t swing_ppm(std::int64_t t_ms, std::int64_t period_ms, std::int64_t amplitude_ppm,
                       std::uint64_t phase_seed) {
  const std::int64_t half = period_ms / 2;
  const std::int64_t x = (t_ms + hash_below_or_equal(phase_seed, period_ms - 1)) % period_ms;
  const std::int64_t y = x % half;
  const auto bump =
      static_cast<std::int64_t>(Int128{amplitude_ppm} * 4 * y * (half - y) / (Int128{half} * half));
  return x < half ? bump : -bump;
}

// Noise that moves in straight lines between random levels pinned every `spacing_ms`, so that
// nearby times get nearby prices and any instant can be evaluated on its own.
std::int64_t drift_ppm(std::int64_t t_ms, std::int64_t spacing_ms, std::int64_t amplitude_ppm,
                       std::uint64_t seed) {
  const auto level = [&](std::int64_t knot) {
    const std::uint64_t hash = hash_parts(
        {seed, static_cast<std::uint64_t>(spacing_ms), static_cast<std::uint64_t>(knot)});
    return hash_below_or_equal(hash, 2 * amplitude_ppm) - amplitude_ppm;
  };
  const std::int64_t knot = t_ms / spacing_ms;
  const std::int64_t from = level(knot);
  const std::int64_t to = level(knot + 1);
  return from + (to - from) * (t_ms - knot * spacing_ms) / spacing_ms;
}

// Newton's method in integers: the largest root with root * root <= value.
std::int64_t integer_sqrt(std::int64_t value) {
  std::int64_t root = value;
  std::int64_t next = (root + 1) / 2;
  while (next < root) {
    root = next;
    next = (root + value / root) / 2;
  }
  return root;
}

std::uint64_t market_seed(const Market& market) { return hash_text(market.symbol); }

}  // namespace

std::int64_t price_at(const Market& market, std::int64_t t_ms) {
  const std::uint64_t seed = market_seed(market);
  // The swings add up to at most about ±36 %, so the multiplier stays well above zero.
  const std::int64_t multiplier_ppm =
      kPpm + swing_ppm(t_ms, 97 * kDayMs, 250'000, hash_parts({seed, 1})) +
      swing_ppm(t_ms, 13 * kDayMs, 80'000, hash_parts({seed, 2})) +
      swing_ppm(t_ms, 29 * kHourMs, 20'000, hash_parts({seed, 3})) +
      swing_ppm(t_ms, 197 * kMinuteMs, 5'000, hash_parts({seed, 4})) +
      drift_ppm(t_ms, kHourMs, 6'000, seed) + drift_ppm(t_ms, kMinuteMs, 800, seed) +
      drift_ppm(t_ms, kSecondMs, 60, seed);
  const std::int64_t price = mul_div_floor(market.reference_price, multiplier_ppm, kPpm);
  return std::max(floor_to_multiple(price, market.tick_size), market.tick_size);
}

Candle candle_at(const Market& market, const CandleInterval& interval, std::int64_t open_time_ms,
                 std::int64_t now_ms) {
  const std::int64_t next_open_ms = interval.next_open(open_time_ms);
  const std::int64_t length_ms = next_open_ms - open_time_ms;
  const bool still_open = now_ms < next_open_ms;
  // How much of the candle has happened; an open candle's wicks and volume are that share so far.
  const std::int64_t elapsed_ppm =
      still_open
          ? std::max<std::int64_t>(1, mul_div_floor(now_ms - open_time_ms + 1, kPpm, length_ms))
          : kPpm;
  const auto draw_ppm = [&](std::uint64_t purpose) {
    return hash_below_or_equal(
        hash_parts({market_seed(market), static_cast<std::uint64_t>(interval.hash_key()),
                    static_cast<std::uint64_t>(open_time_ms), purpose}),
        kPpm);
  };

  Candle candle{};
  candle.open_time_ms = open_time_ms;
  candle.close_time_ms = next_open_ms - 1;
  candle.open = price_at(market, open_time_ms);
  candle.close = price_at(market, still_open ? now_ms : next_open_ms);

  // Wicks grow with the square root of the candle's length, as real price ranges roughly do.
  const std::int64_t wick_ppm =
      mul_div_floor(25 * integer_sqrt(length_ms / kSecondMs), elapsed_ppm, kPpm);
  const std::int64_t top = std::max(candle.open, candle.close);
  const std::int64_t bottom = std::min(candle.open, candle.close);
  const std::int64_t rise = mul_div_floor(top, mul_div_floor(wick_ppm, draw_ppm(1), kPpm), kPpm);
  const std::int64_t dip = mul_div_floor(bottom, mul_div_floor(wick_ppm, draw_ppm(2), kPpm), kPpm);
  candle.high = top + floor_to_multiple(rise, market.tick_size);
  candle.low = std::max(bottom - floor_to_multiple(dip, market.tick_size), market.tick_size);

  const std::int64_t full_volume = mul_div_floor(
      mul_div_floor(market.hourly_volume, length_ms, kHourMs), kPpm / 2 + draw_ppm(3), kPpm);
  candle.volume =
      std::max(floor_to_multiple(mul_div_floor(full_volume, elapsed_ppm, kPpm), market.step_size),
               market.step_size);

  // Every trade happened somewhere between the low and the high.
  const std::int64_t average_price =
      candle.low + mul_div_floor(candle.high - candle.low, draw_ppm(4), kPpm);
  candle.quote_volume = mul_div_round(candle.volume, average_price, kUnitsPerWhole);

  const std::int64_t typical_trades =
      mul_div_floor(candle.volume, kTradesPerTypicalHour, market.hourly_volume);
  candle.trade_count = std::max<std::int64_t>(
      1, mul_div_floor(typical_trades, kPpm * 4 / 5 + draw_ppm(5) * 2 / 5, kPpm));

  const std::int64_t taker_share_ppm = kPpm * 7 / 20 + draw_ppm(6) * 3 / 10;
  candle.taker_buy_volume =
      floor_to_multiple(mul_div_floor(candle.volume, taker_share_ppm, kPpm), market.step_size);
  candle.taker_buy_quote_volume =
      mul_div_round(candle.taker_buy_volume, average_price, kUnitsPerWhole);
  return candle;
}

std::vector<Candle> earliest_candles(const Market& market, const CandleInterval& interval,
                                     const CandleWindow& window, std::int64_t now_ms) {
  const std::int64_t lowest = std::max(window.first_open_ms, market.listed_at_ms);
  const std::int64_t highest = std::min(window.last_open_ms, now_ms);
  std::vector<Candle> candles;
  if (lowest > highest) {
    return candles;
  }
  std::int64_t open = interval.open_containing(lowest);
  if (open < lowest) {
    open = interval.next_open(open);
  }
  for (; open <= highest && candles.size() < window.limit; open = interval.next_open(open)) {
    candles.push_back(candle_at(market, interval, open, now_ms));
  }
  return candles;
}

std::vector<Candle> latest_candles(const Market& market, const CandleInterval& interval,
                                   const CandleWindow& window, std::int64_t now_ms) {
  const std::int64_t lowest = std::max(window.first_open_ms, market.listed_at_ms);
  const std::int64_t highest = std::min(window.last_open_ms, now_ms);
  std::vector<Candle> candles;
  if (lowest > highest) {
    return candles;
  }
  for (std::int64_t open = interval.open_containing(highest);
       open >= lowest && candles.size() < window.limit; open = interval.previous_open(open)) {
    candles.push_back(candle_at(market, interval, open, now_ms));
  }
  std::ranges::reverse(candles);
  return candles;
}

}  // namespace exchange_sim
