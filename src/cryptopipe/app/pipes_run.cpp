#include "cryptopipe/app/pipes_run.h"

#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <thread>

#include "cryptopipe/core/error.h"

namespace cryptopipe::app {
namespace {

[[noreturn]] void fail(const std::string& why) {
  throw Error(ErrorKind::kConfig, "Dagster Pipes context: " + why);
}

// The asset's own counters and references, typed for Dagster: integers become int metadata
// (so Dagster plots them), *_manifest keys a path, strings text, objects and arrays JSON, and
// any other value its JSON text.
void add_value(pipes::Metadata& metadata, const std::string& label, const nlohmann::json& value,
               pipeline::RunContext& context) {
  for (const auto& [existing, unused] : metadata) {
    if (existing == label) return;
  }
  if (value.is_number_integer()) {
    metadata.emplace_back(label, pipes::MetadataValue::integer(value.get<std::int64_t>()));
  } else if (value.is_string() && label.ends_with("manifest")) {
    metadata.emplace_back(
        label, pipes::MetadataValue::path(context.lake().locate(value.get<std::string>())));
  } else if (value.is_string()) {
    metadata.emplace_back(label, pipes::MetadataValue::text(value.get<std::string>()));
  } else if (value.is_structured()) {
    metadata.emplace_back(label, pipes::MetadataValue::json(value));
  } else {
    metadata.emplace_back(label, pipes::MetadataValue::text(value.dump()));
  }
}

std::string summary_markdown(const pipeline::AssetSummary& asset) {
  char row[256];
  std::snprintf(row, sizeof row, "| %lld | %lld | %lld | %lld | %d | %.2f |",
                static_cast<long long>(asset.rows), static_cast<long long>(asset.rejects),
                static_cast<long long>(asset.gaps), static_cast<long long>(asset.objects),
                asset.partitions, asset.seconds);
  return "| rows | rejects | gaps | objects | partitions | seconds "
         "|\n|---:|---:|---:|---:|---:|---:|\n" +
         std::string(row);
}

pipes::Metadata materialization_metadata(const pipeline::AssetSummary& asset,
                                         pipeline::RunContext& context) {
  pipes::Metadata metadata = {
      {"dagster/row_count", pipes::MetadataValue::integer(asset.rows)},
      {"rows", pipes::MetadataValue::integer(asset.rows)},
      {"rejects", pipes::MetadataValue::integer(asset.rejects)},
      {"gaps", pipes::MetadataValue::integer(asset.gaps)},
      {"objects", pipes::MetadataValue::integer(asset.objects)},
      {"partitions", pipes::MetadataValue::integer(asset.partitions)},
      {"seconds", pipes::MetadataValue::floating(asset.seconds)},
      {"finished_at",
       pipes::MetadataValue::timestamp(static_cast<double>(context.clock().now_ms()) / 1000.0)},
      {"lake", pipes::MetadataValue::url(context.lake().url())},
      {"engine_run_id", pipes::MetadataValue::text(context.run_id())},
      {"summary", pipes::MetadataValue::markdown(summary_markdown(asset))},
  };
  for (const auto& [label, value] : asset.metadata.items())
    add_value(metadata, label, value, context);
  return metadata;
}

}  // namespace

std::string pipes_selection(const pipes::PipesContext& context) {
  if (!context.asset_keys || context.asset_keys->empty()) {
    fail("the step names no asset keys: cryptopipe materializes assets, not ops");
  }
  std::string selection;
  for (const std::string& key : *context.asset_keys)
    selection += (selection.empty() ? "" : ",") + key;
  return selection;
}

std::optional<DayRange> pipes_partitions(const pipes::PipesContext& context) {
  if (context.partition_key) return DayRange{*context.partition_key, *context.partition_key};
  const nlohmann::json* range = context.extra("partition_range");
  if (range == nullptr) return std::nullopt;
  if (!range->is_object() || !range->contains("start") || !range->contains("end") ||
      !range->at("start").is_string() || !range->at("end").is_string()) {
    fail("extras.partition_range is not {\"start\": DAY, \"end\": DAY}: " + range->dump());
  }
  return DayRange{range->at("start").get<std::string>(), range->at("end").get<std::string>()};
}

std::string pipes_run_id(const pipes::PipesContext& context, TimestampMs now) {
  std::string id = format_compact_utc(now) + "-" + context.run_id;
  if (context.retry_number > 0) id += "-retry" + std::to_string(context.retry_number);
  return id;
}

Logger::Forward forward_to_pipes(pipes::PipesSession& session) {
  return [&session](LogLevel level, std::string_view message, const nlohmann::json& fields) {
    if (level < LogLevel::kWarn && !fields.contains("asset")) return;
    std::string text(message);
    for (const auto& [key, value] : fields.items()) {
      text += " " + key + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
    }
    session.log(level, text);
  };
}

namespace {

std::string describe_failures(const pipeline::RunSummary& summary) {
  std::string text;
  for (const pipeline::AssetSummary& asset : summary.assets) {
    if (asset.failed == 0 && asset.skipped == 0) continue;
    text += (text.empty() ? "" : "; ") + asset.key +
            (asset.failed > 0 ? " failed: " : " skipped: ") + asset.first_error;
  }
  return text;
}

}  // namespace

void close_pipes_on_signal(pipes::PipesSession& session) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([&session, signals] {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    const bool interrupted = signal_number == SIGINT;
    try {
      session.close(std::make_exception_ptr(
          Error(ErrorKind::kTransient, std::string("cancelled: cryptopipe received ") +
                                           (interrupted ? "SIGINT" : "SIGTERM") +
                                           "; what it had written stays, a re-run converges")));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "cryptopipe: error: %s\n", e.what());
    }
    std::_Exit(interrupted ? 130 : 143);
  }).detach();
}

AssetsFailed::AssetsFailed(const pipeline::RunSummary& summary)
    : std::runtime_error(describe_failures(summary)) {}

void report_run(pipes::PipesSession& session, const pipeline::AssetGraph& graph,
                const pipeline::RunSummary& summary, pipeline::RunContext& context) {
  for (const pipeline::AssetSummary& asset : summary.assets) {
    if (asset.failed > 0 || asset.skipped > 0) continue;  // the step fails; Dagster drops results
    session.report_materialization(asset.key, materialization_metadata(asset, context));
    // Dagster fails a step whose declared checks go unreported, so every declared check is
    // reported, failed if the engine did not evaluate it.
    for (const std::string& name : graph.get(asset.key).checks) {
      pipes::Metadata metadata;
      bool passed = false;
      bool evaluated = false;
      for (const pipeline::CheckResult& check : asset.checks) {
        if (check.name != name) continue;
        evaluated = true;
        passed = check.passed;
        for (const auto& [label, value] : check.metadata.items())
          add_value(metadata, label, value, context);
      }
      if (!evaluated) metadata.emplace_back("reason", pipes::MetadataValue::text("not evaluated"));
      session.report_check(asset.key, name, passed, pipes::CheckSeverity::kWarn, metadata);
    }
  }
}

}  // namespace cryptopipe::app
