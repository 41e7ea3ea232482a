#include "cryptopipe/pipes/metadata.h"

#include <cmath>

#include "cryptopipe/core/error.h"

namespace cryptopipe::pipes {

MetadataValue MetadataValue::integer(std::int64_t value) { return {"int", value}; }

MetadataValue MetadataValue::floating(double value) {
  if (!std::isfinite(value)) {
    throw Error(ErrorKind::kInvalidInput, "metadata: a float must be finite");
  }
  // nlohmann::json writes a double with a fraction ("1.0"), which Dagster's float check needs.
  return {"float", value};
}

MetadataValue MetadataValue::text(std::string value) { return {"text", std::move(value)}; }
MetadataValue MetadataValue::markdown(std::string value) { return {"md", std::move(value)}; }
MetadataValue MetadataValue::path(std::string value) { return {"path", std::move(value)}; }
MetadataValue MetadataValue::url(std::string value) { return {"url", std::move(value)}; }

MetadataValue MetadataValue::timestamp(double seconds) {
  if (!std::isfinite(seconds)) {
    throw Error(ErrorKind::kInvalidInput, "metadata: a timestamp must be finite");
  }
  return {"timestamp", seconds};
}

MetadataValue MetadataValue::json(nlohmann::json value) {
  if (!value.is_object() && !value.is_array()) {
    throw Error(ErrorKind::kInvalidInput,
                "metadata: a json value must be an object or an array, not " + value.dump());
  }
  return {"json", std::move(value)};
}

nlohmann::json to_json(const Metadata& metadata) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [label, value] : metadata) out[label] = value.to_json();
  return out;
}

}  // namespace cryptopipe::pipes
