#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/pipeline/config.h"

namespace cryptopipe::pipeline {

enum class AssetKind {
  kExtractOhlcv, kTransformOhlcv, kLoadOhlcv,
  kExtractTickers, kTransformTickers, kLoadTickers,
  kExtractOrderbook, kTransformOrderbook, kLoadOrderbook,
  kExtractTrades, kTransformTrades, kLoadTrades,
  kExtractFunding, kTransformFunding, kLoadFunding,
  kExtractOpenInterest, kTransformOpenInterest, kLoadOpenInterest,
};

// Whether the asset extracts a linear perpetual's data (funding, open interest): its symbols are
// the venue's futures instruments, not its spot markets.
constexpr bool extracts_perpetuals(AssetKind kind) {
  return kind == AssetKind::kExtractFunding || kind == AssetKind::kExtractOpenInterest;
}

struct AssetSpec {
  std::string key;    // extract_binance_ohlcv
  std::string group;  // bronze | silver | gold
  AssetKind kind;
  std::optional<std::string> exchange;  // for extract assets
  std::vector<std::string> deps;
  std::string partitioning;  // "daily" (UTC days) or "snapshot" (one per materialization)
  std::string description;
  std::vector<std::string> checks;  // asset checks reported with each materialization
  // Goes ahead when some (not all) of its dependencies failed in the run, leaving their data
  // out: a transform reads every exchange's extraction, and one exchange's outage must not hold
  // back the rest.
  bool tolerates_failed_deps = false;
  // The source publishes a finished day this many days after it ends (Bybit's trade files: 1),
  // so that a schedule asks for the day that much later than for the rest.
  int publication_lag_days = 0;
};

// The asset graph, generated from configuration: one extract asset per exchange and dataset,
// one transform and one load asset per dataset. The single source of truth for the Dagster
// code location (through `cryptopipe assets --json`).
class AssetGraph {
 public:
  static AssetGraph from_config(const Config& config);

  // In topological order: every asset comes after its dependencies.
  const std::vector<AssetSpec>& assets() const { return assets_; }
  // Throws Error(kInvalidInput) naming the key and the known keys.
  const AssetSpec& get(std::string_view key) const;
  bool contains(std::string_view key) const;
  std::vector<std::string> dependents(std::string_view key) const;

  nlohmann::json to_json() const;

 private:
  std::vector<AssetSpec> assets_;
};

// Resolves a selection in Dagster's syntax to asset keys, in topological order:
//   *                  every asset
//   a,b                several terms (their union)
//   +a / ++a / *a      a with its upstream, one level per '+', every level with '*'
//   a+ / a++ / a*      a with its downstream, likewise
//   group:bronze       every asset of a group
// Throws Error(kInvalidInput) naming an unknown asset or group, or a malformed term.
std::vector<std::string> resolve_selection(const AssetGraph& graph, std::string_view selection);

}  // namespace cryptopipe::pipeline
