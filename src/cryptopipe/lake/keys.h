#pragma once

#include <string>
#include <string_view>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"

namespace cryptopipe::lake {

// The key layout of the lake (docs/lake.md has the full picture):
//
//   bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/dt={day}/{fetched}-{run_id}-{seq}-{sha12}.json
//   bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/dt={day}/{fetched}-{run_id}-0000-{sha12}.zip
//                                                                       (a venue's bulk archive)
//   bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/month={YYYY-MM}/{fetched}-{run_id}-0000-{sha12}.zip
//                                            (a month's archive, which each of its days names)
//   bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/dt={day}/_extractions/{run_id}.json
//   bronze/{exchange}/{dataset}/{BASE-QUOTE}/dt={day}/...   (series without a timeframe: trades)
//   bronze/{exchange}/{dataset}/dt={day}/{fetched}-{run_id}-{seq}-{sha12}.json   (snapshots)
//   bronze/{exchange}/{dataset}/dt={day}/_extractions/{run_id}.json
//   silver/{dataset}/dt={day}/run={run_id}/{dataset}.parquet   and   .../_manifest.json
//   silver/{dataset}_rejects/dt={day}/run={run_id}/rejects.parquet
//
// Keys are relative, '/'-separated, made of [A-Za-z0-9._=-] segments; no segment may be
// empty, "." or "..", or start with '.', so a key can never escape the lake's root or collide
// with the stores' own bookkeeping. validate_key() throws Error(kInvalidInput) naming the key.
void validate_key(std::string_view key);

struct SeriesId {
  std::string exchange;
  std::string dataset;
  Symbol symbol;
  std::string timeframe;  // empty for datasets without one (trades)
};

// bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/dt={day}/
std::string bronze_partition_prefix(const SeriesId& series, const UtcDay& day);
// bronze/{exchange}/{dataset}/{BASE-QUOTE}/{timeframe}/month={YYYY-MM}/: the month holding `day`.
std::string bronze_month_prefix(const SeriesId& series, const UtcDay& day);
// {prefix}{fetched}-{run_id}-{seq:04}-{sha12}.json. The run id makes the key unique per fetch
// across processes and machines: runs that overlap (a schedule and a backfill of the same day)
// may fetch the same page in the same millisecond and get the same bytes. Keys of a prefix list
// in fetch-time order.
std::string bronze_object_key(const SeriesId& series, const UtcDay& day, TimestampMs fetched_at,
                              std::string_view run_id, int sequence,
                              std::string_view body_sha256_hex);
// Bulk archives keep their own format: extension "zip".
std::string bronze_object_key(const std::string& prefix, TimestampMs fetched_at,
                              std::string_view run_id, int sequence,
                              std::string_view body_sha256_hex,
                              std::string_view extension = "json");

// Snapshot datasets fetched for many markets at once (tickers):
// bronze/{exchange}/{dataset}/dt={day}/
std::string bronze_snapshot_prefix(std::string_view exchange, std::string_view dataset,
                                   const UtcDay& day);
// bronze/{exchange}/{dataset}/dt={day}/_extractions/
std::string snapshot_extraction_prefix(std::string_view exchange, std::string_view dataset,
                                       const UtcDay& day);
std::string extraction_manifest_key(const SeriesId& series, const UtcDay& day,
                                    std::string_view run_id);
std::string extraction_manifest_prefix(const SeriesId& series, const UtcDay& day);

std::string silver_partition_prefix(std::string_view dataset, const UtcDay& day);
std::string silver_run_prefix(std::string_view dataset, const UtcDay& day,
                              std::string_view run_id);
// Rejects live beside, not inside, their dataset's folders: a reader's glob over
// silver/{dataset}/ finds only tables of one schema.
std::string silver_rejects_run_prefix(std::string_view dataset, const UtcDay& day,
                                      std::string_view run_id);

}  // namespace cryptopipe::lake
