#include "cryptopipe/pipeline/ticker_assets.h"

#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/transform/ticker_transform.h"

namespace cryptopipe::pipeline {
namespace {

constexpr std::string_view kDataset = "tickers";

transform::TickerSnapshot read_snapshot(const lake::ObjectStore& lake, const std::string& exchange,
                                        const UtcDay& day, std::string& manifest_key) {
  manifest_key = latest_extraction(lake, lake::snapshot_extraction_prefix(exchange, kDataset, day));
  if (manifest_key.empty()) {
    throw Error(ErrorKind::kNotFound, "no " + exchange + " tickers snapshot for " +
                                          day.to_string() + " in the lake; materialize extract_" +
                                          exchange + "_tickers first");
  }
  transform::TickerSnapshot snapshot;
  snapshot.exchange = exchange;
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    const nlohmann::json& page = manifest.at("pages").at(0);
    snapshot.bronze_key = page.at("key").get<std::string>();
    snapshot.requested_at = page.at("requested_at").get<TimestampMs>();
    for (const auto& [market_id, unified] : manifest.at("wanted").items()) {
      snapshot.wanted.emplace(market_id, Symbol::parse(unified.get<std::string>()));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "extraction manifest " + manifest_key + " is unreadable: " + e.what());
  }
  return snapshot;
}

}  // namespace

AssetResult extract_tickers(RunContext& context, const std::string& exchange_name,
                            const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  const ExchangePool::Lease exchange = context.lease(exchange_name);
  // `ticker_symbols: all` reads the instrument list, then takes every market in one bulk request.
  const std::vector<Symbol> symbols =
      settings.all_tickers ? exchange->trading_symbols() : settings.symbols;
  exchanges::RawResponse raw =
      exchange->fetch_tickers(settings.all_tickers ? std::vector<Symbol>{} : symbols);
  const std::string key = store_raw_response(
      context, lake::bronze_snapshot_prefix(exchange_name, kDataset, day), 0, raw);
  std::vector<exchanges::RawTicker> tickers;
  try {
    exchange->parse_tickers(raw.body, tickers);
  } catch (const Error& e) {
    throw Error(e.kind(), std::string(e.what()) + " (GET " + raw.url + ", kept as " + key + ")");
  }
  nlohmann::json wanted = nlohmann::json::object();
  for (const Symbol& symbol : symbols) wanted[exchange->market_id(symbol)] = symbol.unified();
  const std::string manifest_key = snapshot_manifest_key(context, exchange_name, kDataset, day);
  nlohmann::json manifest = snapshot_manifest(context, exchange_name, kDataset, day);
  manifest["wanted"] = std::move(wanted);
  manifest["pages"] = nlohmann::json::array({page_record(key, raw, tickers.size())});
  commit_manifest(context, manifest_key, manifest);

  AssetResult result;
  result.rows = static_cast<std::int64_t>(tickers.size());
  result.objects = 2;
  result.metadata = {{"tickers_in_response", tickers.size()},
                     {"wanted", symbols.size()},
                     {"bronze", key},
                     {"manifest", manifest_key}};
  return result;
}

AssetResult transform_tickers(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out) {
  lake::ObjectStore& lake = context.lake();
  SilverRun silver(context, kDataset, day, transform::ticker_schema(),
                   transform::ticker_reject_schema());

  transform::TickerStats stats;
  nlohmann::json sources = nlohmann::json::array();
  for (const ExchangeConfig& exchange_config : context.config().exchanges) {
    if (left_out.contains(exchange_config.name)) continue;
    std::string manifest_key;
    const transform::TickerSnapshot snapshot =
        read_snapshot(lake, exchange_config.name, day, manifest_key);
    const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_config.name);
    transform::TickerTransformer(lake, *exchange).run(snapshot, silver.rows, silver.rejects, stats);
    sources.push_back({{"exchange", exchange_config.name},
                       {"extraction", manifest_key},
                       {"bronze", snapshot.bronze_key}});
  }

  const nlohmann::json reasons =
      reason_counts<transform::TickerRejectReason>(stats.rejects_by_reason);
  const nlohmann::json checks = {{"tickers_bid_not_above_ask", stats.checks.crossed == 0},
                                 {"tickers_last_within_range", stats.checks.last_outside_range == 0},
                                 {"tickers_fresh", stats.checks.stale == 0},
                                 {"tickers_complete", stats.checks.missing == 0}};
  const nlohmann::json findings = {{"crossed", stats.checks.crossed},
                                   {"last_outside_range", stats.checks.last_outside_range},
                                   {"stale", stats.checks.stale},
                                   {"missing", stats.checks.missing}};
  AssetResult result = publish_silver(context, day, silver,
                                      {.rows = stats.rows,
                                       .rejects = stats.rejects,
                                       .reject_reasons = reasons,
                                       .checks = checks,
                                       .findings = findings,
                                       .sources = sources});
  if (!left_out.empty()) result.metadata["left_out"] = left_out;
  return result;
}

AssetResult load_tickers(RunContext& context, const UtcDay& day) {
  const lake::ObjectStore& lake = context.lake();
  const std::string manifest_key = latest_silver_manifest(lake, kDataset, day);
  const std::string data_key = silver_data_key(lake, manifest_key);
  transform::SilverParquetReader reader(lake, data_key, transform::ticker_schema());
  std::vector<std::string_view> f;
  const auto next_row = [&](warehouse::TickerRow& row) {
    if (!reader.next(f)) return false;
    row = {.exchange = f[0], .symbol = f[1], .ts = f[2], .ts_source = f[3], .last = f[4],
           .bid = f[5], .bid_size = f[6], .ask = f[7], .ask_size = f[8], .open = f[9],
           .high = f[10], .low = f[11], .base_volume = f[12], .quote_volume = f[13],
           .change_percent = f[14]};
    return true;
  };
  const std::unique_ptr<warehouse::Warehouse> warehouse = context.open_warehouse();
  const warehouse::LoadStats stats = warehouse->upsert_tickers(next_row);
  return loaded(context, day, *warehouse, stats, manifest_key, "tickers");
}

}  // namespace cryptopipe::pipeline
