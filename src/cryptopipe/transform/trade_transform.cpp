#include "cryptopipe/transform/trade_transform.h"

#include <algorithm>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/exchanges/trade_pages.h"

namespace cryptopipe::transform {
namespace {

// The last trade taken, kept to recognise its copies on the next page.
struct TakenTrade {
  TradePosition position;
  std::string price, amount, side;

  bool same_values(const exchanges::RawTrade& trade) const {
    return trade.price == price && trade.amount == amount && trade.side == side;
  }
};

// Keeps the kReportedSilences longest silences, longest first.
void note_silence(std::vector<Silence>& longest, TimestampMs from, TimestampMs to) {
  if (to <= from) return;
  const Silence silence{from, to};
  const auto longer = [](const Silence& a, const Silence& b) { return a.to - a.from > b.to - b.from; };
  longest.insert(std::upper_bound(longest.begin(), longest.end(), silence, longer), silence);
  if (longest.size() > kReportedSilences) longest.pop_back();
}

}  // namespace

const SilverSchema& trade_schema() {
  static const SilverSchema kSchema = {{"exchange"},
                                       {"symbol"},
                                       {"trade_id"},
                                       {"sequence", ColumnType::kInt64, true},
                                       {"ts", ColumnType::kTimestampMs},
                                       price_column("price"),
                                       amount_column("amount"),
                                       {"side"}};
  return kSchema;
}

const SilverSchema& trade_reject_schema() {
  static const SilverSchema kSchema = {{"exchange"}, {"symbol"},   {"bronze_key"},
                                       {"row", ColumnType::kInt64}, {"trade_id"}, {"reason"}};
  return kSchema;
}

std::string_view to_string(TradeRejectReason reason) {
  switch (reason) {
    case TradeRejectReason::kMalformed: return "malformed";
    case TradeRejectReason::kInvalidDecimal: return "invalid_decimal";
    case TradeRejectReason::kNotPositive: return "not_positive";
    case TradeRejectReason::kBadSide: return "bad_side";
    case TradeRejectReason::kConflictingDuplicate: return "conflicting_duplicate";
    case TradeRejectReason::kOutOfOrder: return "out_of_order";
    case TradeRejectReason::kDecimalOutOfRange: return "decimal_out_of_range";
  }
  return "unknown";
}

int compare_positions(const TradePosition& a, const TradePosition& b) {
  const auto as_trade = [](const TradePosition& position) {
    exchanges::RawTrade trade;
    trade.sequence = position.sequence;
    trade.ts = position.ts;
    trade.id = position.id;
    return trade;
  };
  return exchanges::compare_trades(as_trade(a), as_trade(b));
}

TradeSeriesTransformer::TradeSeriesTransformer(const lake::ObjectStore& lake,
                                               const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

TradeSeriesStats TradeSeriesTransformer::run(const TradeSeriesInput& input,
                                             SilverParquetWriter& rows,
                                             SilverParquetWriter& rejects) {
  TradeSeriesStats stats;
  const std::string unified = input.symbol.unified();
  const TimestampMs day_start = input.day.start_ms();
  const TimestampMs day_end = input.day.end_ms();

  std::vector<const TradePage*> pages;
  for (const TradePage& page : input.pages) {
    if (page.rows > 0) pages.push_back(&page);
  }
  std::stable_sort(pages.begin(), pages.end(), [](const TradePage* a, const TradePage* b) {
    return compare_positions(a->first, b->first) < 0;
  });

  std::optional<TakenTrade> last;
  std::optional<TimestampMs> previous_ts;
  for (const TradePage* page : pages) {
    lake_.read(page->key, body_);
    stats.bytes_in += static_cast<std::int64_t>(body_.size());
    if (page->archive) {
      exchanges::find_exchange(input.exchange).parse_trades_archive(body_, input.day, csv_, trades_);
    } else {
      exchange_.parse_trades(body_, trades_);
    }
    for (std::size_t index = 0; index < trades_.size(); ++index) {
      const exchanges::RawTrade& trade = trades_[index];
      const auto reject = [&](TradeRejectReason reason) {
        ++stats.rejects;
        ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
        rejects.text(input.exchange)
            .text(unified)
            .text(page->key)
            .integer(static_cast<std::int64_t>(index))
            .text(trade.id)
            .text(to_string(reason))
            .end_row();
      };
      if (!trade.malformed.empty()) {
        reject(TradeRejectReason::kMalformed);
        continue;
      }
      if (trade.ts < day_start || trade.ts >= day_end) {
        ++stats.outside_day;
        continue;
      }
      TradePosition position{trade.sequence, trade.ts, std::string(trade.id)};
      if (last) {
        const int order = compare_positions(position, last->position);
        if (order == 0) {
          if (last->same_values(trade) && last->position.id == trade.id) {
            ++stats.duplicates;
          } else {
            reject(TradeRejectReason::kConflictingDuplicate);
          }
          continue;
        }
        if (order < 0) {
          reject(TradeRejectReason::kOutOfOrder);
          continue;
        }
      }
      // Every trade in order counts for completeness, taken or rejected: a rejected trade is
      // accounted for, not missing.
      if (trade.sequence) {
        stats.numbered = true;
        if (last && last->position.sequence && *trade.sequence > *last->position.sequence + 1) {
          const SequenceGap gap{*last->position.sequence + 1, *trade.sequence - 1, last->position.ts,
                                trade.ts};
          stats.missing += gap.last - gap.first + 1;
          if (stats.gaps.size() < kMaxReportedGaps) stats.gaps.push_back(gap);
        }
        if (!stats.first_sequence) stats.first_sequence = trade.sequence;
        stats.last_sequence = trade.sequence;
      }
      note_silence(stats.longest_silences, previous_ts.value_or(day_start), trade.ts);
      previous_ts = trade.ts;
      if (!stats.first_ts) stats.first_ts = trade.ts;
      stats.last_ts = trade.ts;
      last = TakenTrade{std::move(position), std::string(trade.price), std::string(trade.amount),
                        std::string(trade.side)};

      if (!is_decimal(trade.price) || !is_decimal(trade.amount)) {
        reject(TradeRejectReason::kInvalidDecimal);
        continue;
      }
      if (is_negative_decimal(trade.price) || is_zero_decimal(trade.price) ||
          is_negative_decimal(trade.amount) || is_zero_decimal(trade.amount)) {
        reject(TradeRejectReason::kNotPositive);
        continue;
      }
      if (trade.side != "buy" && trade.side != "sell") {
        reject(TradeRejectReason::kBadSide);
        continue;
      }
      const auto unfit = rows.text(input.exchange)
                             .text(unified)
                             .text(trade.id)
                             .integer(trade.sequence)
                             .timestamp(trade.ts)
                             .decimal(trade.price)
                             .decimal(trade.amount)
                             .text(trade.side)
                             .end_row();
      if (unfit) {
        reject(TradeRejectReason::kDecimalOutOfRange);
        continue;
      }
      ++stats.rows;
    }
  }
  if (stats.numbered) {
    stats.longest_silences.clear();
  } else {
    note_silence(stats.longest_silences, previous_ts.value_or(day_start),
                 std::min(input.covered_until, day_end));
  }
  return stats;
}

}  // namespace cryptopipe::transform
