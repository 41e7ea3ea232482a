#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace cryptopipe::pipes {

// Start and end of a partition key range (both inclusive) or of a time window (ISO-8601, end
// exclusive), as Dagster sends them.
struct Span {
  std::string start;
  std::string end;
};

// What Dagster tells the external process about the step (protocol 0.1 context payload).
struct PipesContext {
  // The asset keys selected for this step, as escaped user strings; reports name one of them
  // byte for byte. nullopt when the step is an op rather than an asset.
  std::optional<std::vector<std::string>> asset_keys;
  std::optional<std::string> partition_key;  // only when the run targets a single partition
  std::optional<Span> partition_key_range;
  std::optional<Span> partition_time_window;
  std::string run_id;
  std::optional<std::string> job_name;
  int retry_number = 0;
  nlohmann::json extras = nlohmann::json::object();

  // Reads the payload; unknown keys are ignored. Throws Error(kConfig) naming the key when a
  // known one has the wrong type, or when run_id is missing.
  static PipesContext from_json(const nlohmann::json& payload);

  // The extra named `name`, or nullptr when the code location did not pass it.
  const nlohmann::json* extra(const std::string& name) const;
};

// Loads the context the way DAGSTER_PIPES_CONTEXT's parameters say: {"path": file} (read at
// once, Dagster deletes the file when the step ends) or {"data": {...}} (inline). Any other
// shape is a configuration error naming the keys it had.
PipesContext load_context(const nlohmann::json& params);

}  // namespace cryptopipe::pipes
