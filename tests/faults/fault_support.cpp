#include "fault_support.h"

#include <fstream>
#include <sstream>
#include <thread>

namespace cryptopipe::testing {

bool eventually(const std::function<bool()>& reached, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reached()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

std::unique_ptr<lake::ObjectStore> open_s3_lake(const S3Server& server, const std::string& url) {
  const std::map<std::string, std::string> env = server.aws_env();
  lake::LakeOptions options;
  options.env = [env](const std::string& name) -> std::optional<std::string> {
    const auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  options.create_bucket = true;
  return lake::open_object_store(url, options);
}

std::size_t bronze_page_count(const lake::ObjectStore& lake) {
  std::size_t pages = 0;
  for (const std::string& key : lake.list("bronze/")) {
    if (key.find("/_extractions/") == std::string::npos) ++pages;
  }
  return pages;
}

void set_max_attempts(const PipelineHarness& harness, int attempts) {
  std::ofstream(harness.config_path(), std::ios::app)
      << "http:\n  max_attempts: " << attempts << "\n";
}

std::string line_with(const std::string& output, const std::string& needle) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(needle) != std::string::npos) return line;
  }
  return "";
}

}  // namespace cryptopipe::testing
