#include "cryptopipe/transform/orderbook_transform.h"

#include <algorithm>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::transform {
namespace {

std::optional<LevelRejectReason> validate_level(const exchanges::RawLevel& level) {
  if (!level.malformed.empty()) return LevelRejectReason::kMalformed;
  const auto price = DecimalView::parse(level.price);
  const auto amount = DecimalView::parse(level.amount);
  if (!price || !amount) return LevelRejectReason::kInvalidDecimal;
  if (price->sign() <= 0) return LevelRejectReason::kNonPositivePrice;
  if (amount->sign() <= 0) return LevelRejectReason::kNonPositiveAmount;
  return std::nullopt;
}

}  // namespace

const SilverSchema& orderbook_schema() {
  static const SilverSchema kSchema = {
      {"exchange"}, {"symbol"}, {"ts", ColumnType::kTimestampMs}, {"ts_source"},
      {"sequence", ColumnType::kInt64, true}, {"side"}, {"level", ColumnType::kInt64},
      price_column("price"), amount_column("amount")};
  return kSchema;
}

const SilverSchema& orderbook_reject_schema() {
  static const SilverSchema kSchema = {{"exchange"}, {"symbol"}, {"bronze_key"}, {"side"},
                                       {"level", ColumnType::kInt64}, {"reason"}};
  return kSchema;
}

std::string_view to_string(LevelRejectReason reason) {
  switch (reason) {
    case LevelRejectReason::kMalformed: return "malformed";
    case LevelRejectReason::kInvalidDecimal: return "invalid_decimal";
    case LevelRejectReason::kNonPositivePrice: return "non_positive_price";
    case LevelRejectReason::kNonPositiveAmount: return "non_positive_amount";
    case LevelRejectReason::kDecimalOutOfRange: return "decimal_out_of_range";
  }
  return "unknown";
}

OrderBookTransformer::OrderBookTransformer(const lake::ObjectStore& lake,
                                           const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

void OrderBookTransformer::run(const BookSnapshot& snapshot, SilverParquetWriter& rows,
                               SilverParquetWriter& rejects, BookStats& stats) {
  lake_.read(snapshot.bronze_key, body_);
  exchange_.parse_orderbook(body_, book_);
  ++stats.books;
  const std::string unified = snapshot.symbol.unified();
  const TimestampMs ts = book_.ts.value_or(snapshot.requested_at);
  const std::string_view ts_source = book_.ts ? "exchange" : "fetch";

  bool sorted = true;
  const auto write_side = [&](const std::vector<exchanges::RawLevel>& levels, std::string_view side,
                              int direction) -> std::optional<std::string_view> {
    std::optional<std::string_view> best;
    std::string_view previous;
    const auto reject = [&](std::size_t index, LevelRejectReason reason) {
      ++stats.rejects;
      ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
      rejects.text(snapshot.exchange)
          .text(unified)
          .text(snapshot.bronze_key)
          .text(side)
          .integer(static_cast<std::int64_t>(index))
          .text(to_string(reason))
          .end_row();
    };
    // Venues that answer only fixed book sizes (Bitfinex 25 or 100, KuCoin 20 or 100) send more
    // levels than were asked for: the snapshot is the asked depth, what lies beyond is not kept.
    const std::size_t kept = std::min(levels.size(), static_cast<std::size_t>(snapshot.depth));
    for (std::size_t index = 0; index < kept; ++index) {
      const exchanges::RawLevel& level = levels[index];
      if (const auto reason = validate_level(level)) {
        reject(index, *reason);
        continue;
      }
      const auto unfit = rows.text(snapshot.exchange)
                             .text(unified)
                             .timestamp(ts)
                             .text(ts_source)
                             .integer(book_.sequence)
                             .text(side)
                             .integer(static_cast<std::int64_t>(index))
                             .decimal(level.price)
                             .decimal(level.amount)
                             .end_row();
      if (unfit) {
        reject(index, LevelRejectReason::kDecimalOutOfRange);
        continue;
      }
      if (!previous.empty() && compare_decimal(level.price, previous) * direction <= 0) {
        sorted = false;
      }
      previous = level.price;
      if (!best) best = level.price;
      ++stats.rows;
    }
    return best;
  };
  const auto best_bid = write_side(book_.bids, "bid", -1);  // bids fall from the best
  const auto best_ask = write_side(book_.asks, "ask", 1);   // asks rise from the best
  if (!sorted) ++stats.checks.unsorted;
  if (best_bid && best_ask && compare_decimal(*best_bid, *best_ask) >= 0) ++stats.checks.crossed;
  const auto wanted = static_cast<std::size_t>(snapshot.depth);
  if (book_.bids.size() < wanted || book_.asks.size() < wanted) ++stats.checks.short_books;
}

}  // namespace cryptopipe::transform
