#include "cryptopipe/pipeline/asset_graph.h"

#include <set>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/registry.h"

namespace cryptopipe::pipeline {
namespace {

constexpr int kAllLevels = 1 << 20;

std::string known_keys(const AssetGraph& graph) {
  std::string list;
  for (const AssetSpec& asset : graph.assets()) list += (list.empty() ? "" : ", ") + asset.key;
  return list;
}

void walk(const AssetGraph& graph, const std::string& key, int levels, bool upstream,
          std::set<std::string>& out) {
  out.insert(key);
  if (levels == 0) return;
  const std::vector<std::string> next =
      upstream ? graph.get(key).deps : graph.dependents(key);
  for (const std::string& neighbour : next) walk(graph, neighbour, levels - 1, upstream, out);
}

// Counts leading (or trailing) '+' signs, or a '*', and strips them.
int take_levels(std::string_view& term, bool leading) {
  if (term.empty()) return 0;
  const char edge = leading ? term.front() : term.back();
  const auto strip = [&] {
    if (leading) {
      term.remove_prefix(1);
    } else {
      term.remove_suffix(1);
    }
  };
  if (edge == '*') {
    strip();
    return kAllLevels;
  }
  int levels = 0;
  while (!term.empty() && (leading ? term.front() : term.back()) == '+') {
    strip();
    ++levels;
  }
  return levels;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

AssetGraph AssetGraph::from_config(const Config& config) {
  AssetGraph graph;
  std::vector<std::string> ohlcv_extracts;
  std::vector<std::string> ticker_extracts;
  std::vector<std::string> book_extracts;
  std::vector<std::string> trade_extracts;
  std::vector<std::string> funding_extracts;
  std::vector<std::string> open_interest_extracts;
  for (const ExchangeConfig& exchange : config.exchanges) {
    if (!exchange.perp_symbols.empty()) {
      funding_extracts.push_back("extract_" + exchange.name + "_funding");
      graph.assets_.push_back(AssetSpec{
          .key = funding_extracts.back(),
          .group = "bronze",
          .kind = AssetKind::kExtractFunding,
          .exchange = exchange.name,
          .deps = {},
          .partitioning = "daily",
          .description = "Raw " + exchange.name + " funding-rate history of each configured "
                         "perpetual over a UTC day, every response stored byte for byte",
          .checks = {}});
      open_interest_extracts.push_back("extract_" + exchange.name + "_open_interest");
      graph.assets_.push_back(AssetSpec{
          .key = open_interest_extracts.back(),
          .group = "bronze",
          .kind = AssetKind::kExtractOpenInterest,
          .exchange = exchange.name,
          .deps = {},
          .partitioning = "daily",
          .description = "Raw " + exchange.name + " open-interest history (" +
                         std::string(config.open_interest_period.name()) +
                         " samples) of each configured perpetual over a UTC day",
          .checks = {}});
    }
    ohlcv_extracts.push_back("extract_" + exchange.name + "_ohlcv");
    graph.assets_.push_back(AssetSpec{
        .key = ohlcv_extracts.back(),
        .group = "bronze",
        .kind = AssetKind::kExtractOhlcv,
        .exchange = exchange.name,
        .deps = {},
        .partitioning = "daily",
        .description = "Raw " + exchange.name +
                       " OHLCV responses for each configured symbol and timeframe of a UTC day, "
                       "stored byte for byte in the lake's bronze layer",
        .checks = {}});
    ticker_extracts.push_back("extract_" + exchange.name + "_tickers");
    graph.assets_.push_back(AssetSpec{
        .key = ticker_extracts.back(),
        .group = "bronze",
        .kind = AssetKind::kExtractTickers,
        .exchange = exchange.name,
        .deps = {},
        .partitioning = "snapshot",
        .description = "A raw " + exchange.name +
                       " 24 h tickers snapshot of the configured symbols (one bulk request)",
        .checks = {}});
    book_extracts.push_back("extract_" + exchange.name + "_orderbook");
    graph.assets_.push_back(AssetSpec{
        .key = book_extracts.back(),
        .group = "bronze",
        .kind = AssetKind::kExtractOrderbook,
        .exchange = exchange.name,
        .deps = {},
        .partitioning = "snapshot",
        .description = "Raw " + exchange.name + " order-book snapshots, " +
                       std::to_string(exchange.depth) + " levels per side, of the configured symbols",
        .checks = {}});
    if (exchange.trade_symbols.empty()) continue;
    trade_extracts.push_back("extract_" + exchange.name + "_trades");
    const exchanges::ExchangeDescriptor& venue = exchanges::find_exchange(exchange.name);
    graph.assets_.push_back(AssetSpec{
        .key = trade_extracts.back(),
        .group = "bronze",
        .kind = AssetKind::kExtractTrades,
        .exchange = exchange.name,
        .deps = {},
        .partitioning = "daily",
        .description = "Raw " + exchange.name +
                       " public trades of each configured trade symbol over a UTC day, every "
                       "page stored byte for byte" +
                       (exchanges::trades_only_archived(venue)
                            ? " (from its daily archive files, published the day after)"
                            : ""),
        .checks = {},
        .publication_lag_days = venue.trades_publication_lag_days});
  }
  graph.assets_.push_back(AssetSpec{
      .key = "transform_ohlcv",
      .group = "silver",
      .kind = AssetKind::kTransformOhlcv,
      .exchange = std::nullopt,
      .deps = ohlcv_extracts,
      .partitioning = "daily",
      .description = "Validated, de-duplicated OHLCV candles of every exchange for a UTC day "
                     "(Parquet in silver), with rejects and gaps",
      .checks = {"ohlcv_no_gaps", "ohlcv_no_rejects", "ohlcv_no_duplicates"},
      .tolerates_failed_deps = true});
  graph.assets_.push_back(AssetSpec{
      .key = "transform_tickers",
      .group = "silver",
      .kind = AssetKind::kTransformTickers,
      .exchange = std::nullopt,
      .deps = ticker_extracts,
      .partitioning = "snapshot",
      .description = "The newest tickers snapshot of every exchange, validated (Parquet in "
                     "silver), with rejects and data-quality checks",
      .checks = {"tickers_bid_not_above_ask", "tickers_last_within_range", "tickers_fresh",
                 "tickers_complete"},
      .tolerates_failed_deps = true});
  graph.assets_.push_back(AssetSpec{
      .key = "transform_orderbook",
      .group = "silver",
      .kind = AssetKind::kTransformOrderbook,
      .exchange = std::nullopt,
      .deps = book_extracts,
      .partitioning = "snapshot",
      .description = "The newest order books of every exchange as one row per level (Parquet "
                     "in silver), with rejects and book checks",
      .checks = {"orderbook_sorted", "orderbook_not_crossed", "orderbook_positive_amounts",
                 "orderbook_full_depth"},
      .tolerates_failed_deps = true});
  if (!trade_extracts.empty()) {
    graph.assets_.push_back(AssetSpec{
        .key = "transform_trades",
        .group = "silver",
        .kind = AssetKind::kTransformTrades,
        .exchange = std::nullopt,
        .deps = trade_extracts,
        .partitioning = "daily",
        .description = "Validated, de-duplicated public trades of a UTC day (Parquet in silver), "
                       "with rejects, proven trade-id gaps and, where the venue does not number "
                       "its trades, the longest silences",
        .checks = {"trades_contiguous", "trades_no_rejects"},
        .tolerates_failed_deps = true});
  }
  if (!funding_extracts.empty()) {
    graph.assets_.push_back(AssetSpec{
        .key = "transform_funding",
        .group = "silver",
        .kind = AssetKind::kTransformFunding,
        .exchange = std::nullopt,
        .deps = funding_extracts,
        .partitioning = "daily",
        .description = "Validated funding events of the perpetuals for a UTC day (Parquet in "
                       "silver), with rejects and the funding times missing",
        .checks = {"funding_complete", "funding_no_rejects"},
        .tolerates_failed_deps = true});
    graph.assets_.push_back(AssetSpec{
        .key = "transform_open_interest",
        .group = "silver",
        .kind = AssetKind::kTransformOpenInterest,
        .exchange = std::nullopt,
        .deps = open_interest_extracts,
        .partitioning = "daily",
        .description = "Validated open interest of the perpetuals for a UTC day in base units "
                       "(Parquet in silver), with rejects and the samples missing",
        .checks = {"open_interest_complete", "open_interest_no_rejects"},
        .tolerates_failed_deps = true});
  }
  graph.assets_.push_back(AssetSpec{
      .key = "load_ohlcv_to_postgres",
      .group = "gold",
      .kind = AssetKind::kLoadOhlcv,
      .exchange = std::nullopt,
      .deps = {"transform_ohlcv"},
      .partitioning = "daily",
      .description = "OHLCV candles upserted into the warehouse table ohlcv",
      .checks = {}});
  graph.assets_.push_back(AssetSpec{
      .key = "load_tickers_to_postgres",
      .group = "gold",
      .kind = AssetKind::kLoadTickers,
      .exchange = std::nullopt,
      .deps = {"transform_tickers"},
      .partitioning = "snapshot",
      .description = "Tickers upserted into the warehouse table tickers",
      .checks = {}});
  graph.assets_.push_back(AssetSpec{
      .key = "load_orderbook_to_postgres",
      .group = "gold",
      .kind = AssetKind::kLoadOrderbook,
      .exchange = std::nullopt,
      .deps = {"transform_orderbook"},
      .partitioning = "snapshot",
      .description = "Order-book levels upserted into the warehouse table orderbook_levels",
      .checks = {}});
  if (!trade_extracts.empty()) {
    graph.assets_.push_back(AssetSpec{
        .key = "load_trades_to_postgres",
        .group = "gold",
        .kind = AssetKind::kLoadTrades,
        .exchange = std::nullopt,
        .deps = {"transform_trades"},
        .partitioning = "daily",
        .description = "Public trades upserted into the warehouse table trades, keyed by "
                       "(exchange, symbol, trade_id)",
        .checks = {}});
  }
  if (!funding_extracts.empty()) {
    graph.assets_.push_back(AssetSpec{
        .key = "load_funding_to_postgres",
        .group = "gold",
        .kind = AssetKind::kLoadFunding,
        .exchange = std::nullopt,
        .deps = {"transform_funding"},
        .partitioning = "daily",
        .description = "Funding events upserted into the warehouse table funding_rates, keyed "
                       "by (exchange, symbol, funding_time)",
        .checks = {}});
    graph.assets_.push_back(AssetSpec{
        .key = "load_open_interest_to_postgres",
        .group = "gold",
        .kind = AssetKind::kLoadOpenInterest,
        .exchange = std::nullopt,
        .deps = {"transform_open_interest"},
        .partitioning = "daily",
        .description = "Open-interest samples upserted into the warehouse table open_interest, "
                       "keyed by (exchange, symbol, period, ts)",
        .checks = {}});
  }
  return graph;
}

const AssetSpec& AssetGraph::get(std::string_view key) const {
  for (const AssetSpec& asset : assets_) {
    if (asset.key == key) return asset;
  }
  throw Error(ErrorKind::kInvalidInput,
              "unknown asset '" + std::string(key) + "' (known assets: " + known_keys(*this) + ")");
}

bool AssetGraph::contains(std::string_view key) const {
  for (const AssetSpec& asset : assets_) {
    if (asset.key == key) return true;
  }
  return false;
}

std::vector<std::string> AssetGraph::dependents(std::string_view key) const {
  std::vector<std::string> out;
  for (const AssetSpec& asset : assets_) {
    for (const std::string& dep : asset.deps) {
      if (dep == key) out.push_back(asset.key);
    }
  }
  return out;
}

nlohmann::json AssetGraph::to_json() const {
  nlohmann::json assets = nlohmann::json::array();
  for (const AssetSpec& asset : assets_) {
    assets.push_back({{"key", asset.key},
                      {"group", asset.group},
                      {"deps", asset.deps},
                      {"partitioning", asset.partitioning},
                      {"description", asset.description},
                      {"checks", asset.checks},
                      {"exchange", asset.exchange ? nlohmann::json(*asset.exchange) : nullptr},
                      {"publication_lag_days", asset.publication_lag_days}});
  }
  return {{"assets", assets}};
}

std::vector<std::string> resolve_selection(const AssetGraph& graph, std::string_view selection) {
  std::set<std::string> chosen;
  std::size_t start = 0;
  if (trim(selection).empty()) throw Error(ErrorKind::kInvalidInput, "empty --select");
  while (start <= selection.size()) {
    const std::size_t comma = std::min(selection.find(',', start), selection.size());
    std::string_view term = trim(selection.substr(start, comma - start));
    start = comma + 1;
    if (term.empty()) {
      throw Error(ErrorKind::kInvalidInput, "empty term in --select '" + std::string(selection) + "'");
    }
    if (term == "*") {
      for (const AssetSpec& asset : graph.assets()) chosen.insert(asset.key);
      continue;
    }
    if (term.rfind("group:", 0) == 0) {
      const std::string_view group = term.substr(6);
      bool any = false;
      for (const AssetSpec& asset : graph.assets()) {
        if (asset.group == group) {
          chosen.insert(asset.key);
          any = true;
        }
      }
      if (!any) {
        throw Error(ErrorKind::kInvalidInput, "unknown group '" + std::string(group) +
                                                  "' in --select (groups: bronze, silver, gold)");
      }
      continue;
    }
    const int up = take_levels(term, true);
    const int down = take_levels(term, false);
    const std::string key(term);
    graph.get(key);  // throws for an unknown asset
    walk(graph, key, up, true, chosen);
    walk(graph, key, down, false, chosen);
  }
  std::vector<std::string> ordered;
  for (const AssetSpec& asset : graph.assets()) {
    if (chosen.contains(asset.key)) ordered.push_back(asset.key);
  }
  return ordered;
}

}  // namespace cryptopipe::pipeline
