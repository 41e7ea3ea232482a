#include "cryptopipe/transform/orderbook_transform.h"

#include <charconv>

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

const std::vector<std::string_view>& orderbook_columns() {
  static const std::vector<std::string_view> kColumns = {
      "exchange", "symbol", "ts", "ts_source", "sequence", "side", "level", "price", "amount"};
  return kColumns;
}

const std::vector<std::string_view>& orderbook_reject_columns() {
  static const std::vector<std::string_view> kColumns = {"exchange", "symbol", "bronze_key",
                                                         "side", "level", "reason"};
  return kColumns;
}

std::string_view to_string(LevelRejectReason reason) {
  switch (reason) {
    case LevelRejectReason::kMalformed: return "malformed";
    case LevelRejectReason::kInvalidDecimal: return "invalid_decimal";
    case LevelRejectReason::kNonPositivePrice: return "non_positive_price";
    case LevelRejectReason::kNonPositiveAmount: return "non_positive_amount";
  }
  return "unknown";
}

OrderBookTransformer::OrderBookTransformer(const lake::ObjectStore& lake,
                                           const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

void OrderBookTransformer::run(const BookSnapshot& snapshot, SilverCsvWriter& rows,
                               SilverCsvWriter& rejects, BookStats& stats) {
  lake_.read(snapshot.bronze_key, body_);
  exchange_.parse_orderbook(body_, book_);
  ++stats.books;
  const std::string unified = snapshot.symbol.unified();
  std::string prefix = snapshot.exchange + ',' + unified + ',';
  iso_.append(prefix, book_.ts.value_or(snapshot.requested_at));
  prefix += book_.ts ? ",exchange," : ",fetch,";
  if (book_.sequence) append_integer(prefix, *book_.sequence);
  prefix += ',';

  bool sorted = true;
  const auto write_side = [&](const std::vector<exchanges::RawLevel>& levels, std::string_view side,
                              int direction) -> std::optional<std::string_view> {
    std::optional<std::string_view> best;
    std::string_view previous;
    for (std::size_t index = 0; index < levels.size(); ++index) {
      const exchanges::RawLevel& level = levels[index];
      if (const auto reason = validate_level(level)) {
        ++stats.rejects;
        ++stats.rejects_by_reason[static_cast<std::size_t>(*reason)];
        std::string& out = rejects.row_buffer();
        out += snapshot.exchange + ',' + unified + ',' + snapshot.bronze_key + ',';
        out += side;
        out += ',';
        append_integer(out, static_cast<std::int64_t>(index));
        out += ',';
        out += to_string(*reason);
        rejects.end_row();
        continue;
      }
      if (!previous.empty() && compare_decimal(level.price, previous) * direction <= 0) {
        sorted = false;
      }
      previous = level.price;
      if (!best) best = level.price;
      std::string& out = rows.row_buffer();
      out += prefix;
      out += side;
      out += ',';
      append_integer(out, static_cast<std::int64_t>(index));
      out += ',';
      out += level.price;
      out += ',';
      out += level.amount;
      rows.end_row();
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
