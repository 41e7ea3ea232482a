#include "cryptopipe/pipes/context.h"

#include <fstream>
#include <sstream>

#include "cryptopipe/core/error.h"

namespace cryptopipe::pipes {
namespace {

[[noreturn]] void fail(const std::string& why) {
  throw Error(ErrorKind::kConfig, "Dagster Pipes context: " + why);
}

const nlohmann::json* field(const nlohmann::json& payload, const char* key) {
  const auto it = payload.find(key);
  return it == payload.end() || it->is_null() ? nullptr : &*it;
}

std::string string_field(const nlohmann::json& value, const std::string& key) {
  if (!value.is_string()) fail(key + " is not a string: " + value.dump());
  return value.get<std::string>();
}

std::optional<Span> span_field(const nlohmann::json& payload, const char* key) {
  const nlohmann::json* value = field(payload, key);
  if (value == nullptr) return std::nullopt;
  if (!value->is_object() || !value->contains("start") || !value->contains("end")) {
    fail(std::string(key) + " is not an object with start and end: " + value->dump());
  }
  return Span{string_field(value->at("start"), std::string(key) + ".start"),
              string_field(value->at("end"), std::string(key) + ".end")};
}

std::string keys_of(const nlohmann::json& object) {
  std::string keys;
  for (const auto& [key, value] : object.items()) keys += (keys.empty() ? "" : ", ") + key;
  return keys.empty() ? "none" : keys;
}

}  // namespace

PipesContext PipesContext::from_json(const nlohmann::json& payload) {
  if (!payload.is_object()) fail("not a JSON object");
  PipesContext context;
  if (const nlohmann::json* keys = field(payload, "asset_keys")) {
    if (!keys->is_array()) fail("asset_keys is not an array: " + keys->dump());
    context.asset_keys.emplace();
    for (const nlohmann::json& key : *keys)
      context.asset_keys->push_back(string_field(key, "asset_keys[]"));
  }
  if (const nlohmann::json* key = field(payload, "partition_key")) {
    context.partition_key = string_field(*key, "partition_key");
  }
  context.partition_key_range = span_field(payload, "partition_key_range");
  context.partition_time_window = span_field(payload, "partition_time_window");
  const nlohmann::json* run_id = field(payload, "run_id");
  if (run_id == nullptr) fail("run_id is missing");
  context.run_id = string_field(*run_id, "run_id");
  if (context.run_id.empty()) fail("run_id is empty");
  if (const nlohmann::json* job = field(payload, "job_name")) {
    context.job_name = string_field(*job, "job_name");
  }
  if (const nlohmann::json* retry = field(payload, "retry_number")) {
    if (!retry->is_number_integer() || retry->get<long long>() < 0) {
      fail("retry_number is not a non-negative integer: " + retry->dump());
    }
    context.retry_number = retry->get<int>();
  }
  if (const nlohmann::json* extras = field(payload, "extras")) {
    if (!extras->is_object()) fail("extras is not an object: " + extras->dump());
    context.extras = *extras;
  }
  return context;
}

const nlohmann::json* PipesContext::extra(const std::string& name) const {
  const auto it = extras.find(name);
  return it == extras.end() || it->is_null() ? nullptr : &*it;
}

PipesContext load_context(const nlohmann::json& params) {
  if (const auto path = params.find("path"); path != params.end()) {
    if (!path->is_string()) fail("path is not a string: " + path->dump());
    const std::string file = path->get<std::string>();
    std::ifstream in(file, std::ios::binary);
    if (!in) fail("cannot read " + file);
    std::ostringstream text;
    text << in.rdbuf();
    nlohmann::json payload = nlohmann::json::parse(text.str(), nullptr, false);
    if (payload.is_discarded()) fail(file + " does not hold JSON");
    return PipesContext::from_json(payload);
  }
  if (const auto data = params.find("data"); data != params.end()) {
    if (!data->is_object()) fail("data is not an object");
    return PipesContext::from_json(*data);
  }
  fail("DAGSTER_PIPES_CONTEXT names no path and no data (keys: " + keys_of(params) +
       "); cryptopipe reads the context from a file or inline");
}

}  // namespace cryptopipe::pipes
