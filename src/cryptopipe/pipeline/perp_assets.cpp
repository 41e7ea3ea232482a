#include "cryptopipe/pipeline/perp_assets.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"

namespace cryptopipe::pipeline {
namespace {

using transform::PerpDataset;

std::string dataset_text(PerpDataset dataset) {
  return std::string(transform::dataset_name(dataset));
}

std::string what(PerpDataset dataset) {
  return dataset == PerpDataset::kFunding ? "funding rates" : "open interest";
}

lake::SeriesId perp_series(const Config& config, PerpDataset dataset,
                           const std::string& exchange, const Symbol& symbol) {
  return {exchange, dataset_text(dataset), symbol,
          dataset == PerpDataset::kOpenInterest ? std::string(config.open_interest_period.name())
                                                : ""};
}

ExtractionRecord extract_market(RunContext& context, exchanges::Exchange& exchange,
                                PerpDataset dataset, const lake::SeriesId& series,
                                const UtcDay& day) {
  const TimestampMs started = context.clock().now_ms();
  const std::string prefix = lake::bronze_partition_prefix(series, day);
  const Timeframe& period = context.config().open_interest_period;
  // The future holds nothing yet: today's windows end now.
  const TimestampMs end = std::min(day.end_ms(), started + 1);
  const TimestampMs window = dataset == PerpDataset::kFunding
                                 ? kMillisPerDay
                                 : period.duration_ms() * exchange.max_open_interest_points();
  nlohmann::json pages = nlohmann::json::array();
  std::int64_t rows = 0;
  int sequence = 0;
  std::vector<exchanges::RawPerpPoint> points;
  nlohmann::json contract = nullptr;
  if (dataset == PerpDataset::kOpenInterest) {
    if (std::optional<exchanges::RawResponse> raw = exchange.fetch_contract(series.symbol)) {
      const std::string key = store_raw_response(context, prefix, sequence++, *raw);
      std::string size;
      try {
        size = exchange.parse_contract_size(raw->body);
      } catch (const Error& e) {
        throw Error(e.kind(), std::string(e.what()) + " (GET " + raw->url + ", kept as " + key + ")");
      }
      contract = {{"key", key}, {"contract_size", size}};
    }
  }
  TimestampMs last_requested_at = started;
  for (TimestampMs from = day.start_ms(); from < end; from += window) {
    exchanges::RawResponse raw =
        dataset == PerpDataset::kFunding
            ? exchange.fetch_funding(series.symbol, from, std::min(end, from + window))
            : exchange.fetch_open_interest(series.symbol, period, from, std::min(end, from + window));
    const std::string key = store_raw_response(context, prefix, sequence++, raw);
    try {
      if (dataset == PerpDataset::kFunding) {
        exchange.parse_funding(raw.body, points);
      } else {
        exchange.parse_open_interest(raw.body, points);
      }
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (GET " + raw.url + ", kept as " + key + ")");
    }
    pages.push_back(page_record(key, raw, points.size()));
    rows += static_cast<std::int64_t>(points.size());
    last_requested_at = raw.requested_at;
  }

  ExtractionRecord record = series_extraction_record(context, series, day, started,
                                                     last_requested_at, rows, std::move(pages));
  if (!series.timeframe.empty()) record.manifest["period"] = series.timeframe;
  if (!contract.is_null()) {
    record.manifest["contract"] = contract;
    ++record.objects;
  }
  return record;
}

transform::PerpSeriesInput read_extraction(const RunContext& context, const lake::ObjectStore& lake,
                                           PerpDataset dataset, const lake::SeriesId& series,
                                           const UtcDay& day, std::string& manifest_key) {
  manifest_key = latest_extraction(lake, lake::extraction_manifest_prefix(series, day));
  if (manifest_key.empty()) {
    throw Error(ErrorKind::kNotFound,
                "no complete bronze extraction of " + series.exchange + " " +
                    series.symbol.unified() + " " + what(dataset) + " for " + day.to_string() +
                    " in the lake; materialize extract_" + series.exchange + "_" + series.dataset +
                    " first");
  }
  transform::PerpSeriesInput input{series.exchange, series.symbol, day, {}, "", std::nullopt,
                                   day.end_ms()};
  if (dataset == PerpDataset::kOpenInterest) input.period = context.config().open_interest_period;
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    input.covered_until = manifest.at("covered_until").get<TimestampMs>();
    for (const nlohmann::json& page : manifest.at("pages")) {
      input.pages.push_back(page.at("key").get<std::string>());
    }
    if (const auto contract = manifest.find("contract"); contract != manifest.end()) {
      input.contract_size = contract->at("contract_size").get<std::string>();
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "extraction manifest " + manifest_key + " is unreadable: " + e.what());
  }
  return input;
}

nlohmann::json missing_json(const transform::PerpSeriesStats& stats) {
  nlohmann::json ranges = nlohmann::json::array();
  for (const transform::MissingRange& range : stats.missing_ranges) {
    ranges.push_back({{"first", format_iso8601(range.first)},
                      {"last", format_iso8601(range.last)},
                      {"points", range.points}});
  }
  return ranges;
}

}  // namespace

void require_open_interest_within_history(const ExchangeConfig& exchange, const UtcDay& day,
                                          TimestampMs now) {
  require_recent_day(exchange.name,
                     exchanges::find_exchange(exchange.name).open_interest_history_days,
                     "open interest", day, now);
}

AssetResult extract_perp(RunContext& context, PerpDataset dataset,
                         const std::string& exchange_name, const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  if (dataset == PerpDataset::kOpenInterest) {
    require_open_interest_within_history(settings, day, context.clock().now_ms());
  }
  const std::vector<Symbol>& symbols = settings.perp_symbols;
  if (symbols.empty()) {
    throw Error(ErrorKind::kConfig, exchange_name + " has no perp_symbols configured");
  }
  AssetResult result = extract_and_commit(
      context, exchange_name, symbols.size(),
      [&](std::size_t i, exchanges::Exchange& exchange) {
        return extract_market(context, exchange, dataset,
                              perp_series(context.config(), dataset, exchange_name, symbols[i]),
                              day);
      },
      "markets");
  result.metadata["lake_prefix"] = "bronze/" + exchange_name + "/" + dataset_text(dataset) + "/";
  return result;
}

AssetResult transform_perp(RunContext& context, PerpDataset dataset, const UtcDay& day,
                           const std::set<std::string>& left_out) {
  lake::ObjectStore& lake = context.lake();
  const std::string name = dataset_text(dataset);
  SilverRun silver(context, name, day, transform::perp_schema(dataset),
                   transform::perp_reject_schema());

  std::int64_t rows = 0, rejects = 0, duplicates = 0, missing = 0, bytes_in = 0;
  std::array<std::int64_t, transform::kPerpRejectReasonCount> by_reason{};
  nlohmann::json markets = nlohmann::json::array();
  nlohmann::json sources = nlohmann::json::array();
  for (const ExchangeConfig& exchange_config : context.config().exchanges) {
    if (exchange_config.perp_symbols.empty() || left_out.contains(exchange_config.name)) continue;
    const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_config.name);
    transform::PerpSeriesTransformer transformer(lake, *exchange, dataset);
    for (const Symbol& symbol : exchange_config.perp_symbols) {
      const lake::SeriesId series =
          perp_series(context.config(), dataset, exchange_config.name, symbol);
      std::string manifest_key;
      const transform::PerpSeriesInput input =
          read_extraction(context, lake, dataset, series, day, manifest_key);
      const transform::PerpSeriesStats stats =
          transformer.run(input, silver.rows, silver.rejects);
      rows += stats.rows;
      rejects += stats.rejects;
      duplicates += stats.duplicates;
      missing += stats.missing;
      bytes_in += stats.bytes_in;
      for (std::size_t i = 0; i < by_reason.size(); ++i) by_reason[i] += stats.rejects_by_reason[i];
      markets.push_back({{"exchange", series.exchange},
                         {"symbol", symbol.unified()},
                         {"rows", stats.rows},
                         {"rejects", stats.rejects},
                         {"duplicates", stats.duplicates},
                         {"outside_day", stats.outside_day},
                         {"interval_seconds", stats.interval_ms / kMillisPerSecond},
                         {"expected", stats.expected},
                         {"missing", stats.missing},
                         {"missing_ranges", missing_json(stats)},
                         {"complete", input.covered_until >= day.end_ms()}});
      sources.push_back({{"exchange", series.exchange},
                         {"symbol", symbol.unified()},
                         {"extraction", manifest_key}});
    }
  }

  const nlohmann::json reasons = reason_counts<transform::PerpRejectReason>(by_reason);
  const nlohmann::json checks = {{name + "_complete", missing == 0},
                                 {name + "_no_rejects", rejects == 0}};
  const nlohmann::json findings = {{"missing", missing},
                                   {"rejects", rejects},
                                   {"duplicates", duplicates},
                                   {"markets", markets}};
  AssetResult result = publish_silver(context, day, silver,
                                      {.rows = rows,
                                       .rejects = rejects,
                                       .reject_reasons = reasons,
                                       .checks = checks,
                                       .findings = findings,
                                       .sources = sources});
  result.gaps = missing;
  result.metadata["bronze_bytes"] = bytes_in;
  if (dataset == PerpDataset::kOpenInterest) {
    result.metadata["period"] = std::string(context.config().open_interest_period.name());
  }
  if (!left_out.empty()) result.metadata["left_out"] = left_out;
  return result;
}

AssetResult load_perp(RunContext& context, PerpDataset dataset, const UtcDay& day) {
  const lake::ObjectStore& lake = context.lake();
  const std::string name = dataset_text(dataset);
  const std::string manifest_key = latest_silver_manifest(lake, name, day);
  const std::string data_key = silver_data_key(lake, manifest_key);
  transform::SilverParquetReader reader(lake, data_key, transform::perp_schema(dataset));
  std::vector<std::string_view> f;
  const std::unique_ptr<warehouse::Warehouse> warehouse = context.open_warehouse();
  warehouse::LoadStats stats;
  std::string table;
  if (dataset == PerpDataset::kFunding) {
    table = "funding_rates";
    stats = warehouse->upsert_funding([&](warehouse::FundingRow& row) {
      if (!reader.next(f)) return false;
      row = {.exchange = f[0], .symbol = f[1], .funding_time = f[2], .funding_rate = f[3],
             .mark_price = f[4]};
      return true;
    });
  } else {
    table = "open_interest";
    stats = warehouse->upsert_open_interest([&](warehouse::OpenInterestRow& row) {
      if (!reader.next(f)) return false;
      row = {.exchange = f[0], .symbol = f[1], .period = f[2], .ts = f[3], .open_interest = f[4],
             .open_interest_value = f[5]};
      return true;
    });
  }
  return loaded(context, day, *warehouse, stats, manifest_key, table);
}

}  // namespace cryptopipe::pipeline
