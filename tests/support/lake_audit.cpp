#include "support/lake_audit.h"

#include <nlohmann/json.hpp>

namespace cryptopipe::testing {
namespace {

bool is_extraction_manifest(const std::string& key) {
  return key.find("/_extractions/") != std::string::npos;
}

bool is_silver_manifest(const std::string& key) {
  return key.rfind("silver/", 0) == 0 && key.ends_with("/_manifest.json");
}

}  // namespace

LakeObjects objects_of(const LakeObjects& files) {
  LakeObjects objects;
  for (const auto& [key, bytes] : files) {
    if (key.rfind(".meta/", 0) != 0 && key.rfind(".tmp/", 0) != 0) objects.emplace(key, bytes);
  }
  return objects;
}

std::vector<std::string> bronze_pages(const LakeObjects& lake) {
  std::vector<std::string> pages;
  for (const auto& [key, bytes] : lake) {
    if (key.rfind("bronze/", 0) == 0 && !is_extraction_manifest(key)) pages.push_back(key);
  }
  return pages;
}

std::vector<std::string> dangling_references(const LakeObjects& lake) {
  std::vector<std::string> dangling;
  const auto check = [&](const std::string& manifest, const std::string& named) {
    if (!lake.contains(named)) dangling.push_back(manifest + " → " + named);
  };
  for (const auto& [key, bytes] : lake) {
    if (is_extraction_manifest(key)) {
      const nlohmann::json manifest = nlohmann::json::parse(bytes);
      for (const nlohmann::json& page : manifest.at("pages")) {
        check(key, page.at("key").get<std::string>());
      }
    } else if (is_silver_manifest(key)) {
      const nlohmann::json manifest = nlohmann::json::parse(bytes);
      check(key, manifest.at("data_key").get<std::string>());
      check(key, manifest.at("rejects_key").get<std::string>());
    }
  }
  return dangling;
}

std::vector<std::string> changed_objects(const LakeObjects& before, const LakeObjects& after) {
  std::vector<std::string> changed;
  for (const auto& [key, bytes] : before) {
    const auto now = after.find(key);
    if (now == after.end() || now->second != bytes) changed.push_back(key);
  }
  return changed;
}

}  // namespace cryptopipe::testing
