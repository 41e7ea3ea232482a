#include "cryptopipe/transform/ticker_transform.h"

#include <cctype>
#include <set>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::transform {
namespace {

void reject(const TickerSnapshot& snapshot, std::string_view market_id,
            TickerRejectReason reason, SilverCsvWriter& rejects, TickerStats& stats) {
  ++stats.rejects;
  ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  std::string& out = rejects.row_buffer();
  out += snapshot.exchange;
  out += ',';
  out += snapshot.bronze_key;
  out += ',';
  // Market ids are exchange tokens; keep the CSV unquotable by dropping anything else.
  for (const char c : market_id) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-') out += c;
  }
  out += ',';
  out += to_string(reason);
  rejects.end_row();
}

}  // namespace

const std::vector<std::string_view>& ticker_columns() {
  static const std::vector<std::string_view> kColumns = {
      "exchange", "symbol", "ts",   "ts_source",   "last",         "bid",
      "bid_size", "ask",    "ask_size", "open",    "high",         "low",
      "base_volume", "quote_volume", "change_percent"};
  return kColumns;
}

const std::vector<std::string_view>& ticker_reject_columns() {
  static const std::vector<std::string_view> kColumns = {"exchange", "bronze_key", "market_id",
                                                         "reason"};
  return kColumns;
}

std::string_view to_string(TickerRejectReason reason) {
  switch (reason) {
    case TickerRejectReason::kMalformed: return "malformed";
    case TickerRejectReason::kMissingLast: return "missing_last";
    case TickerRejectReason::kInvalidDecimal: return "invalid_decimal";
    case TickerRejectReason::kNegativeVolume: return "negative_volume";
    case TickerRejectReason::kDuplicate: return "duplicate";
  }
  return "unknown";
}

TickerTransformer::TickerTransformer(const lake::ObjectStore& lake,
                                     const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

void TickerTransformer::run(const TickerSnapshot& snapshot, SilverCsvWriter& rows,
                            SilverCsvWriter& rejects, TickerStats& stats) {
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

    if (!ticker.bid.empty() && !ticker.ask.empty() && compare_decimal(ticker.bid, ticker.ask) > 0) {
      ++stats.checks.crossed;
    }
    if (!ticker.low.empty() && !ticker.high.empty() &&
        (compare_decimal(ticker.last, ticker.low) < 0 ||
         compare_decimal(ticker.last, ticker.high) > 0)) {
      ++stats.checks.last_outside_range;
    }
    if (ticker.ts && *ticker.ts < snapshot.requested_at - kStaleAfter) ++stats.checks.stale;

    std::string& out = rows.row_buffer();
    out += snapshot.exchange;
    out += ',';
    out += wanted->second.unified();
    out += ',';
    iso_.append(out, ticker.ts.value_or(snapshot.requested_at));
    out += ticker.ts ? ",exchange" : ",fetch";
    for (const std::string_view value : values) {
      out += ',';
      out += value;
    }
    rows.end_row();
    ++stats.rows;
  }
  for (const auto& [market_id, symbol] : snapshot.wanted) {
    if (!seen.contains(market_id)) ++stats.checks.missing;
  }
}

}  // namespace cryptopipe::transform
