#include "cryptopipe/pipeline/executor.h"

#include <algorithm>
#include <chrono>
#include <future>
#include <map>
#include <set>

#include "cryptopipe/core/error.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/pipeline/orderbook_assets.h"
#include "cryptopipe/pipeline/ticker_assets.h"

namespace cryptopipe::pipeline {
namespace {

struct Outcome {
  std::string status;  // success | failed | skipped
  AssetResult result;
  std::string error;
  TimestampMs started = 0;
  TimestampMs finished = 0;
};

// Transforms read every exchange's extraction: when some failed in this run they go ahead with
// the others (`left_out`), so one exchange's outage does not hold back the rest.
bool tolerates_failed_deps(const AssetSpec& asset) {
  return asset.kind == AssetKind::kTransformOhlcv || asset.kind == AssetKind::kTransformTickers ||
         asset.kind == AssetKind::kTransformOrderbook;
}

AssetResult run_asset(RunContext& context, const AssetSpec& asset, const UtcDay& day,
                      const std::set<std::string>& left_out) {
  switch (asset.kind) {
    case AssetKind::kExtractOhlcv: return extract_ohlcv(context, *asset.exchange, day);
    case AssetKind::kTransformOhlcv: return transform_ohlcv(context, day, left_out);
    case AssetKind::kLoadOhlcv: return load_ohlcv(context, day);
    case AssetKind::kExtractTickers: return extract_tickers(context, *asset.exchange, day);
    case AssetKind::kTransformTickers: return transform_tickers(context, day, left_out);
    case AssetKind::kLoadTickers: return load_tickers(context, day);
    case AssetKind::kExtractOrderbook: return extract_orderbook(context, *asset.exchange, day);
    case AssetKind::kTransformOrderbook: return transform_orderbook(context, day, left_out);
    case AssetKind::kLoadOrderbook: return load_orderbook(context, day);
  }
  throw Error(ErrorKind::kInvalidInput, "asset " + asset.key + " has no implementation");
}

Outcome run_logged(RunContext& context, const AssetSpec& asset, const UtcDay& day,
                   const std::set<std::string>& left_out) {
  const Logger log = context.logger().with({{"asset", asset.key}, {"partition", day.to_string()}});
  Outcome outcome;
  outcome.started = context.clock().now_ms();
  log.info("materializing");
  try {
    if (!left_out.empty()) {
      log.warn("going ahead without exchanges whose extraction failed",
               {{"left_out", left_out}});
    }
    outcome.result = run_asset(context, asset, day, left_out);
    outcome.status = "success";
  } catch (const Error& e) {
    outcome.status = "failed";
    outcome.error = std::string(to_string(e.kind())) + ": " + e.what();
  } catch (const std::exception& e) {
    outcome.status = "failed";
    outcome.error = std::string("internal error: ") + e.what();
  }
  outcome.finished = context.clock().now_ms();
  const double seconds = static_cast<double>(outcome.finished - outcome.started) / 1000.0;
  if (outcome.status == "success") {
    for (const CheckResult& check : outcome.result.checks) {
      log.log(check.passed ? LogLevel::kInfo : LogLevel::kWarn, "check",
              {{"check", check.name}, {"passed", check.passed}, {"metadata", check.metadata}});
    }
    log.info("materialized", {{"rows", outcome.result.rows},
                              {"rejects", outcome.result.rejects},
                              {"gaps", outcome.result.gaps},
                              {"objects", outcome.result.objects},
                              {"seconds", seconds},
                              {"metadata", outcome.result.metadata}});
  } else {
    log.error("failed", {{"error", outcome.error}, {"seconds", seconds}});
  }
  return outcome;
}

// Groups the selection into waves: an asset's wave is one past the latest wave of its
// selected dependencies, so everything in a wave can run at once.
std::vector<std::vector<const AssetSpec*>> waves(const AssetGraph& graph,
                                                 const std::vector<std::string>& selection) {
  std::map<std::string, int> wave_of;
  std::vector<std::vector<const AssetSpec*>> out;
  for (const std::string& key : selection) {  // topological order
    const AssetSpec& asset = graph.get(key);
    int wave = 0;
    for (const std::string& dep : asset.deps) {
      if (const auto it = wave_of.find(dep); it != wave_of.end()) wave = std::max(wave, it->second + 1);
    }
    wave_of[key] = wave;
    if (static_cast<int>(out.size()) <= wave) out.resize(static_cast<std::size_t>(wave) + 1);
    out[static_cast<std::size_t>(wave)].push_back(&asset);
  }
  return out;
}

void merge_check(std::vector<CheckResult>& checks, const CheckResult& check) {
  const auto same = std::find_if(checks.begin(), checks.end(),
                                 [&](const CheckResult& c) { return c.name == check.name; });
  if (same == checks.end()) {
    checks.push_back(check);
  } else if (same->passed) {
    *same = check;
  }
}

}  // namespace

bool RunSummary::all_succeeded() const {
  return std::all_of(assets.begin(), assets.end(),
                     [](const AssetSummary& a) { return a.failed == 0 && a.skipped == 0; });
}

RunSummary materialize(RunContext& context, const AssetGraph& graph,
                       const std::vector<std::string>& selection,
                       const std::vector<UtcDay>& partitions) {
  const auto audit = context.open_warehouse();
  RunSummary summary;
  std::map<std::string, std::size_t> index;
  for (const std::string& key : selection) {
    index[key] = summary.assets.size();
    summary.assets.push_back({.key = key});
  }
  const auto plan = waves(graph, selection);
  const auto concurrency = static_cast<std::size_t>(std::max(1, context.config().concurrency));

  const UtcDay today = UtcDay::containing(context.clock().now_ms());
  for (std::size_t partition = 0; partition < partitions.size(); ++partition) {
    const UtcDay& day = partitions[partition];
    std::set<std::string> unavailable;  // failed or skipped in this partition
    for (const auto& wave : plan) {
      std::vector<std::pair<const AssetSpec*, Outcome>> done;
      std::vector<const AssetSpec*> runnable;
      std::map<const AssetSpec*, std::set<std::string>> left_out;
      for (const AssetSpec* asset : wave) {
        // A snapshot is taken once per run, filed under today, whatever the partitions.
        if (asset->partitioning == "snapshot" && partition > 0) continue;
        std::vector<std::string> failed_deps;
        for (const std::string& dep : asset->deps) {
          if (unavailable.contains(dep)) failed_deps.push_back(dep);
        }
        const bool go_ahead = failed_deps.empty() ||
                              (tolerates_failed_deps(*asset) && failed_deps.size() < asset->deps.size());
        if (!go_ahead) {
          Outcome skipped;
          skipped.status = "skipped";
          skipped.error = "upstream asset " + failed_deps.front() + " did not materialize";
          skipped.started = skipped.finished = context.clock().now_ms();
          context.logger().with({{"asset", asset->key}, {"partition", day.to_string()}})
              .warn("skipped", {{"reason", skipped.error}});
          done.emplace_back(asset, std::move(skipped));
          continue;
        }
        std::set<std::string>& exchanges_left_out = left_out[asset];  // before any thread reads
        for (const std::string& dep : failed_deps) {
          if (const auto& exchange = graph.get(dep).exchange) exchanges_left_out.insert(*exchange);
        }
        runnable.push_back(asset);
      }
      for (std::size_t start = 0; start < runnable.size(); start += concurrency) {
        std::vector<std::pair<const AssetSpec*, std::future<Outcome>>> running;
        for (std::size_t i = start; i < std::min(runnable.size(), start + concurrency); ++i) {
          const AssetSpec* asset = runnable[i];
          const UtcDay asset_day = asset->partitioning == "snapshot" ? today : day;
          running.emplace_back(asset, std::async(std::launch::async,
                                                 [&context, asset, asset_day, &left_out] {
                                                   return run_logged(context, *asset, asset_day,
                                                                     left_out.at(asset));
                                                 }));
        }
        for (auto& [asset, future] : running) done.emplace_back(asset, future.get());
      }

      for (auto& [asset, outcome] : done) {
        AssetSummary& totals = summary.assets[index.at(asset->key)];
        const double seconds = static_cast<double>(outcome.finished - outcome.started) / 1000.0;
        totals.seconds += seconds;
        ++totals.partitions;
        if (outcome.status == "success") {
          ++totals.succeeded;
          totals.rows += outcome.result.rows;
          totals.rejects += outcome.result.rejects;
          totals.gaps += outcome.result.gaps;
          totals.objects += outcome.result.objects;
          totals.metadata = outcome.result.metadata;
          for (const CheckResult& check : outcome.result.checks) {
            if (check.passed) {
              ++totals.checks_passed;
            } else {
              totals.failed_checks.push_back(check.name + " (" + day.to_string() + "): " +
                                             check.metadata.dump());
            }
            merge_check(totals.checks, check);
          }
        } else {
          outcome.status == "failed" ? ++totals.failed : ++totals.skipped;
          if (totals.first_error.empty()) totals.first_error = outcome.error;
          unavailable.insert(asset->key);
        }
        audit->record_run({.run_id = context.run_id(),
                           .asset = asset->key,
                           .partition = (asset->partitioning == "snapshot" ? today : day).to_string(),
                           .status = outcome.status,
                           .started_at = format_iso8601(outcome.started),
                           .finished_at = format_iso8601(outcome.finished),
                           .seconds = seconds,
                           .rows = outcome.result.rows,
                           .rejects = outcome.result.rejects,
                           .gaps = outcome.result.gaps,
                           .objects = outcome.result.objects,
                           .error = outcome.error});
      }
    }
  }
  return summary;
}

}  // namespace cryptopipe::pipeline
