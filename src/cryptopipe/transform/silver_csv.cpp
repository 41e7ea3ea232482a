#include "cryptopipe/transform/silver_csv.h"

#include <array>
#include <charconv>

#include "cryptopipe/core/error.h"

namespace cryptopipe::transform {
namespace {

constexpr std::size_t kFlushThreshold = 1 << 17;

std::string header_line(const std::vector<std::string_view>& columns) {
  std::string line;
  for (const std::string_view column : columns) {
    if (!line.empty()) line += ',';
    line += column;
  }
  return line;
}

void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      fields.push_back(line.substr(start));
      return;
    }
    fields.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

}  // namespace

void append_integer(std::string& out, std::int64_t value) {
  std::array<char, 24> buffer{};
  const auto result = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value);
  out.append(buffer.data(), result.ptr);
}

SilverCsvWriter::SilverCsvWriter(lake::ObjectStore& store, const std::string& key,
                                 const std::vector<std::string_view>& columns,
                                 int compression_level)
    : writer_(store.create(key)),  // the manifest describes the format
      context_(ZSTD_createCCtx()) {
  if (!context_) throw Error(ErrorKind::kStorage, "cannot create a zstd context for " + key);
  ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_compressionLevel, compression_level);
  ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_checksumFlag, 1);
  // One background worker: compression overlaps with parsing and validation. A libzstd built
  // without threads refuses the parameter and compresses inline, which is still correct.
  ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_nbWorkers, 1);
  ZSTD_CCtx_setParameter(context_.get(), ZSTD_c_jobSize, 512 * 1024);
  output_.resize(ZSTD_CStreamOutSize());
  pending_ = header_line(columns);
  pending_ += '\n';
}

SilverCsvWriter::~SilverCsvWriter() = default;

void SilverCsvWriter::end_row() {
  pending_ += '\n';
  ++rows_;
  if (pending_.size() >= kFlushThreshold) compress(ZSTD_e_continue);
}

void SilverCsvWriter::compress(ZSTD_EndDirective directive) {
  ZSTD_inBuffer input{pending_.data(), pending_.size(), 0};
  for (;;) {
    ZSTD_outBuffer output{output_.data(), output_.size(), 0};
    const std::size_t remaining = ZSTD_compressStream2(context_.get(), &output, &input, directive);
    if (ZSTD_isError(remaining)) {
      throw Error(ErrorKind::kStorage,
                  std::string("zstd compression failed: ") + ZSTD_getErrorName(remaining));
    }
    writer_->write(std::string_view(output_.data(), output.pos));
    compressed_bytes_ += output.pos;
    const bool consumed = input.pos == input.size;
    if (directive == ZSTD_e_end ? remaining == 0 : consumed) break;
  }
  pending_.clear();
}

std::size_t SilverCsvWriter::finish() {
  compress(ZSTD_e_end);
  writer_->commit();
  return compressed_bytes_;
}

SilverCsvReader::SilverCsvReader(const lake::ObjectStore& store, const std::string& key,
                                 const std::vector<std::string_view>& columns)
    : key_(key), expected_fields_(columns.size()), context_(ZSTD_createDCtx()) {
  if (!context_) throw Error(ErrorKind::kStorage, "cannot create a zstd context for " + key);
  store.read(key, compressed_);
  input_ = {compressed_.data(), compressed_.size(), 0};
  std::string_view header;
  if (!next_line(header) || header != header_line(columns)) {
    throw Error(ErrorKind::kBadPayload, "silver table " + key + " does not start with the header " +
                                            header_line(columns));
  }
}

SilverCsvReader::~SilverCsvReader() = default;

bool SilverCsvReader::fill() {
  if (input_done_) return false;
  text_.erase(0, text_pos_);
  text_pos_ = 0;
  const std::size_t kept = text_.size();
  text_.resize(kept + ZSTD_DStreamOutSize());
  ZSTD_outBuffer output{text_.data() + kept, text_.size() - kept, 0};
  const std::size_t result = ZSTD_decompressStream(context_.get(), &output, &input_);
  if (ZSTD_isError(result)) {
    throw Error(ErrorKind::kBadPayload,
                "silver table " + key_ + " is not valid zstd: " + ZSTD_getErrorName(result));
  }
  text_.resize(kept + output.pos);
  if (input_.pos == input_.size && output.pos < output.size) {
    if (result != 0) {
      throw Error(ErrorKind::kBadPayload, "silver table " + key_ + " is truncated");
    }
    input_done_ = true;
  }
  return true;
}

bool SilverCsvReader::next_line(std::string_view& line) {
  for (;;) {
    const std::size_t newline = text_.find('\n', text_pos_);
    if (newline != std::string::npos) {
      line = std::string_view(text_).substr(text_pos_, newline - text_pos_);
      text_pos_ = newline + 1;
      ++line_number_;
      return true;
    }
    if (!fill()) {
      if (text_pos_ < text_.size()) {
        throw Error(ErrorKind::kBadPayload, "silver table " + key_ + " ends without a line break");
      }
      return false;
    }
  }
}

bool SilverCsvReader::next(std::vector<std::string_view>& fields) {
  std::string_view line;
  if (!next_line(line)) return false;
  split_fields(line, fields);  // views into text_, which only the next call may move
  if (fields.size() != expected_fields_) {
    throw Error(ErrorKind::kBadPayload, "silver table " + key_ + " line " +
                                            std::to_string(line_number_) + " has " +
                                            std::to_string(fields.size()) + " fields, expected " +
                                            std::to_string(expected_fields_));
  }
  return true;
}

}  // namespace cryptopipe::transform
