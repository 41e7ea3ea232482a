#include "order_book.h"

#include <algorithm>

#include "candle_interval.h"
#include "fixed_point.h"
#include "hashing.h"
#include "market_data.h"

namespace exchange_sim {
namespace {

constexpr std::int64_t kPpm = 1'000'000;
// Update ids advance by up to this much per second, so a later snapshot always has a larger one.
constexpr std::int64_t kUpdatesPerSecond = 16;
constexpr std::int64_t kMaxChangeAgeMs = 200;

enum class Side : std::uint64_t { kBid = 1, kAsk = 2 };

class BookDraws {
 public:
  BookDraws(const Market& market, std::int64_t snapshot_ms)
      : seed_(hash_parts({hash_text(market.symbol), static_cast<std::uint64_t>(snapshot_ms)})) {}

  std::int64_t draw(Side side, std::size_t level, std::uint64_t purpose, std::int64_t bound) const {
    return hash_below_or_equal(
        hash_parts({seed_, static_cast<std::uint64_t>(side), level, purpose}), bound);
  }

 private:
  std::uint64_t seed_;
};

// Between a thousandth and a twenty-fifth of an hour's volume, on the step.
std::int64_t level_quantity(const Market& market, std::int64_t draw_ppm) {
  const std::int64_t quantity =
      mul_div_floor(market.hourly_volume / 50, kPpm / 20 + draw_ppm * 39 / 20, kPpm);
  return std::max(floor_to_multiple(quantity, market.step_size), market.step_size);
}

// One side of the book: the best level one to three ticks away from the last price, then a level
// every one or two ticks, as a liquid spot book looks from close up.
std::vector<BookLevel> book_side(const Market& market, const BookDraws& draws, Side side,
                                 std::int64_t last_price, std::size_t depth) {
  constexpr std::uint64_t kGap = 1;
  constexpr std::uint64_t kQuantity = 2;
  const std::int64_t direction = side == Side::kBid ? -1 : 1;
  std::vector<BookLevel> levels;
  std::int64_t price =
      last_price + direction * market.tick_size * (1 + draws.draw(side, 0, kGap, 2));
  for (std::size_t level = 0; level < depth && price >= market.tick_size; ++level) {
    levels.push_back({price, level_quantity(market, draws.draw(side, level, kQuantity, kPpm))});
    price += direction * market.tick_size * (1 + draws.draw(side, level + 1, kGap, 1));
  }
  return levels;
}

}  // namespace

OrderBook order_book(const Market& market, std::int64_t snapshot_ms, std::size_t depth) {
  constexpr std::uint64_t kUpdateId = 3;
  constexpr std::uint64_t kChangeAge = 4;
  const BookDraws draws(market, snapshot_ms);
  const std::int64_t last_price = price_at(market, snapshot_ms);
  return {
      .update_id = snapshot_ms / kSecondMs * kUpdatesPerSecond +
                   draws.draw(Side::kBid, 0, kUpdateId, kUpdatesPerSecond - 1),
      .changed_at_ms = snapshot_ms - draws.draw(Side::kBid, 0, kChangeAge, kMaxChangeAgeMs),
      .bids = book_side(market, draws, Side::kBid, last_price, depth),
      .asks = book_side(market, draws, Side::kAsk, last_price, depth),
  };
}

}  // namespace exchange_sim
