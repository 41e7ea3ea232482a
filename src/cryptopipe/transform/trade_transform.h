#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

// The silver trades table and its rejects table.
const SilverSchema& trade_schema();
const SilverSchema& trade_reject_schema();

enum class TradeRejectReason {
  kMalformed,             // not a trade of the expected shape
  kInvalidDecimal,        // a price or amount that is not an exact decimal
  kNotPositive,           // price or amount <= 0
  kBadSide,               // a taker side other than buy or sell
  kConflictingDuplicate,  // the same trade id twice with different values
  kOutOfOrder,            // older than a trade already taken, and not a copy of the last one
  kDecimalOutOfRange,     // a value with more digits than its silver column holds
};
inline constexpr int kTradeRejectReasonCount =
    static_cast<int>(TradeRejectReason::kDecimalOutOfRange) + 1;
std::string_view to_string(TradeRejectReason reason);

// Where a trade stands in its market's history: the venue's number where it numbers trades,
// else its time and then its id (ids of one venue grow with time: digits compare by length).
struct TradePosition {
  std::optional<std::int64_t> sequence;
  TimestampMs ts = 0;
  std::string id;
};
// Negative, zero or positive as a comes before, with or after b.
int compare_positions(const TradePosition& a, const TradePosition& b);

// One stored page of a trades extraction: its key and the position of its oldest trade, so
// that pages are read oldest first whichever way the venue paged (OKX pages backwards).
struct TradePage {
  std::string key;
  std::int64_t rows = 0;
  TradePosition first;
  bool archive = false;  // a venue's bulk archive (a zip of CSV), not a REST answer
};

struct TradeSeriesInput {
  std::string exchange;
  Symbol symbol;
  UtcDay day;
  std::vector<TradePage> pages;
  // The extraction saw the market up to here: the day's end, or for the current day the time
  // of its last request. A silence is measured up to it, not to the day's end.
  TimestampMs covered_until = 0;
};

// Venue trade numbers proven missing: from `first` to `last` inclusive, between the trades at
// `after` and `before`.
struct SequenceGap {
  std::int64_t first = 0;
  std::int64_t last = 0;
  TimestampMs after = 0;
  TimestampMs before = 0;
};

// A stretch without trades, where a venue's ids cannot prove that none is missing.
struct Silence {
  TimestampMs from = 0;
  TimestampMs to = 0;
};

struct TradeSeriesStats {
  std::int64_t rows = 0;
  std::int64_t rejects = 0;
  std::array<std::int64_t, kTradeRejectReasonCount> rejects_by_reason{};
  std::int64_t duplicates = 0;   // identical copies of a trade taken (page overlaps)
  std::int64_t outside_day = 0;  // trades of neighbouring days on the pages
  bool numbered = false;         // the venue numbers the market's trades one by one
  std::int64_t missing = 0;      // trade numbers proven missing (numbered venues)
  std::vector<SequenceGap> gaps;        // the first kMaxReportedGaps of them
  std::vector<Silence> longest_silences;  // unnumbered venues: the longest, longest first
  std::optional<TimestampMs> first_ts, last_ts;
  std::optional<std::int64_t> first_sequence, last_sequence;
  std::int64_t bytes_in = 0;
};
inline constexpr std::size_t kMaxReportedGaps = 100;
inline constexpr std::size_t kReportedSilences = 5;

// Reads the bronze pages of one market's trades oldest first, keeps the day's trades,
// validates each, drops identical copies, writes rows and rejects to silver, and proves
// (numbered venues) or estimates (the others: silences) completeness. Streams one page at a
// time, whatever the day's size. Reuses its buffers; not thread safe.
class TradeSeriesTransformer {
 public:
  TradeSeriesTransformer(const lake::ObjectStore& lake, const exchanges::Exchange& exchange);

  TradeSeriesStats run(const TradeSeriesInput& input, SilverParquetWriter& rows,
                       SilverParquetWriter& rejects);

 private:
  const lake::ObjectStore& lake_;
  const exchanges::Exchange& exchange_;
  std::string body_;
  std::string csv_;  // an archive's inflated CSV, which the trades of its page point into
  std::vector<exchanges::RawTrade> trades_;
};

}  // namespace cryptopipe::transform
