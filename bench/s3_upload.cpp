// Uploads every file of a folder to an S3 lake, `--concurrency` at a time through one store
// (pooled connections), and prints "<objects> <seconds>": the side of `make bench` that is
// measured against `aws s3 cp --recursive` of the same files to the same server.
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/object_store.h"

namespace {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Upload a folder's files to an S3 lake; prints objects and seconds"};
  std::string folder;
  std::string lake;
  int concurrency = 10;
  app.add_option("--from", folder, "the folder whose files are uploaded")->required();
  app.add_option("--lake", lake, "s3://bucket/prefix (credentials from AWS_*)")->required();
  app.add_option("--concurrency", concurrency, "uploads in flight");
  CLI11_PARSE(app, argc, argv);

  try {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      files.push_back(entry.path());
    }
    std::vector<std::string> bodies;  // read first: the clock measures the uploads only
    for (const auto& file : files) bodies.push_back(read_file(file));

    cryptopipe::lake::LakeOptions options;
    options.env = [](const std::string& name) -> std::optional<std::string> {
      const char* value = std::getenv(name.c_str());
      return value ? std::optional<std::string>(value) : std::nullopt;
    };
    options.create_bucket = true;
    const auto store = cryptopipe::lake::open_object_store(lake, options);

    const auto start = std::chrono::steady_clock::now();
    std::atomic<std::size_t> next{0};
    std::mutex mutex;
    std::string first_error;
    std::vector<std::thread> uploaders;
    for (int t = 0; t < concurrency; ++t) {
      uploaders.emplace_back([&] {
        try {
          for (std::size_t i = next++; i < files.size(); i = next++) {
            store->put(files[i].filename().string(), bodies[i],
                       {{"content-type", "application/json"}});
          }
        } catch (const cryptopipe::Error& e) {
          const std::lock_guard lock(mutex);
          if (first_error.empty()) first_error = e.what();
          next = files.size();
        }
      });
    }
    for (std::thread& uploader : uploaders) uploader.join();
    if (!first_error.empty()) throw cryptopipe::Error(cryptopipe::ErrorKind::kStorage, first_error);
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    std::printf("%zu %.3f\n", files.size(), seconds.count());
  } catch (const cryptopipe::Error& e) {
    std::fprintf(stderr, "s3_upload: %s\n", e.what());
    return 1;
  }
  return 0;
}
