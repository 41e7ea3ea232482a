// Lake keys cannot escape the lake's root: the S3 store refuses `..`, absolute and hidden keys in
// every method before any request (FileStore's own test is in unit/lake/file_store_test.cpp),
// and a symbol, timeframe or partition that would make such a key is refused by the real binary
// before anything is written, inside the lake or beside it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/s3_store.h"
#include "support/pipeline_harness.h"
#include "support/s3_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::testing {
namespace {

namespace fs = std::filesystem;
using unit::ThrowsError;

constexpr const char* kBucket = "keys-test";
const std::vector<std::string> kEscapingKeys = {
    "../outside/escaped", "a/../../outside/escaped", "/outside/escaped", "..", ".meta/x",
    "a//b", "a/", "a/./b"};

std::vector<std::string> bucket_keys(const S3Server& s3) {
  const ProcessResult listing =
      s3.aws({"s3api", "list-objects-v2", "--bucket", kBucket, "--output", "json"});
  EXPECT_EQ(listing.exit_code, 0) << context_of(listing);
  std::vector<std::string> keys;
  for (const auto& object :
       nlohmann::json::parse(listing.out).value("Contents", nlohmann::json::array())) {
    keys.push_back(object.at("Key"));
  }
  return keys;
}

TEST(S3LakeKeys, EveryMethodRefusesKeysThatEscapeThePrefixBeforeAnyRequest) {
  S3Server s3;
  lake::S3Settings settings;
  settings.bucket = kBucket;
  settings.prefix = "lake/";
  settings.endpoint = s3.endpoint();
  settings.credentials = {s3.access_key(), s3.secret_key(), ""};
  settings.create_bucket = true;
  lake::S3Store store(settings);
  // An object beside the lake, which no key of the lake may reach.
  TempDir scratch;
  std::ofstream(scratch.path() / "escaped") << "outside the lake";
  const ProcessResult placed = s3.aws({"s3", "cp", (scratch.path() / "escaped").string(),
                                       std::string("s3://") + kBucket + "/outside/escaped"});
  ASSERT_EQ(placed.exit_code, 0) << context_of(placed);

  for (const std::string& key : kEscapingKeys) {
    const std::vector<std::function<void()>> calls = {
        [&] { store.put(key, "x"); },
        [&] { store.create(key); },
        [&] { store.read(key); },
        [&] { store.metadata(key); },
        [&] { store.exists(key); },
        [&] { store.locate(key); },
    };
    for (std::size_t i = 0; i < calls.size(); ++i) {
      EXPECT_TRUE(ThrowsError(calls[i], ErrorKind::kInvalidInput, {key}))
          << "method #" << i << " key " << key;
    }
  }
  for (const std::string prefix : {"../", "../outside/", "a/../../outside/", "/outside/"}) {
    EXPECT_TRUE(ThrowsError([&] { store.list(prefix); }, ErrorKind::kInvalidInput)) << prefix;
  }
  EXPECT_EQ(bucket_keys(s3), std::vector<std::string>{"outside/escaped"});
  ASSERT_NO_THROW(store.put("inside/kept", "in the lake"));
  EXPECT_EQ(store.list("inside/"), std::vector<std::string>{"inside/kept"});
}

// Every file under `root` (depth-limited, tolerant of other processes' files coming and
// going) whose name contains `marker`.
std::vector<std::string> files_named(const fs::path& root, const std::string& marker) {
  std::vector<std::string> found;
  std::error_code error;
  auto it = fs::recursive_directory_iterator(root, fs::directory_options::skip_permission_denied,
                                             error);
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it.depth() > 6) it.disable_recursion_pending();
    if (it->path().filename().string().find(marker) != std::string::npos) {
      found.push_back(it->path().string());
    }
  }
  return found;
}

class LakeKeysE2E : public ::testing::Test {
 protected:
  ProcessResult materialize(const std::string& partition) {
    return harness_.cryptopipe({"materialize", "--select", "*", "--partition", partition});
  }

  void expect_refused_and_nothing_written(const ProcessResult& run, const std::string& named) {
    EXPECT_EQ(run.exit_code, 2) << context_of(run);
    EXPECT_NE(run.err.find(named), std::string::npos) << context_of(run);
    EXPECT_TRUE(harness_.lake_files().empty());
    EXPECT_EQ(sim_.stats().value("total", 0), 0) << "nothing may be fetched";
    EXPECT_EQ(files_named(harness_.dir().parent_path(), "ESCAPE7C"), std::vector<std::string>{});
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url("binance")};
};

TEST_F(LakeKeysE2E, SymbolsThatWouldLeaveTheLakeAreRefused) {
  for (const std::string symbol : {"../../ESCAPE7C/USDT", "/ESCAPE7C/USDT", "ESCAPE7C/../USDT",
                                   "../ESCAPE7C", "ESCAPE7C/..", "./ESCAPE7C/USDT"}) {
    harness_.write_config({"\"" + symbol + "\""}, {"1h"});
    expect_refused_and_nothing_written(materialize(yesterday_utc()), symbol);
  }
}

TEST_F(LakeKeysE2E, TimeframesThatWouldLeaveTheLakeAreRefused) {
  for (const std::string timeframe : {"../ESCAPE7C", "/ESCAPE7C", ".."}) {
    harness_.write_config({"BTC/USDT"}, {"\"" + timeframe + "\""});
    expect_refused_and_nothing_written(materialize(yesterday_utc()), timeframe);
  }
}

TEST_F(LakeKeysE2E, PartitionsThatWouldLeaveTheLakeAreRefused) {
  harness_.write_config({"BTC/USDT"}, {"1h"});
  for (const std::string& partition :
       std::vector<std::string>{"../../ESCAPE7C", "/tmp/ESCAPE7C", yesterday_utc() + "/../../ESCAPE7C", ".."}) {
    expect_refused_and_nothing_written(materialize(partition), partition);
  }
}

}  // namespace
}  // namespace cryptopipe::testing
