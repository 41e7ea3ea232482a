#include "cryptopipe/pipeline/executor.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <map>
#include <set>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/workers.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/pipeline/orderbook_assets.h"
#include "cryptopipe/pipeline/perp_assets.h"
#include "cryptopipe/pipeline/ticker_assets.h"
#include "cryptopipe/pipeline/trade_assets.h"

namespace cryptopipe::pipeline {
namespace {

struct Outcome {
  std::string status;  // success | failed | skipped
  AssetResult result;
  std::string error;
  TimestampMs started = 0;
  TimestampMs finished = 0;
};

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
    case AssetKind::kExtractTrades: return extract_trades(context, *asset.exchange, day);
    case AssetKind::kTransformTrades: return transform_trades(context, day, left_out);
    case AssetKind::kLoadTrades: return load_trades(context, day);
    case AssetKind::kExtractFunding:
      return extract_perp(context, transform::PerpDataset::kFunding, *asset.exchange, day);
    case AssetKind::kTransformFunding:
      return transform_perp(context, transform::PerpDataset::kFunding, day, left_out);
    case AssetKind::kLoadFunding: return load_perp(context, transform::PerpDataset::kFunding, day);
    case AssetKind::kExtractOpenInterest:
      return extract_perp(context, transform::PerpDataset::kOpenInterest, *asset.exchange, day);
    case AssetKind::kTransformOpenInterest:
      return transform_perp(context, transform::PerpDataset::kOpenInterest, day, left_out);
    case AssetKind::kLoadOpenInterest:
      return load_perp(context, transform::PerpDataset::kOpenInterest, day);
  }
  throw Error(ErrorKind::kInvalidInput, "asset " + asset.key + " has no implementation");
}

double seconds(const Outcome& outcome) {
  return static_cast<double>(outcome.finished - outcome.started) / 1000.0;
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
  if (outcome.status == "success") {
    for (const CheckResult& check : outcome.result.checks) {
      log.log(check.passed ? LogLevel::kInfo : LogLevel::kWarn, "check",
              {{"check", check.name}, {"passed", check.passed}, {"metadata", check.metadata}});
    }
    log.info("materialized", {{"rows", outcome.result.rows},
                              {"rejects", outcome.result.rejects},
                              {"gaps", outcome.result.gaps},
                              {"objects", outcome.result.objects},
                              {"seconds", seconds(outcome)},
                              {"metadata", outcome.result.metadata}});
  } else {
    log.error("failed", {{"error", outcome.error}, {"seconds", seconds(outcome)}});
  }
  return outcome;
}

// One asset for one partition. Tasks of a partition depend on the tasks of their selected
// dependencies in the same partition; partitions are independent of each other.
struct Task {
  const AssetSpec* asset = nullptr;
  UtcDay day;
  std::vector<std::size_t> dependents;
  std::size_t waiting_for = 0;  // dependencies not finished yet
  std::vector<std::string> failed_deps;
  Outcome outcome;
};

// Every (partition, asset) of the run, each after its dependencies. A snapshot asset is taken
// once per run, filed under today, whatever the partitions.
std::vector<Task> plan_tasks(const AssetGraph& graph, const std::vector<std::string>& selection,
                             const std::vector<UtcDay>& partitions, const UtcDay& today) {
  std::vector<Task> tasks;
  for (std::size_t partition = 0; partition < partitions.size(); ++partition) {
    std::map<std::string, std::size_t> task_of;
    for (const std::string& key : selection) {  // topological order
      const AssetSpec& asset = graph.get(key);
      const bool snapshot = asset.partitioning == "snapshot";
      if (snapshot && partition > 0) continue;
      const std::size_t id = tasks.size();
      tasks.push_back({.asset = &asset, .day = snapshot ? today : partitions[partition]});
      for (const std::string& dep : asset.deps) {
        if (const auto it = task_of.find(dep); it != task_of.end()) {
          tasks[it->second].dependents.push_back(id);
          ++tasks[id].waiting_for;
        }
      }
      task_of[key] = id;
    }
  }
  return tasks;
}

// Runs the tasks on `concurrency` threads, each task as soon as its dependencies are done,
// earliest partition first: a range of partitions is worked on concurrently, and the
// exchanges' connection pools keep the requests in flight within their limits.
class Scheduler {
 public:
  Scheduler(RunContext& context, const AssetGraph& graph, warehouse::Warehouse& audit,
            std::vector<Task>& tasks)
      : context_(context), graph_(graph), audit_(audit), tasks_(tasks) {
    for (std::size_t id = 0; id < tasks_.size(); ++id) {
      if (tasks_[id].waiting_for == 0) ready_.insert(id);
    }
  }

  void run(std::size_t concurrency) {
    run_on_workers(std::min(concurrency, tasks_.size()), [this] { work(); });
  }

 private:
  void work() {
    std::unique_lock lock(mutex_);
    while (finished_ < tasks_.size()) {
      if (ready_.empty()) {
        changed_.wait(lock);
        continue;
      }
      Task& task = tasks_[*ready_.begin()];
      ready_.erase(ready_.begin());
      const bool go_ahead = task.failed_deps.empty() ||
                            (task.asset->tolerates_failed_deps &&
                             task.failed_deps.size() < task.asset->deps.size());
      if (go_ahead) {
        std::set<std::string> left_out;
        for (const std::string& dep : task.failed_deps) {
          if (const auto& exchange = graph_.get(dep).exchange) left_out.insert(*exchange);
        }
        lock.unlock();
        task.outcome = run_logged(context_, *task.asset, task.day, left_out);
        lock.lock();
      } else {
        task.outcome.status = "skipped";
        task.outcome.error = "upstream asset " + task.failed_deps.front() + " did not materialize";
        task.outcome.started = task.outcome.finished = context_.clock().now_ms();
        context_.logger().with({{"asset", task.asset->key}, {"partition", task.day.to_string()}})
            .warn("skipped", {{"reason", task.outcome.error}});
      }
      finish(task);
    }
  }

  // Under the lock: the audit's connection is used by one thread at a time. Never throws: the
  // other workers wait for this task's end.
  void finish(Task& task) {
    record_in_audit(task);
    for (const std::size_t id : task.dependents) {
      Task& dependent = tasks_[id];
      if (task.outcome.status != "success") dependent.failed_deps.push_back(task.asset->key);
      if (--dependent.waiting_for == 0) ready_.insert(id);
    }
    ++finished_;
    changed_.notify_all();
  }

  // A materialization the audit could not record fails: run_audit is the warehouse's account of
  // what ran, and the run's exit code must not claim more than it holds.
  void record_in_audit(Task& task) {
    try {
      record_outcome(task);
    } catch (const std::exception& e) {
      Outcome& outcome = task.outcome;
      const std::string reason = std::string("the run audit (table run_audit of ") +
                                 audit_.describe() + ") could not record it: " + e.what();
      outcome.error = outcome.status == "success" ? reason : outcome.error + "; " + reason;
      outcome.status = "failed";
      context_.logger()
          .with({{"asset", task.asset->key}, {"partition", task.day.to_string()}})
          .error("failed", {{"error", reason}});
    }
  }

  void record_outcome(const Task& task) {
    const Outcome& outcome = task.outcome;
    audit_.record_run({.run_id = context_.run_id(),
                       .asset = task.asset->key,
                       .partition = task.day.to_string(),
                       .status = outcome.status,
                       .started_at = format_iso8601(outcome.started),
                       .finished_at = format_iso8601(outcome.finished),
                       .seconds = seconds(outcome),
                       .rows = outcome.result.rows,
                       .rejects = outcome.result.rejects,
                       .gaps = outcome.result.gaps,
                       .objects = outcome.result.objects,
                       .error = outcome.error});
  }

  RunContext& context_;
  const AssetGraph& graph_;
  warehouse::Warehouse& audit_;
  std::vector<Task>& tasks_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::size_t> ready_;  // task ids: the lowest is the earliest partition
  std::size_t finished_ = 0;
};

// One verdict per check over a run's partitions: passed until a partition fails it, then that
// first failure with its metadata.
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
  std::vector<Task> tasks =
      plan_tasks(graph, selection, partitions, UtcDay::containing(context.clock().now_ms()));
  Scheduler(context, graph, *audit, tasks)
      .run(static_cast<std::size_t>(std::max(1, context.config().concurrency)));

  // Totals in plan order, so the summary reads the same however the threads ran.
  RunSummary summary;
  std::map<std::string, std::size_t> index;
  for (const std::string& key : selection) {
    index[key] = summary.assets.size();
    summary.assets.push_back({.key = key});
  }
  for (const Task& task : tasks) {
    const Outcome& outcome = task.outcome;
    AssetSummary& totals = summary.assets[index.at(task.asset->key)];
    totals.seconds += seconds(outcome);
    ++totals.partitions;
    if (outcome.status == "success") {
      ++totals.succeeded;
      totals.rows += outcome.result.rows;
      totals.rejects += outcome.result.rejects;
      totals.gaps += outcome.result.gaps;
      totals.objects += outcome.result.objects;
      totals.metadata = outcome.result.metadata;
      for (const CheckResult& check : outcome.result.checks) {
        merge_check(totals.checks, check);
        if (check.passed) {
          ++totals.checks_passed;
        } else {
          totals.failed_checks.push_back(check.name + " (" + task.day.to_string() + "): " +
                                         check.metadata.dump());
        }
      }
    } else {
      outcome.status == "failed" ? ++totals.failed : ++totals.skipped;
      if (totals.first_error.empty()) totals.first_error = outcome.error;
    }
  }
  return summary;
}

}  // namespace cryptopipe::pipeline
