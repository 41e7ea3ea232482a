#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

// The two histories of a linear perpetual, each its own dataset through bronze, silver, gold.
enum class PerpDataset { kFunding, kOpenInterest };
std::string_view dataset_name(PerpDataset dataset);  // "funding", "open_interest"

// The silver tables: funding (exchange, symbol, funding_time, funding_rate, mark_price),
// open_interest (exchange, symbol, period, ts, open_interest [base], open_interest_value
// [quote]) and their rejects.
const SilverSchema& perp_schema(PerpDataset dataset);
const SilverSchema& perp_reject_schema();

enum class PerpRejectReason {
  kMalformed,             // not a point of the expected shape
  kInvalidDecimal,        // a value that is not an exact decimal
  kNegative,              // open interest or its value below zero, a mark price not above it
  kConflictingDuplicate,  // the same time twice with different values
  kDecimalOutOfRange,     // a value with more digits than its silver column holds
};
inline constexpr int kPerpRejectReasonCount =
    static_cast<int>(PerpRejectReason::kDecimalOutOfRange) + 1;
std::string_view to_string(PerpRejectReason reason);

// Funding happens every 8 hours on all three venues unless a market says otherwise (some
// Binance markets fund every 4 or 1 hours): the series' own spacing wins when it is shorter.
inline constexpr TimestampMs kNominalFundingIntervalMs = 8 * kMillisPerHour;
// A funding time this close to its slot is that slot's event (venues stamp a few ms late).
inline constexpr TimestampMs kFundingSlotToleranceMs = kMillisPerMinute;

struct PerpSeriesInput {
  std::string exchange;
  Symbol symbol;
  UtcDay day;
  std::vector<std::string> pages;  // bronze keys of the responses, in any order
  // Where open interest comes in contracts: the base amount of one contract.
  std::string contract_size;
  std::optional<Timeframe> period;  // open interest: the sampling period
  // The extraction saw the market up to here: the day's end, or the time of its last request.
  TimestampMs covered_until = 0;
};

// Expected points (funding slots, sampling times) not in the series: from `first` to `last`.
struct MissingRange {
  TimestampMs first = 0;
  TimestampMs last = 0;
  std::int64_t points = 0;
};

struct PerpSeriesStats {
  std::int64_t rows = 0;
  std::int64_t rejects = 0;
  std::array<std::int64_t, kPerpRejectReasonCount> rejects_by_reason{};
  std::int64_t duplicates = 0;   // identical copies (pages overlapping)
  std::int64_t outside_day = 0;  // points of neighbouring days on the pages
  TimestampMs interval_ms = 0;   // the spacing the series is checked against
  std::int64_t expected = 0;     // points the day should have up to covered_until
  std::int64_t missing = 0;
  std::vector<MissingRange> missing_ranges;  // the first kMaxReportedMissingRanges
  std::int64_t bytes_in = 0;
};
inline constexpr std::size_t kMaxReportedMissingRanges = 20;

// Reads one market's bronze pages of a day, keeps the day's points oldest first, validates
// them, drops identical copies, turns contracts into base, writes rows and rejects, and counts
// the expected points that are not there. A day holds at most a few hundred points: they are
// gathered in memory. Reuses its buffers; not thread safe.
class PerpSeriesTransformer {
 public:
  PerpSeriesTransformer(const lake::ObjectStore& lake, const exchanges::Exchange& exchange,
                        PerpDataset dataset);

  PerpSeriesStats run(const PerpSeriesInput& input, SilverParquetWriter& rows,
                      SilverParquetWriter& rejects);

 private:
  const lake::ObjectStore& lake_;
  const exchanges::Exchange& exchange_;
  PerpDataset dataset_;
  std::string body_;
  std::vector<exchanges::RawPerpPoint> points_;
};

}  // namespace cryptopipe::transform
