#include "cryptopipe/pipeline/orderbook_assets.h"

#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/transform/orderbook_transform.h"

namespace cryptopipe::pipeline {
namespace {

constexpr std::string_view kDataset = "orderbook";

std::vector<transform::BookSnapshot> read_books(const lake::ObjectStore& lake,
                                                const std::string& exchange, const UtcDay& day,
                                                std::string& manifest_key) {
  manifest_key = latest_extraction(lake, lake::snapshot_extraction_prefix(exchange, kDataset, day));
  if (manifest_key.empty()) {
    throw Error(ErrorKind::kNotFound, "no " + exchange + " order books for " + day.to_string() +
                                          " in the lake; materialize extract_" + exchange +
                                          "_orderbook first");
  }
  std::vector<transform::BookSnapshot> books;
  try {
    const nlohmann::json manifest = nlohmann::json::parse(lake.read(manifest_key));
    const int depth = manifest.at("depth").get<int>();
    for (const nlohmann::json& page : manifest.at("pages")) {
      books.push_back({.exchange = exchange,
                       .symbol = Symbol::parse(page.at("symbol").get<std::string>()),
                       .bronze_key = page.at("key").get<std::string>(),
                       .requested_at = page.at("requested_at").get<TimestampMs>(),
                       .depth = depth});
    }
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::kBadPayload,
                "extraction manifest " + manifest_key + " is unreadable: " + e.what());
  }
  return books;
}

}  // namespace

AssetResult extract_orderbook(RunContext& context, const std::string& exchange_name,
                              const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  const ExchangePool::Lease exchange = context.lease(exchange_name);
  const std::string prefix = lake::bronze_snapshot_prefix(exchange_name, kDataset, day);
  nlohmann::json pages = nlohmann::json::array();
  exchanges::RawBook book;
  std::int64_t levels = 0;
  for (std::size_t index = 0; index < settings.symbols.size(); ++index) {
    const Symbol& symbol = settings.symbols[index];
    exchanges::RawResponse raw = exchange->fetch_orderbook(symbol, settings.depth);
    const std::string key = store_raw_response(context, prefix, static_cast<int>(index), raw);
    try {
      exchange->parse_orderbook(raw.body, book);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (GET " + raw.url + ", kept as " + key + ")");
    }
    const std::size_t book_levels = book.bids.size() + book.asks.size();
    levels += static_cast<std::int64_t>(book_levels);
    nlohmann::json page = page_record(key, raw, book_levels);
    page["symbol"] = symbol.unified();
    pages.push_back(std::move(page));
  }
  const std::string manifest_key = snapshot_manifest_key(context, exchange_name, kDataset, day);
  nlohmann::json manifest = snapshot_manifest(context, exchange_name, kDataset, day);
  manifest["depth"] = settings.depth;
  manifest["pages"] = std::move(pages);
  commit_manifest(context, manifest_key, manifest);

  AssetResult result;
  result.rows = levels;
  result.objects = static_cast<std::int64_t>(settings.symbols.size()) + 1;
  result.metadata = {{"books", settings.symbols.size()},
                     {"levels", levels},
                     {"depth", settings.depth},
                     {"manifest", manifest_key}};
  return result;
}

AssetResult transform_orderbook(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out) {
  lake::ObjectStore& lake = context.lake();
  SilverRun silver(context, kDataset, day, transform::orderbook_schema(),
                   transform::orderbook_reject_schema());

  transform::BookStats stats;
  nlohmann::json sources = nlohmann::json::array();
  for (const ExchangeConfig& exchange_config : context.config().exchanges) {
    if (left_out.contains(exchange_config.name)) continue;
    std::string manifest_key;
    const auto books = read_books(lake, exchange_config.name, day, manifest_key);
    const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_config.name);
    transform::OrderBookTransformer transformer(lake, *exchange);
    for (const transform::BookSnapshot& book : books) transformer.run(book, silver.rows, silver.rejects, stats);
    sources.push_back({{"exchange", exchange_config.name}, {"extraction", manifest_key}});
  }

  const nlohmann::json reasons =
      reason_counts<transform::LevelRejectReason>(stats.rejects_by_reason);
  const nlohmann::json checks = {{"orderbook_sorted", stats.checks.unsorted == 0},
                                 {"orderbook_not_crossed", stats.checks.crossed == 0},
                                 {"orderbook_positive_amounts",
                                  stats.rejects_by_reason[static_cast<std::size_t>(
                                      transform::LevelRejectReason::kNonPositiveAmount)] == 0},
                                 {"orderbook_full_depth", stats.checks.short_books == 0}};
  const nlohmann::json findings = {{"unsorted_books", stats.checks.unsorted},
                                   {"crossed_books", stats.checks.crossed},
                                   {"short_books", stats.checks.short_books}};
  AssetResult result = publish_silver(context, day, silver,
                                      {.rows = stats.rows,
                                       .rejects = stats.rejects,
                                       .reject_reasons = reasons,
                                       .checks = checks,
                                       .findings = findings,
                                       .sources = sources});
  result.metadata["books"] = stats.books;
  if (!left_out.empty()) result.metadata["left_out"] = left_out;
  return result;
}

AssetResult load_orderbook(RunContext& context, const UtcDay& day) {
  const lake::ObjectStore& lake = context.lake();
  const std::string manifest_key = latest_silver_manifest(lake, kDataset, day);
  const std::string data_key = silver_data_key(lake, manifest_key);
  transform::SilverParquetReader reader(lake, data_key, transform::orderbook_schema());
  std::vector<std::string_view> f;
  const auto next_row = [&](warehouse::BookLevelRow& row) {
    if (!reader.next(f)) return false;
    row = {.exchange = f[0], .symbol = f[1], .ts = f[2], .ts_source = f[3], .sequence = f[4],
           .side = f[5], .level = f[6], .price = f[7], .amount = f[8]};
    return true;
  };
  const std::unique_ptr<warehouse::Warehouse> warehouse = context.open_warehouse();
  const warehouse::LoadStats stats = warehouse->upsert_book_levels(next_row);
  return loaded(context, day, *warehouse, stats, manifest_key, "orderbook_levels");
}

}  // namespace cryptopipe::pipeline
