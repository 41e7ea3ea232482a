#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/time.h"
#include "cryptopipe/lake/object_store.h"

namespace cryptopipe::transform {

// Silver tables are Apache Parquet files (written with Arrow's Parquet C++ library): typed
// columns that DuckDB, Polars, pandas/pyarrow, Spark and Trino read directly. docs/lake.md has
// the schemas and the reasons for each decimal type.

enum class ColumnType {
  kString,       // UTF-8, dictionary-encoded
  kTimestampMs,  // TIMESTAMP(MILLIS, isAdjustedToUTC=true)
  kDecimal,      // DECIMAL(precision, scale)
  kInt64,
  kBool,
};

struct SilverColumn {
  std::string_view name;
  ColumnType type = ColumnType::kString;
  bool nullable = false;
  int precision = 0;  // kDecimal only
  int scale = 0;
};
using SilverSchema = std::vector<SilverColumn>;

// Prices: venues send up to 10 fractional digits (Gate; OKX 9, the others 8), and a price in
// a weak fiat currency (BTC/IDR) reaches 10 integer digits; 16 integer and 12 fractional.
inline constexpr SilverColumn price_column(std::string_view name, bool nullable = false) {
  return {name, ColumnType::kDecimal, nullable, 28, 12};
}
// Amounts and volumes: quote volumes are sums of price x amount, with more fractional digits
// than either (up to 16 from 8-digit venues) and up to 13 integer digits seen (Gate); the
// widest Parquet decimal, 20 integer and 18 fractional.
inline constexpr SilverColumn amount_column(std::string_view name, bool nullable = false) {
  return {name, ColumnType::kDecimal, nullable, 38, 18};
}

std::vector<std::string_view> column_names(const SilverSchema& schema);
// The type as manifests name it: "string", "timestamp[ms, UTC]", "decimal(28,12)", "int64", "bool".
std::string describe_type(const SilverColumn& column);

// Writes one silver table as it is produced: rows are staged into Arrow arrays a batch at a
// time and encoded into row groups of up to kRowGroupRows rows (zstd, dictionary-encoded
// strings, page checksums), so memory stays bounded whatever the table's size. Nothing is
// visible in the lake until finish().
class SilverParquetWriter {
 public:
  static constexpr std::int64_t kRowGroupRows = 128 * 1024;

  SilverParquetWriter(lake::ObjectStore& store, const std::string& key,
                      const SilverSchema& schema, int compression_level);
  ~SilverParquetWriter();
  SilverParquetWriter(const SilverParquetWriter&) = delete;
  SilverParquetWriter& operator=(const SilverParquetWriter&) = delete;

  // One row: a call per column in schema order, then end_row(). Text must stay valid until
  // end_row(). An empty decimal or a nullopt integer is NULL (nullable columns only).
  SilverParquetWriter& text(std::string_view value);
  SilverParquetWriter& timestamp(TimestampMs value);
  SilverParquetWriter& decimal(std::string_view value);
  SilverParquetWriter& integer(std::optional<std::int64_t> value);
  SilverParquetWriter& boolean(bool value);

  // Appends the staged row. When a decimal does not fit its column's type exactly (or is not
  // a decimal at all), nothing of the row is kept and that column's name is returned: the
  // caller rejects the row, it is never rounded.
  std::optional<std::string_view> end_row();

  // Writes the last row group and the footer, and publishes the object. Returns its size.
  std::size_t finish();
  std::size_t rows() const { return rows_; }

 private:
  struct State;
  std::unique_ptr<State> state_;
  std::size_t rows_ = 0;
};

// Reads a silver table back row by row, as text: decimals in their shortest exact form,
// timestamps as ISO-8601 UTC with milliseconds, booleans as true/false, NULL as "". Checks
// that the file has exactly the expected schema and verifies page checksums.
class SilverParquetReader {
 public:
  SilverParquetReader(const lake::ObjectStore& store, const std::string& key,
                      const SilverSchema& schema);
  ~SilverParquetReader();
  SilverParquetReader(const SilverParquetReader&) = delete;
  SilverParquetReader& operator=(const SilverParquetReader&) = delete;

  // The next row's fields (views valid until the next call); false at the end. Throws
  // Error(kBadPayload) naming the key for a file that is not a readable silver table.
  bool next(std::vector<std::string_view>& fields);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace cryptopipe::transform
