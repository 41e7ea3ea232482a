#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

namespace cryptopipe::pipes {

// One typed metadata value as Dagster's Pipes handler accepts it: {"raw_value", "type"}.
// The factories check the shape each type needs, so nothing Dagster would reject (and so
// lose the rest of the session over) is ever sent.
class MetadataValue {
 public:
  static MetadataValue integer(std::int64_t value);
  // Throws Error(kInvalidInput) for NaN or infinity (not JSON).
  static MetadataValue floating(double value);
  static MetadataValue text(std::string value);
  static MetadataValue markdown(std::string value);
  static MetadataValue path(std::string value);
  static MetadataValue url(std::string value);
  // Seconds since the Unix epoch.
  static MetadataValue timestamp(double seconds);
  // An object or an array; throws Error(kInvalidInput) for anything else. Keep it small: it is
  // stored in Dagster's event log and shipped to the UI.
  static MetadataValue json(nlohmann::json value);

  nlohmann::json to_json() const { return {{"raw_value", raw_}, {"type", type_}}; }

 private:
  MetadataValue(std::string type, nlohmann::json raw)
      : type_(std::move(type)), raw_(std::move(raw)) {}
  std::string type_;
  nlohmann::json raw_;
};

// Labels and values, in the order they are shown.
using Metadata = std::vector<std::pair<std::string, MetadataValue>>;

nlohmann::json to_json(const Metadata& metadata);

}  // namespace cryptopipe::pipes
