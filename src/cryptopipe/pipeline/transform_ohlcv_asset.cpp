#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/transform/ohlcv_transform.h"

namespace cryptopipe::pipeline {
namespace {

// The newest complete extraction of the series: run ids sort in time order.
transform::SeriesInput find_latest_extraction(const lake::ObjectStore& lake,
                                              const lake::SeriesId& series,
                                              const Timeframe& timeframe, const UtcDay& day,
                                              std::string& manifest_key) {
  const std::vector<std::string> manifests =
      lake.list(lake::extraction_manifest_prefix(series, day));
  if (manifests.empty()) {
    throw Error(ErrorKind::kNotFound,
                "no complete bronze extraction of " + series.exchange + " " +
                    series.symbol.unified() + " " + series.timeframe + " for " + day.to_string() +
                    " in the lake; materialize extract_" + series.exchange + "_ohlcv first");
  }
  manifest_key = manifests.back();
  transform::SeriesInput input{series, timeframe, day, {}, 0};
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    input.expected_until = manifest.at("expected_until").get<TimestampMs>();
    for (const nlohmann::json& page : manifest.at("pages")) {
      transform::BronzePage& record = input.pages.emplace_back(transform::BronzePage{
          page.at("key").get<std::string>(), page.at("requested_at").get<TimestampMs>(),
          page.value("source", "rest") == "archive", std::nullopt});
      if (const auto slice = page.find("slice"); slice != page.end()) {
        record.slice = exchanges::ArchiveDaySlice{.day = day.start_ms(),
                                                  .from = slice->at("from").get<std::int64_t>(),
                                                  .to = slice->at("to").get<std::int64_t>(),
                                                  .first_row = slice->at("first_row").get<std::int64_t>(),
                                                  .rows = page.at("rows").get<std::int64_t>()};
      }
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "extraction manifest " + manifest_key + " is unreadable: " + e.what());
  }
  return input;
}

nlohmann::json gaps_json(const std::vector<transform::Gap>& gaps) {
  nlohmann::json out = nlohmann::json::array();
  for (const transform::Gap& gap : gaps) {
    out.push_back({{"first", format_iso8601(gap.first)},
                   {"last", format_iso8601(gap.last)},
                   {"missing", gap.missing}});
  }
  return out;
}

}  // namespace

AssetResult transform_ohlcv(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out) {
  lake::ObjectStore& lake = context.lake();
  SilverRun silver(context, "ohlcv", day, transform::ohlcv_schema(),
                   transform::ohlcv_reject_schema());

  AssetResult result;
  std::array<std::int64_t, transform::kRejectReasonCount> by_reason{};
  nlohmann::json series_meta = nlohmann::json::array();
  std::int64_t open_rows = 0;
  std::int64_t bytes_in = 0;

  for (const ExchangeConfig& exchange_config : context.config().exchanges) {
    if (left_out.contains(exchange_config.name)) continue;
    const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_config.name);
    transform::OhlcvSeriesTransformer transformer(lake, *exchange);
    for (const Symbol& symbol : exchange_config.symbols) {
      for (const Timeframe& timeframe : exchange_config.timeframes) {
        const lake::SeriesId series{exchange_config.name, "ohlcv", symbol,
                                    std::string(timeframe.name())};
        std::string manifest_key;
        const transform::SeriesInput input =
            find_latest_extraction(lake, series, timeframe, day, manifest_key);
        const transform::SeriesStats stats = transformer.run(input, silver.rows, silver.rejects);
        result.rows += stats.rows;
        result.rejects += stats.rejects;
        result.gaps += stats.missing;
        open_rows += stats.open_rows;
        bytes_in += stats.bytes_in;
        for (std::size_t i = 0; i < by_reason.size(); ++i) by_reason[i] += stats.rejects_by_reason[i];
        nlohmann::json bronze = nlohmann::json::array();
        for (const transform::BronzePage& page : input.pages) bronze.push_back(page.key);
        series_meta.push_back({{"exchange", series.exchange},
                               {"symbol", symbol.unified()},
                               {"timeframe", series.timeframe},
                               {"rows", stats.rows},
                               {"open_rows", stats.open_rows},
                               {"rejects", stats.rejects},
                               {"missing", stats.missing},
                               {"gaps", gaps_json(stats.gaps)},
                               {"extraction", manifest_key},
                               {"bronze", bronze}});
      }
    }
  }

  const nlohmann::json reasons = reason_counts<transform::RejectReason>(by_reason);
  const std::size_t data_bytes = silver.rows.finish();
  silver.rejects.finish();
  nlohmann::json manifest = silver_manifest_head(context, day, silver);
  manifest.update({{"rows", result.rows},
                   {"open_rows", open_rows},
                   {"rejects", result.rejects},
                   {"reject_reasons", reasons},
                   {"missing", result.gaps},
                   {"series", series_meta}});
  // Written last: a silver run without its manifest is incomplete and never loaded.
  commit_manifest(context, silver.manifest_key, manifest);
  result.objects = 3;
  const std::int64_t duplicates =
      by_reason[static_cast<std::size_t>(transform::RejectReason::kDuplicate)];
  result.checks = {
      {"ohlcv_no_gaps", result.gaps == 0, {{"missing_candles", result.gaps}}},
      {"ohlcv_no_rejects", result.rejects == 0, {{"rejects", result.rejects}, {"reasons", reasons}}},
      {"ohlcv_no_duplicates", duplicates == 0, {{"duplicates", duplicates}}}};
  result.metadata = {{"rows", result.rows},
                     {"open_rows", open_rows},
                     {"rejects", result.rejects},
                     {"reject_reasons", reasons},
                     {"missing_candles", result.gaps},
                     {"bronze_bytes", bytes_in},
                     {"silver_bytes", data_bytes},
                     {"silver_manifest", silver.manifest_key}};
  if (!left_out.empty()) result.metadata["left_out"] = left_out;
  return result;
}

}  // namespace cryptopipe::pipeline
