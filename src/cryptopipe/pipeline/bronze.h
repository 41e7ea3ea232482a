#pragma once

#include <array>
#include <nlohmann/json.hpp>
#include <string>

#include "cryptopipe/exchanges/archive.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/run_context.h"
#include "cryptopipe/transform/silver_parquet.h"
#include "cryptopipe/warehouse/warehouse.h"

namespace cryptopipe::pipeline {

// Where assets meet the lake: what extract assets store, and how the next asset finds it.

// Stores one raw response byte for byte as {prefix}{fetched}-{run_id}-{seq}-{sha12}.json, with
// its provenance (URL, parameters, status, request and fetch times, run id, sha256) as the
// object's metadata. Returns the key; a key is unique per fetch and never reused.
std::string store_raw_response(RunContext& context, const std::string& prefix, int sequence,
                               const exchanges::RawResponse& raw);

// Stores a bulk archive byte for byte as {prefix}{fetched}-{run_id}-{seq}-{sha12}.{zip|csv.gz},
// with its provenance (URL, the checksum file's URL where there is one, the SHA-256, fetch
// times, run id).
std::string store_archive(RunContext& context, const std::string& prefix, int sequence,
                          const exchanges::ArchiveFile& archive);

// The manifest's record of a stored archive: page_record() with `source: archive`, the checksum
// file's URL (null where the venue publishes none) and the SHA-256.
nlohmann::json archive_page_record(const std::string& key, const exchanges::ArchiveFile& archive,
                                   std::size_t rows);
// Logs that the day's archive of a series was set aside for REST, and returns the reason, which
// its manifest keeps as `archive_refused`.
std::string refuse_archive(RunContext& context, const lake::SeriesId& series, const UtcDay& day,
                           const Error& why);

// What one series' extraction produced, to be committed with the others of its asset.
struct ExtractionRecord {
  std::string manifest_key;
  nlohmann::json manifest;
  nlohmann::json summary;  // the series in the asset's metadata
  std::int64_t rows = 0;
  std::int64_t objects = 0;
};

// Throws Error(kInvalidInput) naming the venue's reach when it serves only its last `days` days
// of `what` ("public trades") and `day` began before them at time `now`; 0 days: no limit.
void require_recent_day(const std::string& exchange, int days, std::string_view what,
                        const UtcDay& day, TimestampMs now);

// The record of a day's extraction of one series paged through time (trades, funding, open
// interest): the manifest's common fields, `covered_until` (how far the extraction saw: the
// day's end, or the last request's time), the pages, the summary and a log line. Objects count
// the pages and the manifest; the asset adds its own fields.
ExtractionRecord series_extraction_record(RunContext& context, const lake::SeriesId& series,
                                          const UtcDay& day, TimestampMs started,
                                          TimestampMs last_requested_at, std::int64_t rows,
                                          nlohmann::json pages);

// Extracts `count` series of one exchange: a few workers at once (fetch_concurrency), each on a
// client leased from the exchange's pool for its series (`extract(i, client)`), all within the
// exchange's shared rate limit; the first failure stops the others after their current series.
// Then one flush for every page, the manifests (each series' commit point) and a last flush.
// The result counts rows and objects and lists the summaries under metadata[summaries].
AssetResult extract_and_commit(
    RunContext& context, const std::string& exchange, std::size_t count,
    const std::function<ExtractionRecord(std::size_t, exchanges::Exchange&)>& extract,
    const std::string& summaries);

// Publishes a manifest, the commit point of what it names: flushes the objects written so far,
// writes the manifest, flushes again. A manifest therefore never outlives what it points to.
void commit_manifest(RunContext& context, const std::string& key, const nlohmann::json& manifest);

// The manifest of a snapshot extraction (tickers, order books) of this run: its key, and the
// fields every such manifest starts with; the asset adds its own and the pages.
std::string snapshot_manifest_key(const RunContext& context, const std::string& exchange,
                                  std::string_view dataset, const UtcDay& day);
nlohmann::json snapshot_manifest(const RunContext& context, const std::string& exchange,
                                 std::string_view dataset, const UtcDay& day);

// The record of a stored page in an extraction manifest.
nlohmann::json page_record(const std::string& key, const exchanges::RawResponse& raw,
                           std::size_t rows);

// The newest silver manifest of a dataset's day (run ids sort in time order). Throws
// Error(kNotFound) naming the dataset, the day and the asset to materialize first.
std::string latest_silver_manifest(const lake::ObjectStore& lake, std::string_view dataset,
                                   const UtcDay& day);
// The data table a silver manifest names; Error(kBadPayload) for an unreadable manifest, and
// for one of a format this version no longer reads (the line says what to re-run).
std::string silver_data_key(const lake::ObjectStore& lake, const std::string& manifest_key);

// The silver run a transform writes: its keys, and its rows' and rejects' tables, open for
// writing (nothing is visible until they finish).
struct SilverRun {
  SilverRun(RunContext& context, std::string_view dataset, const UtcDay& day,
            const transform::SilverSchema& schema, const transform::SilverSchema& reject_schema);

  std::string dataset;
  const transform::SilverSchema& schema;
  const transform::SilverSchema& reject_schema;
  std::string prefix;  // silver/{dataset}/dt={day}/run={run_id}/
  std::string data_key;
  std::string rejects_key;
  // Named with a leading '_', which Spark, Hive and Arrow datasets skip as not data.
  std::string manifest_key;
  transform::SilverParquetWriter rows;
  transform::SilverParquetWriter rejects;
};

// What every silver manifest starts with: dataset, partition, run id, creation time, and its
// tables (format, data and rejects keys, columns and their types).
nlohmann::json silver_manifest_head(RunContext& context, const UtcDay& day,
                                    const SilverRun& run);

// What a snapshot transform found, for its silver manifest and the asset's result.
struct SilverSummary {
  std::int64_t rows = 0;
  std::int64_t rejects = 0;
  nlohmann::json reject_reasons;  // reason → count
  nlohmann::json checks;          // check name → passed
  nlohmann::json findings;        // the counts behind the checks
  nlohmann::json sources;         // the extractions read
};

// Finishes the run's tables, writes the silver manifest (last: it is the commit point of the
// silver run) and returns the asset's result, checks included.
AssetResult publish_silver(RunContext& context, const UtcDay& day, SilverRun& run,
                           const SilverSummary& silver);

// The result of loading a silver run into a gold table (and its log line).
AssetResult loaded(RunContext& context, const UtcDay& day, const warehouse::Warehouse& warehouse,
                   const warehouse::LoadStats& stats, const std::string& silver_manifest,
                   std::string_view table);

// Reject counts indexed by a reason enum, as {reason name: count} for the reasons that occurred.
template <typename Reason, std::size_t kReasons>
nlohmann::json reason_counts(const std::array<std::int64_t, kReasons>& by_reason) {
  nlohmann::json counts = nlohmann::json::object();
  for (std::size_t i = 0; i < kReasons; ++i) {
    if (by_reason[i] > 0) counts[std::string(to_string(static_cast<Reason>(i)))] = by_reason[i];
  }
  return counts;
}

// The newest extraction manifest under a prefix ending in "_extractions/", or "" when none.
std::string latest_extraction(const lake::ObjectStore& lake, const std::string& prefix);

}  // namespace cryptopipe::pipeline
