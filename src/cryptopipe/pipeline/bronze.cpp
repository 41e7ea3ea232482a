#include "cryptopipe/pipeline/bronze.h"

#include <algorithm>
#include <atomic>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/workers.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/lake/keys.h"

namespace cryptopipe::pipeline {
namespace {

constexpr std::string_view kSilverFormat = "parquet";

}  // namespace

std::string store_raw_response(RunContext& context, const std::string& prefix, int sequence,
                               const exchanges::RawResponse& raw) {
  const std::string sha256 = lake::sha256_hex(raw.body);
  const std::string key =
      lake::bronze_object_key(prefix, raw.received_at, context.run_id(), sequence, sha256);
  nlohmann::json params = nlohmann::json::object();
  for (const auto& [name, value] : raw.params) params[name] = value;
  context.lake().put(key, raw.body,
                     {{"url", raw.url},
                      {"params", params.dump()},
                      {"status", std::to_string(raw.status)},
                      {"requested_at", format_iso8601(raw.requested_at)},
                      {"fetched_at", format_iso8601(raw.received_at)},
                      {"run_id", context.run_id()},
                      {"sha256", sha256},
                      {"content-type", "application/json"}});
  return key;
}

std::string store_archive(RunContext& context, const std::string& prefix, int sequence,
                          const exchanges::ArchiveFile& archive) {
  const exchanges::RawResponse& file = archive.file;
  const std::string key = lake::bronze_object_key(prefix, file.received_at, context.run_id(),
                                                  sequence, archive.checksum, archive.extension);
  lake::ObjectMetadata metadata = {{"url", file.url},
                                   {"status", std::to_string(file.status)},
                                   {"requested_at", format_iso8601(file.requested_at)},
                                   {"fetched_at", format_iso8601(file.received_at)},
                                   {"run_id", context.run_id()},
                                   {"sha256", archive.checksum},
                                   {"content-type", archive.content_type}};
  if (!archive.checksum_url.empty()) metadata["checksum_url"] = archive.checksum_url;
  context.lake().put(key, file.body, metadata);
  return key;
}

nlohmann::json archive_page_record(const std::string& key, const exchanges::ArchiveFile& archive,
                                   std::size_t rows) {
  nlohmann::json page = page_record(key, archive.file, rows);
  page["source"] = "archive";
  page["checksum_url"] =
      archive.checksum_url.empty() ? nlohmann::json(nullptr) : nlohmann::json(archive.checksum_url);
  page["sha256"] = archive.checksum;
  return page;
}

std::string refuse_archive(RunContext& context, const lake::SeriesId& series, const UtcDay& day,
                           const Error& why) {
  std::string reason = why.what();
  context.logger().warn("archive refused, the day comes by REST",
                        {{"exchange", series.exchange},
                         {"dataset", series.dataset},
                         {"symbol", series.symbol.unified()},
                         {"timeframe", series.timeframe},
                         {"partition", day.to_string()},
                         {"error", reason}});
  return reason;
}

void require_recent_day(const std::string& exchange, int days, std::string_view what,
                        const UtcDay& day, TimestampMs now) {
  if (days <= 0) return;
  const TimestampMs earliest = now - static_cast<TimestampMs>(days) * kMillisPerDay;
  if (day.start_ms() >= earliest) return;
  throw Error(ErrorKind::kInvalidInput,
              exchange + " serves only the last " + std::to_string(days) + " days of " +
                  std::string(what) + " (from " + format_iso8601(earliest) + " on): partition " +
                  day.to_string() + " is out of its reach; choose a later day");
}

ExtractionRecord series_extraction_record(RunContext& context, const lake::SeriesId& series,
                                          const UtcDay& day, TimestampMs started,
                                          TimestampMs last_requested_at, std::int64_t rows,
                                          nlohmann::json pages) {
  const std::size_t page_count = pages.size();
  ExtractionRecord record;
  record.manifest_key = lake::extraction_manifest_key(series, day, context.run_id());
  record.manifest = {{"run_id", context.run_id()},
                     {"exchange", series.exchange},
                     {"dataset", series.dataset},
                     {"symbol", series.symbol.unified()},
                     {"partition", day.to_string()},
                     {"started_at", format_iso8601(started)},
                     {"completed_at", format_iso8601(context.clock().now_ms())},
                     {"covered_until", std::min(day.end_ms(), last_requested_at)},
                     {"rows", rows},
                     {"pages", std::move(pages)}};
  record.rows = rows;
  record.objects = static_cast<std::int64_t>(page_count) + 1;
  record.summary = {{"symbol", series.symbol.unified()},
                    {"rows", rows},
                    {"pages", page_count},
                    {"manifest", record.manifest_key}};
  context.logger().info("extracted " + series.dataset, {{"exchange", series.exchange},
                                                        {"symbol", series.symbol.unified()},
                                                        {"partition", day.to_string()},
                                                        {"rows", rows},
                                                        {"pages", page_count}});
  return record;
}

AssetResult extract_and_commit(
    RunContext& context, const std::string& exchange, std::size_t count,
    const std::function<ExtractionRecord(std::size_t, exchanges::Exchange&)>& extract,
    const std::string& summaries) {
  std::vector<ExtractionRecord> records(count);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    try {
      for (std::size_t i = next++; i < count; i = next++) {
        const ExchangePool::Lease client = context.lease(exchange);
        records[i] = extract(i, *client);
      }
    } catch (...) {
      next = count;  // the others stop after their current series
      throw;
    }
  };
  run_on_workers(
      std::min<std::size_t>(static_cast<std::size_t>(context.config().fetch_concurrency), count),
      work);

  context.lake().sync();
  AssetResult result;
  nlohmann::json listed = nlohmann::json::array();
  for (const ExtractionRecord& record : records) {
    context.lake().put(record.manifest_key, record.manifest.dump(2),
                       {{"content-type", "application/json"}});
    result.rows += record.rows;
    result.objects += record.objects;
    listed.push_back(record.summary);
  }
  context.lake().sync();
  result.metadata[summaries] = std::move(listed);
  return result;
}

void commit_manifest(RunContext& context, const std::string& key, const nlohmann::json& manifest) {
  context.lake().sync();
  context.lake().put(key, manifest.dump(2), {{"content-type", "application/json"}});
  context.lake().sync();
}

nlohmann::json page_record(const std::string& key, const exchanges::RawResponse& raw,
                           std::size_t rows) {
  return {{"key", key},
          {"url", raw.url},
          {"status", raw.status},
          {"requested_at", raw.requested_at},
          {"received_at", raw.received_at},
          {"rows", rows},
          {"bytes", raw.body.size()}};
}

std::string latest_silver_manifest(const lake::ObjectStore& lake, std::string_view dataset,
                                   const UtcDay& day) {
  // Before Parquet, the manifest was manifest.json: such a run is found too, so that its load
  // says what to re-run rather than that nothing is there.
  constexpr std::string_view kNames[] = {"/_manifest.json", "/manifest.json"};
  std::string latest;
  for (const std::string& key : lake.list(lake::silver_partition_prefix(dataset, day))) {
    for (const std::string_view name : kNames) {
      if (key.ends_with(name)) latest = key;  // sorted by run id, which sorts in time order
    }
  }
  if (latest.empty()) {
    throw Error(ErrorKind::kNotFound, "no silver " + std::string(dataset) + " table for " +
                                          day.to_string() + " in the lake; materialize transform_" +
                                          std::string(dataset) + " first");
  }
  return latest;
}

std::string silver_data_key(const lake::ObjectStore& lake, const std::string& manifest_key) {
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    const std::string format = manifest.value("format", "");
    if (format != kSilverFormat) {
      // Bronze holds everything silver was made of, so re-running the transform is the
      // migration; the older table stays in the lake, untouched.
      const std::string dataset = manifest.at("dataset").get<std::string>();
      throw Error(ErrorKind::kBadPayload,
                  "silver manifest " + manifest_key + " names a '" + format + "' table, which " +
                      "this cryptopipe no longer reads (silver is Parquet now): re-run transform_" +
                      dataset + " for " + manifest.at("partition").get<std::string>() +
                      " and load again");
    }
    return manifest.at("data_key").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "silver manifest " + manifest_key + " is unreadable: " + e.what());
  }
}

SilverRun::SilverRun(RunContext& context, std::string_view dataset, const UtcDay& day,
                     const transform::SilverSchema& schema,
                     const transform::SilverSchema& reject_schema)
    : dataset(dataset),
      schema(schema),
      reject_schema(reject_schema),
      prefix(lake::silver_run_prefix(dataset, day, context.run_id())),
      data_key(prefix + std::string(dataset) + ".parquet"),
      rejects_key(lake::silver_rejects_run_prefix(dataset, day, context.run_id()) +
                  "rejects.parquet"),
      manifest_key(prefix + "_manifest.json"),
      rows(context.lake(), data_key, schema, context.config().silver_compression),
      rejects(context.lake(), rejects_key, reject_schema, context.config().silver_compression) {}

nlohmann::json silver_manifest_head(RunContext& context, const UtcDay& day,
                                    const SilverRun& run) {
  const auto types = [](const transform::SilverSchema& schema) {
    nlohmann::json out = nlohmann::json::object();
    for (const transform::SilverColumn& column : schema) {
      out[std::string(column.name)] = transform::describe_type(column);
    }
    return out;
  };
  return {{"dataset", run.dataset},
          {"partition", day.to_string()},
          {"run_id", context.run_id()},
          {"created_at", format_iso8601(context.clock().now_ms())},
          {"format", kSilverFormat},
          {"data_key", run.data_key},
          {"rejects_key", run.rejects_key},
          {"columns", transform::column_names(run.schema)},
          {"types", types(run.schema)},
          {"reject_types", types(run.reject_schema)}};
}

std::string snapshot_manifest_key(const RunContext& context, const std::string& exchange,
                                  std::string_view dataset, const UtcDay& day) {
  return lake::snapshot_extraction_prefix(exchange, dataset, day) + context.run_id() + ".json";
}

nlohmann::json snapshot_manifest(const RunContext& context, const std::string& exchange,
                                 std::string_view dataset, const UtcDay& day) {
  return {{"run_id", context.run_id()},
          {"exchange", exchange},
          {"dataset", dataset},
          {"partition", day.to_string()}};
}

AssetResult publish_silver(RunContext& context, const UtcDay& day, SilverRun& run,
                           const SilverSummary& silver) {
  const std::size_t silver_bytes = run.rows.finish();
  run.rejects.finish();
  nlohmann::json manifest = silver_manifest_head(context, day, run);
  manifest.update({{"rows", silver.rows},
                   {"rejects", silver.rejects},
                   {"reject_reasons", silver.reject_reasons},
                   {"checks", silver.checks},
                   {"findings", silver.findings},
                   {"sources", silver.sources}});
  commit_manifest(context, run.manifest_key, manifest);

  AssetResult result;
  result.rows = silver.rows;
  result.rejects = silver.rejects;
  result.objects = 3;
  for (const auto& [check, passed] : silver.checks.items()) {
    result.checks.push_back({check, passed.get<bool>(), silver.findings});
  }
  result.metadata = {{"rows", silver.rows},
                     {"rejects", silver.rejects},
                     {"reject_reasons", silver.reject_reasons},
                     {"checks", silver.checks},
                     {"findings", silver.findings},
                     {"silver_bytes", silver_bytes},
                     {"silver_manifest", run.manifest_key}};
  return result;
}

AssetResult loaded(RunContext& context, const UtcDay& day, const warehouse::Warehouse& warehouse,
                   const warehouse::LoadStats& stats, const std::string& silver_manifest,
                   std::string_view table) {
  AssetResult result;
  result.rows = stats.rows_in;
  result.metadata = {{"rows", stats.rows_in},
                     {"inserted", stats.inserted},
                     {"updated", stats.updated},
                     {"unchanged", stats.unchanged},
                     {"silver_manifest", silver_manifest},
                     {"warehouse", warehouse.describe()},
                     {"table", table}};
  context.logger().info("loaded " + std::string(table), {{"partition", day.to_string()},
                                                        {"inserted", stats.inserted},
                                                        {"updated", stats.updated},
                                                        {"unchanged", stats.unchanged}});
  return result;
}

std::string latest_extraction(const lake::ObjectStore& lake, const std::string& prefix) {
  const std::vector<std::string> manifests = lake.list(prefix);
  return manifests.empty() ? std::string() : manifests.back();
}

}  // namespace cryptopipe::pipeline
