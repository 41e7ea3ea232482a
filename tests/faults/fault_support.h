// What the storage and crash fault cases share: waiting for a point in a run that the test can
// observe, and the lake and warehouse queries they compare.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "cryptopipe/lake/object_store.h"
#include "support/pipeline_harness.h"
#include "support/s3_server.h"

namespace cryptopipe::testing {


// Polls `reached` every 20 ms until it holds; false once `timeout` has passed.
bool eventually(const std::function<bool()>& reached,
                std::chrono::milliseconds timeout = std::chrono::seconds(60));

// The lake at `url` (s3://bucket/prefix) on `server`, opened straight, not through any proxy:
// how the test watches a run's progress.
std::unique_ptr<lake::ObjectStore> open_s3_lake(const S3Server& server, const std::string& url);

// How many raw responses (bronze pages, not manifests) the lake holds.
std::size_t bronze_page_count(const lake::ObjectStore& lake);

// Adds `http: {max_attempts: N}` to the harness's cryptopipe.yaml: a smaller retry budget, so
// that a fault which outlasts it fails the run sooner.
void set_max_attempts(const PipelineHarness& harness, int attempts);

// The line of `output` holding `needle` (without its newline), or "" when none does.
std::string line_with(const std::string& output, const std::string& needle);

}  // namespace cryptopipe::testing
