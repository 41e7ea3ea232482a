#pragma once

#include <optional>
#include <stdexcept>
#include <string>

#include "cryptopipe/core/log.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/asset_graph.h"
#include "cryptopipe/pipeline/executor.h"
#include "cryptopipe/pipeline/run_context.h"
#include "cryptopipe/pipes/session.h"

// How `cryptopipe materialize` runs under Dagster: the Pipes context says what to run, the
// results go back as Pipes messages.
namespace cryptopipe::app {

// The selection: the step's asset keys. Throws Error(kConfig) when the context has none.
std::string pipes_selection(const pipes::PipesContext& context);

// The UTC days [first, last]: the partition key of a single-partition run, else the
// `partition_range` extra ({"start", "end"}) the code location passes for a single-run backfill
// (Dagster leaves the partition fields empty then), else nullopt (snapshot assets).
struct DayRange {
  std::string first;
  std::string last;
};
std::optional<DayRange> pipes_partitions(const pipes::PipesContext& context);

// The engine's run id for a Dagster run: it starts with the time, because the lake finds the
// newest run of a partition by sorting run ids, and ends with Dagster's run id (and the retry
// number of a retried step), so lake objects and run_audit rows lead back to the Dagster run.
std::string pipes_run_id(const pipes::PipesContext& context, TimestampMs now);

// Forwards the engine's log records to Dagster's event log, few of them: every warning and
// error, and the per-asset milestones (records that name an asset); never per-row records.
Logger::Forward forward_to_pipes(pipes::PipesSession& session);

// Dagster sends SIGINT to the process of a cancelled run (SIGTERM in some launchers). Blocks
// both in the calling thread and every thread it starts later, and waits for them on a thread
// of its own, which closes the session with an exception naming the signal and ends the
// process at once: exit 130 for SIGINT, 143 for SIGTERM. Call it before starting any thread.
void close_pipes_on_signal(pipes::PipesSession& session);

// Why a run failed, for Dagster's event log: each failed or skipped asset with its first error.
class AssetsFailed : public std::runtime_error {
 public:
  explicit AssetsFailed(const pipeline::RunSummary& summary);
};

// Reports each asset that succeeded in every partition: one materialization with numeric
// metadata (rows, rejects, gaps, objects, seconds, the asset's own counters) and one result
// per check the asset graph declares for it.
void report_run(pipes::PipesSession& session, const pipeline::AssetGraph& graph,
                const pipeline::RunSummary& summary, pipeline::RunContext& context);

}  // namespace cryptopipe::app
