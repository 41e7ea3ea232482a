#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

// The silver tickers table and its rejects table.
const SilverSchema& ticker_schema();
const SilverSchema& ticker_reject_schema();

enum class TickerRejectReason {
  kMalformed,       // not an entry of the expected shape
  kMissingLast,     // no last price
  kInvalidDecimal,  // a price or amount that is not an exact decimal
  kNegativeVolume,  // base or quote volume < 0
  kDuplicate,       // the same market twice in one snapshot
  kDecimalOutOfRange,  // a value with more digits than its silver column holds
};
inline constexpr int kTickerRejectReasonCount =
    static_cast<int>(TickerRejectReason::kDecimalOutOfRange) + 1;
std::string_view to_string(TickerRejectReason reason);

// One stored tickers response and what was asked of it.
struct TickerSnapshot {
  std::string exchange;
  std::string bronze_key;
  TimestampMs requested_at = 0;  // the ticker time where the exchange stamps none
  std::map<std::string, Symbol> wanted;  // exchange market id → unified symbol
};

// Data-quality findings: reported as checks, never hidden by dropping rows.
struct TickerChecks {
  std::int64_t crossed = 0;             // bid > ask
  std::int64_t last_outside_range = 0;  // last outside [low, high]
  std::int64_t stale = 0;               // exchange timestamp older than kStaleAfter at fetch
  std::int64_t missing = 0;             // wanted markets absent from the snapshot
};
inline constexpr TimestampMs kStaleAfter = 10 * kMillisPerMinute;

struct TickerStats {
  std::int64_t rows = 0;
  std::int64_t rejects = 0;
  std::array<std::int64_t, kTickerRejectReasonCount> rejects_by_reason{};
  TickerChecks checks;
};

// Reads one snapshot, keeps the wanted markets, validates them and writes rows and rejects.
// Not thread safe; reuses its buffers.
class TickerTransformer {
 public:
  TickerTransformer(const lake::ObjectStore& lake, const exchanges::Exchange& exchange);
  void run(const TickerSnapshot& snapshot, SilverParquetWriter& rows, SilverParquetWriter& rejects,
           TickerStats& stats);

 private:
  const lake::ObjectStore& lake_;
  const exchanges::Exchange& exchange_;
  std::string body_;
  std::vector<exchanges::RawTicker> tickers_;
};

}  // namespace cryptopipe::transform
