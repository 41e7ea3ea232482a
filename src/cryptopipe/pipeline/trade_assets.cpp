#include "cryptopipe/pipeline/trade_assets.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/transform/trade_transform.h"

namespace cryptopipe::pipeline {
namespace {

constexpr std::string_view kDataset = "trades";

// A venue that keeps answering without moving on would page forever: no liquid market comes
// near this many pages in a day (Binance: a million trades a page ahead of that).
constexpr int kMaxPagesPerDay = 1'000'000;

lake::SeriesId trade_series(const std::string& exchange, const Symbol& symbol) {
  return {exchange, std::string(kDataset), symbol, ""};
}

nlohmann::json position_json(const exchanges::RawTrade& trade) {
  return {{"ts", trade.ts},
          {"id", trade.id},
          {"sequence", trade.sequence ? nlohmann::json(*trade.sequence) : nullptr}};
}

// A finished day the venue has archived comes from its daily trade file (verified, kept byte
// for byte) instead of a page per thousand trades; a day not published, or an archive refused
// (its reason in `refused`), comes by REST where the venue serves it.
bool extract_from_archive(RunContext& context, const lake::SeriesId& series, const UtcDay& day,
                          nlohmann::json& pages, std::int64_t& rows, std::string& refused) {
  if (context.clock().now_ms() < day.end_ms()) return false;
  const std::unique_ptr<exchanges::TradesArchive> archive = context.trades_archive(series.exchange);
  if (!archive) return false;
  try {
    std::optional<exchanges::ArchiveFile> file = archive->daily_trades(series.symbol, day);
    if (!file) return false;
    // Read before it is kept: where the venue publishes no checksum (Bybit), reading the whole
    // file is what vouches for it, and a file that does not read never reaches the lake.
    std::string text;
    std::vector<exchanges::RawTrade> trades;
    try {
      exchanges::find_exchange(series.exchange)
          .parse_trades_archive(file->file.body, day, text, trades);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (GET " + file->file.url + ")");
    }
    const std::string key =
        store_archive(context, lake::bronze_partition_prefix(series, day), 0, *file);
    nlohmann::json page = archive_page_record(key, *file, trades.size());
    if (!trades.empty()) page["first"] = position_json(trades.front());
    pages.push_back(std::move(page));
    rows = static_cast<std::int64_t>(trades.size());
    return true;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kBadPayload) throw;
    refused = refuse_archive(context, series, day, e);
    return false;
  }
}

// Where the venue's trades come only from its archive (Bybit), a day it has not published, or
// whose file was refused, cannot be had at all yet.
void require_archived(const ExchangeConfig& settings, const lake::SeriesId& series,
                      const UtcDay& day, const std::string& refused) {
  const std::string what = series.exchange + " " + series.symbol.unified() + " trades of " +
                           day.to_string() + ": " + series.exchange +
                           " serves its past trades only as daily files at " +
                           settings.archive_url.value_or("") + ", and ";
  if (!refused.empty()) throw Error(ErrorKind::kBadPayload, what + "that file was refused: " + refused);
  throw Error(ErrorKind::kNotFound,
              what + "that file is not published yet (it appears a day or so after the day " +
                  "ends); run the partition again later");
}

ExtractionRecord extract_market(RunContext& context, exchanges::Exchange& exchange,
                            const lake::SeriesId& series, const UtcDay& day) {
  const TimestampMs started = context.clock().now_ms();
  const std::string prefix = lake::bronze_partition_prefix(series, day);
  nlohmann::json pages = nlohmann::json::array();
  std::int64_t rows = 0;
  TimestampMs last_requested_at = started;
  std::vector<exchanges::RawTrade> trades;
  std::string archive_refused;
  const bool archived = extract_from_archive(context, series, day, pages, rows, archive_refused);
  if (!archived && exchanges::trades_only_archived(exchanges::find_exchange(series.exchange))) {
    require_archived(context.exchange_config(series.exchange), series, day, archive_refused);
  }
  std::optional<exchanges::TradesRequest> request;
  if (!archived) request = exchange.first_trades_request(day.start_ms(), day.end_ms());
  for (int sequence = 0; request; ++sequence) {
    if (sequence == kMaxPagesPerDay) {
      throw Error(ErrorKind::kBadPayload, series.exchange + " " + series.symbol.unified() +
                                              " trades of " + day.to_string() + " ran past " +
                                              std::to_string(kMaxPagesPerDay) + " pages");
    }
    exchanges::RawResponse raw = exchange.fetch_trades(series.symbol, *request);
    const std::string key = store_raw_response(context, prefix, sequence, raw);
    try {
      exchange.parse_trades(raw.body, trades);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (GET " + raw.url + ", kept as " + key + ")");
    }
    nlohmann::json page = page_record(key, raw, trades.size());
    if (!trades.empty()) page["first"] = position_json(trades.front());
    pages.push_back(std::move(page));
    rows += static_cast<std::int64_t>(trades.size());
    last_requested_at = raw.requested_at;
    std::optional<exchanges::TradesRequest> next;
    try {
      next = exchange.next_trades_request(*request, trades);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (after GET " + raw.url + ")");
    }
    request = std::move(next);
  }

  ExtractionRecord record = series_extraction_record(context, series, day, started,
                                                     last_requested_at, rows, std::move(pages));
  if (!archive_refused.empty()) record.manifest["archive_refused"] = archive_refused;
  return record;
}

transform::TradeSeriesInput read_extraction(const lake::ObjectStore& lake,
                                            const lake::SeriesId& series, const UtcDay& day,
                                            std::string& manifest_key) {
  manifest_key = latest_extraction(lake, lake::extraction_manifest_prefix(series, day));
  if (manifest_key.empty()) {
    throw Error(ErrorKind::kNotFound,
                "no complete bronze extraction of " + series.exchange + " " +
                    series.symbol.unified() + " trades for " + day.to_string() +
                    " in the lake; materialize extract_" + series.exchange + "_trades first");
  }
  transform::TradeSeriesInput input{series.exchange, series.symbol, day, {}, day.end_ms()};
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    input.covered_until = manifest.at("covered_until").get<TimestampMs>();
    for (const nlohmann::json& page : manifest.at("pages")) {
      transform::TradePage record{page.at("key").get<std::string>(),
                                  page.at("rows").get<std::int64_t>(),
                                  {},
                                  page.value("source", "rest") == "archive"};
      if (const auto first = page.find("first"); first != page.end()) {
        record.first.ts = first->at("ts").get<TimestampMs>();
        record.first.id = first->at("id").get<std::string>();
        if (!first->at("sequence").is_null()) {
          record.first.sequence = first->at("sequence").get<std::int64_t>();
        }
      }
      input.pages.push_back(std::move(record));
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "extraction manifest " + manifest_key + " is unreadable: " + e.what());
  }
  return input;
}

// A venue whose past trades are only in its daily files (Bybit) publishes a day its lag after
// it ends, and Dagster's archived-days schedule extracts it a day later still: until then a day
// without its extraction is pending, left out of the day's silver, not an error. The schedule's
// run transforms the day again with it.
bool awaiting_publication(const std::string& exchange, const UtcDay& day, TimestampMs now) {
  const exchanges::ExchangeDescriptor& venue = exchanges::find_exchange(exchange);
  return exchanges::trades_only_archived(venue) &&
         now < day.end_ms() + (venue.trades_publication_lag_days + 1) * kMillisPerDay;
}

nlohmann::json completeness_json(const transform::TradeSeriesStats& stats) {
  nlohmann::json out = {{"numbered", stats.numbered}, {"missing", stats.missing}};
  if (stats.numbered) {
    nlohmann::json gaps = nlohmann::json::array();
    for (const transform::SequenceGap& gap : stats.gaps) {
      gaps.push_back({{"first", gap.first},
                      {"last", gap.last},
                      {"after", format_iso8601(gap.after)},
                      {"before", format_iso8601(gap.before)}});
    }
    out["gaps"] = std::move(gaps);
    out["first_sequence"] = stats.first_sequence ? nlohmann::json(*stats.first_sequence) : nullptr;
    out["last_sequence"] = stats.last_sequence ? nlohmann::json(*stats.last_sequence) : nullptr;
  } else {
    nlohmann::json silences = nlohmann::json::array();
    for (const transform::Silence& silence : stats.longest_silences) {
      silences.push_back({{"from", format_iso8601(silence.from)},
                          {"to", format_iso8601(silence.to)},
                          {"seconds", (silence.to - silence.from) / 1000}});
    }
    out["longest_silences"] = std::move(silences);
  }
  return out;
}

}  // namespace

void require_trades_within_history(const ExchangeConfig& exchange, const UtcDay& day,
                                   TimestampMs now) {
  const exchanges::ExchangeDescriptor& venue = exchanges::find_exchange(exchange.name);
  require_recent_day(exchange.name, venue.trades_history_days, "public trades", day, now);
  if (exchanges::trades_only_archived(venue) && day.end_ms() > now) {
    throw Error(ErrorKind::kInvalidInput,
                exchange.name + " serves its past trades only as a file per finished day (its " +
                    "REST API gives the latest few): partition " + day.to_string() +
                    " is not over yet; choose an earlier day");
  }
}

AssetResult extract_trades(RunContext& context, const std::string& exchange_name,
                           const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  require_trades_within_history(settings, day, context.clock().now_ms());
  const std::vector<Symbol>& symbols = settings.trade_symbols;
  if (symbols.empty()) {
    throw Error(ErrorKind::kConfig, exchange_name + " has no trade_symbols configured");
  }
  AssetResult result = extract_and_commit(
      context, exchange_name, symbols.size(),
      [&](std::size_t i, exchanges::Exchange& exchange) {
        return extract_market(context, exchange, trade_series(exchange_name, symbols[i]), day);
      },
      "markets");
  result.metadata["lake_prefix"] = "bronze/" + exchange_name + "/" + std::string(kDataset) + "/";
  return result;
}

AssetResult transform_trades(RunContext& context, const UtcDay& day,
                             const std::set<std::string>& left_out) {
  lake::ObjectStore& lake = context.lake();
  SilverRun silver(context, kDataset, day, transform::trade_schema(),
                   transform::trade_reject_schema());

  std::int64_t rows = 0, rejects = 0, duplicates = 0, missing = 0, bytes_in = 0;
  std::array<std::int64_t, transform::kTradeRejectReasonCount> by_reason{};
  nlohmann::json markets = nlohmann::json::array();
  nlohmann::json sources = nlohmann::json::array();
  nlohmann::json pending = nlohmann::json::array();
  for (const ExchangeConfig& exchange_config : context.config().exchanges) {
    if (exchange_config.trade_symbols.empty() || left_out.contains(exchange_config.name)) continue;
    const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_config.name);
    transform::TradeSeriesTransformer transformer(lake, *exchange);
    for (const Symbol& symbol : exchange_config.trade_symbols) {
      const lake::SeriesId series = trade_series(exchange_config.name, symbol);
      if (awaiting_publication(series.exchange, day, context.clock().now_ms()) &&
          latest_extraction(lake, lake::extraction_manifest_prefix(series, day)).empty()) {
        pending.push_back({{"exchange", series.exchange}, {"symbol", symbol.unified()}});
        continue;
      }
      std::string manifest_key;
      const transform::TradeSeriesInput input = read_extraction(lake, series, day, manifest_key);
      const transform::TradeSeriesStats stats =
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
                         {"complete", input.covered_until >= day.end_ms()},
                         {"completeness", completeness_json(stats)}});
      sources.push_back({{"exchange", series.exchange},
                         {"symbol", symbol.unified()},
                         {"extraction", manifest_key}});
    }
  }

  const nlohmann::json reasons = reason_counts<transform::TradeRejectReason>(by_reason);
  const nlohmann::json checks = {{"trades_contiguous", missing == 0},
                                 {"trades_no_rejects", rejects == 0}};
  const nlohmann::json findings = {{"missing_trades", missing},
                                   {"rejects", rejects},
                                   {"duplicates", duplicates},
                                   {"markets", markets},
                                   {"awaiting_publication", pending}};
  AssetResult result = publish_silver(context, day, silver,
                                      {.rows = rows,
                                       .rejects = rejects,
                                       .reject_reasons = reasons,
                                       .checks = checks,
                                       .findings = findings,
                                       .sources = sources});
  result.gaps = missing;
  result.metadata["bronze_bytes"] = bytes_in;
  if (!left_out.empty()) result.metadata["left_out"] = left_out;
  if (!pending.empty()) result.metadata["awaiting_publication"] = pending;
  return result;
}

AssetResult load_trades(RunContext& context, const UtcDay& day) {
  const lake::ObjectStore& lake = context.lake();
  const std::string manifest_key = latest_silver_manifest(lake, kDataset, day);
  const std::string data_key = silver_data_key(lake, manifest_key);
  transform::SilverParquetReader reader(lake, data_key, transform::trade_schema());
  std::vector<std::string_view> f;
  const auto next_row = [&](warehouse::TradeRow& row) {
    if (!reader.next(f)) return false;
    row = {.exchange = f[0], .symbol = f[1], .trade_id = f[2], .sequence = f[3], .ts = f[4],
           .price = f[5], .amount = f[6], .side = f[7]};
    return true;
  };
  const std::unique_ptr<warehouse::Warehouse> warehouse = context.open_warehouse();
  const warehouse::LoadStats stats = warehouse->upsert_trades(next_row);
  return loaded(context, day, *warehouse, stats, manifest_key, "trades");
}

}  // namespace cryptopipe::pipeline
