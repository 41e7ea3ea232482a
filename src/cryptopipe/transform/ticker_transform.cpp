#include "cryptopipe/transform/ticker_transform.h"

#include <set>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::transform {
namespace {

void reject(const TickerSnapshot& snapshot, std::string_view market_id,
            TickerRejectReason reason, SilverParquetWriter& rejects, TickerStats& stats) {
  ++stats.rejects;
  ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  rejects.text(snapshot.exchange)
      .text(snapshot.bronze_key)
      .text(market_id)
      .text(to_string(reason))
      .end_row();
}

}  // namespace

const SilverSchema& ticker_schema() {
  // Everything but last may be missing from a venue's ticker.
  static const SilverSchema kSchema = {
      {"exchange"}, {"symbol"}, {"ts", ColumnType::kTimestampMs}, {"ts_source"},
      price_column("last"), price_column("bid", true), amount_column("bid_size", true),
      price_column("ask", true), amount_column("ask_size", true), price_column("open", true),
      price_column("high", true), price_column("low", true), amount_column("base_volume", true),
      amount_column("quote_volume", true), price_column("change_percent", true)};
  return kSchema;
}

const SilverSchema& ticker_reject_schema() {
  static const SilverSchema kSchema = {{"exchange"}, {"bronze_key"}, {"market_id"}, {"reason"}};
  return kSchema;
}

std::string_view to_string(TickerRejectReason reason) {
  switch (reason) {
    case TickerRejectReason::kMalformed: return "malformed";
    case TickerRejectReason::kMissingLast: return "missing_last";
    case TickerRejectReason::kInvalidDecimal: return "invalid_decimal";
    case TickerRejectReason::kNegativeVolume: return "negative_volume";
    case TickerRejectReason::kDuplicate: return "duplicate";
    case TickerRejectReason::kDecimalOutOfRange: return "decimal_out_of_range";
  }
  return "unknown";
}

TickerTransformer::TickerTransformer(const lake::ObjectStore& lake,
                                     const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

void TickerTransformer::run(const TickerSnapshot& snapshot, SilverParquetWriter& rows,
                            SilverParquetWriter& rejects, TickerStats& stats) {
  lake_.read(snapshot.bronze_key, body_);
  exchange_.parse_tickers(body_, tickers_);
  std::set<std::string_view> seen;
  for (const exchanges::RawTicker& ticker : tickers_) {
    if (!ticker.malformed.empty()) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kMalformed, rejects, stats);
      continue;
    }
    const auto wanted = snapshot.wanted.find(std::string(ticker.market_id));
    if (wanted == snapshot.wanted.end()) continue;  // bulk endpoints send every market
    if (!seen.insert(ticker.market_id).second) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kDuplicate, rejects, stats);
      continue;
    }
    if (ticker.last.empty()) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kMissingLast, rejects, stats);
      continue;
    }
    const std::string_view values[] = {ticker.last, ticker.bid, ticker.bid_size, ticker.ask,
                                       ticker.ask_size, ticker.open, ticker.high, ticker.low,
                                       ticker.base_volume, ticker.quote_volume,
                                       ticker.change_percent};
    bool valid = true;
    for (const std::string_view value : values) valid = valid && (value.empty() || is_decimal(value));
    if (!valid) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kInvalidDecimal, rejects, stats);
      continue;
    }
    if ((!ticker.base_volume.empty() && is_negative_decimal(ticker.base_volume)) ||
        (!ticker.quote_volume.empty() && is_negative_decimal(ticker.quote_volume))) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kNegativeVolume, rejects, stats);
      continue;
    }

    const std::string symbol = wanted->second.unified();  // outlives end_row()
    rows.text(snapshot.exchange)
        .text(symbol)
        .timestamp(ticker.ts.value_or(snapshot.requested_at))
        .text(ticker.ts ? "exchange" : "fetch");
    for (const std::string_view value : values) rows.decimal(value);
    if (rows.end_row()) {
      reject(snapshot, ticker.market_id, TickerRejectReason::kDecimalOutOfRange, rejects, stats);
      continue;
    }
    ++stats.rows;

    if (!ticker.bid.empty() && !ticker.ask.empty() && compare_decimal(ticker.bid, ticker.ask) > 0) {
      ++stats.checks.crossed;
    }
    if (!ticker.low.empty() && !ticker.high.empty() &&
        (compare_decimal(ticker.last, ticker.low) < 0 ||
         compare_decimal(ticker.last, ticker.high) > 0)) {
      ++stats.checks.last_outside_range;
    }
    if (ticker.ts && *ticker.ts < snapshot.requested_at - kStaleAfter) ++stats.checks.stale;
  }
  for (const auto& [market_id, symbol] : snapshot.wanted) {
    if (!seen.contains(market_id)) ++stats.checks.missing;
  }
}

}  // namespace cryptopipe::transform
