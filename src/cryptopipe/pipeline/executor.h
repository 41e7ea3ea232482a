#pragma once

#include <string>
#include <vector>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/asset_graph.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// One asset's totals over the partitions of a run.
struct AssetSummary {
  std::string key;
  int succeeded = 0;
  int failed = 0;
  int skipped = 0;  // an upstream asset of the selection failed for that partition
  std::int64_t rows = 0, rejects = 0, gaps = 0, objects = 0;
  double seconds = 0;
  std::string first_error;
  std::vector<std::string> failed_checks;  // "name (partition): details", in run order
  int checks_passed = 0;
  // Each check once, in the order the asset reports them: failed if it failed for any
  // partition, with the findings of the first partition it failed for (else the last one's).
  std::vector<CheckResult> checks;
  nlohmann::json metadata = nlohmann::json::object();  // of the last partition that succeeded
  int partitions = 0;  // partitions the asset ran for (snapshots: one)
};

struct RunSummary {
  std::vector<AssetSummary> assets;
  bool all_succeeded() const;
};

// Materializes the selected assets for each partition, each after its selected dependencies in
// the same partition; up to config.concurrency run at once, across partitions too, earliest
// partition first. A failed asset fails only itself and what depends on it in its partition.
// Every materialization is recorded in the warehouse's run_audit table as it ends.
RunSummary materialize(RunContext& context, const AssetGraph& graph,
                       const std::vector<std::string>& selection,
                       const std::vector<UtcDay>& partitions);

}  // namespace cryptopipe::pipeline
