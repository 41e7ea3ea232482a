#pragma once

#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/lake/object_store.h"

namespace cryptopipe::transform {

// Appends the decimal digits of `value` to a CSV row being built.
void append_integer(std::string& out, std::int64_t value);

// Silver tables are CSV (RFC 4180 header line, no quoting needed: every field is a validated
// symbol, token, timestamp or decimal, never containing ',', '"' or a line break) compressed
// with zstd (.csv.zst), which DuckDB, Polars, pandas and the zstd CLI read directly.
//
// Writes rows as they come: memory stays bounded by one compression block whatever the size
// of the table. Nothing is visible in the lake until finish().
class SilverCsvWriter {
 public:
  SilverCsvWriter(lake::ObjectStore& store, const std::string& key,
                  const std::vector<std::string_view>& columns, int compression_level);
  ~SilverCsvWriter();
  SilverCsvWriter(const SilverCsvWriter&) = delete;
  SilverCsvWriter& operator=(const SilverCsvWriter&) = delete;

  // The caller appends one row's fields, comma-separated, without the line break.
  std::string& row_buffer() { return pending_; }
  void end_row();

  // Flushes, ends the zstd frame and publishes the object. Returns the compressed size.
  std::size_t finish();
  std::size_t rows() const { return rows_; }

 private:
  struct ContextDeleter {
    void operator()(ZSTD_CCtx* context) const { ZSTD_freeCCtx(context); }
  };
  void compress(ZSTD_EndDirective directive);

  std::unique_ptr<lake::ObjectWriter> writer_;
  std::unique_ptr<ZSTD_CCtx, ContextDeleter> context_;
  std::string pending_;
  std::string output_;
  std::size_t rows_ = 0;
  std::size_t compressed_bytes_ = 0;
};

// Reads a silver table back, row by row, streaming the decompression. Checks the header.
class SilverCsvReader {
 public:
  SilverCsvReader(const lake::ObjectStore& store, const std::string& key,
                  const std::vector<std::string_view>& columns);
  ~SilverCsvReader();
  SilverCsvReader(const SilverCsvReader&) = delete;
  SilverCsvReader& operator=(const SilverCsvReader&) = delete;

  // The next row split into fields (views valid until the next call); false at the end.
  // Throws Error(kBadPayload) naming the key and line for a row with the wrong field count.
  bool next(std::vector<std::string_view>& fields);

 private:
  struct ContextDeleter {
    void operator()(ZSTD_DCtx* context) const { ZSTD_freeDCtx(context); }
  };
  bool next_line(std::string_view& line);
  bool fill();

  std::string key_;
  std::size_t expected_fields_;
  std::string compressed_;
  ZSTD_inBuffer input_{};
  std::unique_ptr<ZSTD_DCtx, ContextDeleter> context_;
  std::string text_;
  std::size_t text_pos_ = 0;
  std::size_t line_number_ = 0;
  bool input_done_ = false;
};

}  // namespace cryptopipe::transform
