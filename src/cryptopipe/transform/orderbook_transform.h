#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

// The silver order-book table (one row per level) and its rejects table.
const SilverSchema& orderbook_schema();
const SilverSchema& orderbook_reject_schema();

enum class LevelRejectReason {
  kMalformed,          // not a [price, amount] pair
  kInvalidDecimal,     // price or amount not an exact decimal
  kNonPositivePrice,   // price <= 0
  kNonPositiveAmount,  // amount <= 0
  kDecimalOutOfRange,  // price or amount with more digits than its silver column holds
};
inline constexpr int kLevelRejectReasonCount =
    static_cast<int>(LevelRejectReason::kDecimalOutOfRange) + 1;
std::string_view to_string(LevelRejectReason reason);

// One stored book response.
struct BookSnapshot {
  std::string exchange;
  Symbol symbol;
  std::string bronze_key;
  TimestampMs requested_at = 0;  // the book time where the exchange stamps none
  int depth = 0;                 // levels asked for per side; levels past it are not kept
};

// Data-quality findings, reported as checks: a crossed or unsorted book is kept as it came.
struct BookChecks {
  std::int64_t unsorted = 0;  // books whose bids do not fall or asks do not rise strictly
  std::int64_t crossed = 0;   // books whose best bid >= best ask
  std::int64_t short_books = 0;  // books with fewer levels on a side than asked for
};

struct BookStats {
  std::int64_t books = 0;
  std::int64_t rows = 0;  // levels
  std::int64_t rejects = 0;
  std::array<std::int64_t, kLevelRejectReasonCount> rejects_by_reason{};
  BookChecks checks;
};

// Reads one book, validates every level, writes them (level 0 = best) and the rejects, and
// checks the book as a whole. Not thread safe; reuses its buffers.
class OrderBookTransformer {
 public:
  OrderBookTransformer(const lake::ObjectStore& lake, const exchanges::Exchange& exchange);
  void run(const BookSnapshot& snapshot, SilverParquetWriter& rows, SilverParquetWriter& rejects,
           BookStats& stats);

 private:
  const lake::ObjectStore& lake_;
  const exchanges::Exchange& exchange_;
  std::string body_;
  exchanges::RawBook book_;
};

}  // namespace cryptopipe::transform
