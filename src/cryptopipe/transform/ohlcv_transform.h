#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/ohlcv_validation.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

// The silver OHLCV table and its rejects table.
const SilverSchema& ohlcv_schema();
const SilverSchema& ohlcv_reject_schema();

// One stored raw response of a series, in the order it was fetched.
struct BronzePage {
  std::string key;
  TimestampMs requested_at = 0;  // a candle that closes after this was still forming
  bool archive = false;          // a venue's bulk archive (a zip of CSV), not a REST answer
  // In an archive of the day's whole month: where the day's lines are.
  std::optional<exchanges::ArchiveDaySlice> slice;
};

// Missing candles: open times from `first` to `last` inclusive.
struct Gap {
  TimestampMs first = 0;
  TimestampMs last = 0;
  std::int64_t missing = 0;
};

struct SeriesStats {
  std::int64_t rows = 0;
  std::int64_t open_rows = 0;  // still forming when fetched
  std::int64_t rejects = 0;
  std::array<std::int64_t, kRejectReasonCount> rejects_by_reason{};
  std::vector<Gap> gaps;
  std::int64_t missing = 0;
  std::int64_t bytes_in = 0;
};

struct SeriesInput {
  lake::SeriesId series;
  Timeframe timeframe;
  UtcDay day;
  std::vector<BronzePage> pages;
  // Candles are expected from the day's first boundary up to this time (exclusive): the day's
  // end, or for the current day the end of the candle that was forming at the last fetch.
  TimestampMs expected_until = 0;
};

// Reads the bronze pages of one series and partition, validates every row, takes each page's
// valid rows in open-time order (exchanges may send them in any), drops duplicates,
// writes accepted rows (in open-time order) and rejects (with their reasons) to silver, and
// finds the gaps. Reuses its buffers across calls; not thread safe.
class OhlcvSeriesTransformer {
 public:
  OhlcvSeriesTransformer(const lake::ObjectStore& lake, const exchanges::Exchange& exchange);

  SeriesStats run(const SeriesInput& input, SilverParquetWriter& rows, SilverParquetWriter& rejects);

 private:
  void reject(const SeriesInput& input, const std::string& key, std::size_t row_index,
              const exchanges::RawCandle& row, RejectReason reason, SeriesStats& stats,
              SilverParquetWriter& rejects);

  const lake::ObjectStore& lake_;
  const exchanges::Exchange& exchange_;
  std::string body_;
  std::vector<exchanges::RawCandle> page_rows_;
  std::vector<std::size_t> page_order_;  // indices of a page's valid rows, by open time
  std::vector<TimestampMs> accepted_;
  std::string unified_;  // the series' symbol, BASE/QUOTE
  std::string csv_;      // an archive's inflated CSV, which the rows of its page point into
};

}  // namespace cryptopipe::transform
