#include "cryptopipe/lake/keys.h"

#include <array>
#include <cstdio>

#include "cryptopipe/core/error.h"

namespace cryptopipe::lake {
namespace {

bool is_key_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '.' || c == '_' || c == '=' || c == '-';
}

std::string series_prefix(const SeriesId& series) {
  std::string prefix =
      "bronze/" + series.exchange + "/" + series.dataset + "/" + series.symbol.key_segment() + "/";
  if (!series.timeframe.empty()) prefix += series.timeframe + "/";
  return prefix;
}

}  // namespace

void validate_key(std::string_view key) {
  const auto refuse = [&](const std::string& why) {
    return Error(ErrorKind::kInvalidInput, "refused lake key '" + std::string(key) + "': " + why);
  };
  if (key.empty()) throw refuse("empty");
  if (key.size() > 1024) throw refuse("longer than 1024 bytes");
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t slash = std::min(key.find('/', start), key.size());
    const std::string_view segment = key.substr(start, slash - start);
    if (segment.empty()) throw refuse("empty path segment (leading, trailing or double '/')");
    if (segment == "." || segment == "..") throw refuse("'.' and '..' segments would escape");
    if (segment.front() == '.') throw refuse("segments may not start with '.'");
    for (const char c : segment) {
      if (!is_key_char(c)) throw refuse("character outside [A-Za-z0-9._=-]");
    }
    start = slash + 1;
  }
}

std::string bronze_partition_prefix(const SeriesId& series, const UtcDay& day) {
  return series_prefix(series) + "dt=" + day.to_string() + "/";
}

std::string bronze_month_prefix(const SeriesId& series, const UtcDay& day) {
  return series_prefix(series) + "month=" + day.to_string().substr(0, 7) + "/";
}

std::string bronze_object_key(const std::string& prefix, TimestampMs fetched_at,
                              std::string_view run_id, int sequence,
                              std::string_view body_sha256_hex, std::string_view extension) {
  std::array<char, 16> seq{};
  std::snprintf(seq.data(), seq.size(), "%04d", sequence);
  return prefix + format_compact_utc(fetched_at) + "-" + std::string(run_id) + "-" + seq.data() +
         "-" + std::string(body_sha256_hex.substr(0, 12)) + "." + std::string(extension);
}

std::string bronze_object_key(const SeriesId& series, const UtcDay& day, TimestampMs fetched_at,
                              std::string_view run_id, int sequence,
                              std::string_view body_sha256_hex) {
  return bronze_object_key(bronze_partition_prefix(series, day), fetched_at, run_id, sequence,
                           body_sha256_hex);
}

std::string bronze_snapshot_prefix(std::string_view exchange, std::string_view dataset,
                                   const UtcDay& day) {
  return "bronze/" + std::string(exchange) + "/" + std::string(dataset) + "/dt=" +
         day.to_string() + "/";
}

std::string extraction_manifest_prefix(const SeriesId& series, const UtcDay& day) {
  return bronze_partition_prefix(series, day) + "_extractions/";
}

std::string extraction_manifest_key(const SeriesId& series, const UtcDay& day,
                                    std::string_view run_id) {
  return extraction_manifest_prefix(series, day) + std::string(run_id) + ".json";
}

std::string snapshot_extraction_prefix(std::string_view exchange, std::string_view dataset,
                                       const UtcDay& day) {
  return bronze_snapshot_prefix(exchange, dataset, day) + "_extractions/";
}

std::string silver_partition_prefix(std::string_view dataset, const UtcDay& day) {
  return "silver/" + std::string(dataset) + "/dt=" + day.to_string() + "/";
}

std::string silver_run_prefix(std::string_view dataset, const UtcDay& day,
                              std::string_view run_id) {
  return silver_partition_prefix(dataset, day) + "run=" + std::string(run_id) + "/";
}

std::string silver_rejects_run_prefix(std::string_view dataset, const UtcDay& day,
                                      std::string_view run_id) {
  return silver_run_prefix(std::string(dataset) + "_rejects", day, run_id);
}

}  // namespace cryptopipe::lake
