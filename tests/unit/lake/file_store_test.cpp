#include "cryptopipe/lake/file_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/lake/object_store.h"
#include "unit/test_helpers.h"

namespace cryptopipe::lake {
namespace {

namespace fs = std::filesystem;
using unit::ScratchDir;
using unit::ThrowsError;

constexpr const char* kKey =
    "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/"
    "20261126T101500123Z-20261126T101459870Z-1a2b3c4d5e6f-0001-ab12cd34ef56.json";

std::vector<std::string> files_under(const fs::path& dir) {
  std::vector<std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(entry.path().string());
  }
  return out;
}

class FileStoreTest : public ::testing::Test {
 protected:
  fs::path root() const { return scratch_.path() / "lake"; }
  fs::path temp_dir() const { return root() / ".tmp"; }

  ScratchDir scratch_;
  FileStore store_{scratch_.path() / "lake"};
};

TEST_F(FileStoreTest, CreatesItsRootAndNamesItsUrl) {
  EXPECT_TRUE(fs::is_directory(root()));
  EXPECT_EQ(store_.url(), "file://" + root().string());
  EXPECT_EQ(store_.locate(kKey), (root() / kKey).string());
}

TEST_F(FileStoreTest, PutThenReadRoundTripsBytesExactly) {
  std::string bytes;
  for (int i = 0; i < 70'000; ++i) bytes += static_cast<char>(i % 256);  // zeros included
  store_.put(kKey, bytes);
  EXPECT_TRUE(store_.exists(kKey));
  EXPECT_EQ(store_.read(kKey), bytes);
  std::string out = "previous content that must be replaced";
  store_.read(kKey, out);
  EXPECT_EQ(out, bytes);
  // The object is the plain file root/key.
  std::ifstream file(root() / kKey, std::ios::binary);
  const std::string on_disk((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(on_disk, bytes);
}

TEST_F(FileStoreTest, EmptyObjectsAreObjects) {
  store_.put("a/empty", "");
  EXPECT_TRUE(store_.exists("a/empty"));
  std::string out = "x";
  store_.read("a/empty", out);
  EXPECT_EQ(out, "");
}

TEST_F(FileStoreTest, StreamedWritesConcatenate) {
  auto writer = store_.create("a/b");
  writer->write("hello ");
  writer->write(std::string("\0\0", 2));
  writer->write("world");
  EXPECT_FALSE(store_.exists("a/b"));  // nothing visible before commit
  writer->commit();
  EXPECT_EQ(store_.read("a/b"), std::string("hello \0\0world", 13));
}

TEST_F(FileStoreTest, ObjectsAreNeverOverwritten) {
  store_.put(kKey, "original");
  EXPECT_TRUE(ThrowsError([&] { store_.put(kKey, "replacement"); }, ErrorKind::kAlreadyExists,
                          {kKey}));
  EXPECT_EQ(store_.read(kKey), "original");
  EXPECT_TRUE(files_under(temp_dir()).empty());
}

TEST_F(FileStoreTest, AFailedSecondPutKeepsTheOriginalMetadata) {
  store_.put(kKey, "original", {{"url", "https://api.binance.com/first"}, {"status", "200"}});
  EXPECT_TRUE(ThrowsError(
      [&] { store_.put(kKey, "replacement", {{"url", "https://api.binance.com/second"}}); },
      ErrorKind::kAlreadyExists, {kKey}));
  EXPECT_EQ(store_.read(kKey), "original");
  const ObjectMetadata expected = {{"url", "https://api.binance.com/first"}, {"status", "200"}};
  EXPECT_EQ(store_.metadata(kKey), expected)
      << "the losing writer replaced the provenance of the existing object";
}

TEST_F(FileStoreTest, UncommittedWriterLeavesNoTrace) {
  {
    auto writer = store_.create(kKey, {{"url", "x"}});
    writer->write("partial");
  }
  EXPECT_FALSE(store_.exists(kKey));
  EXPECT_TRUE(ThrowsError([&] { store_.read(kKey); }, ErrorKind::kNotFound, {kKey}));
  EXPECT_TRUE(store_.list("").empty());
  EXPECT_TRUE(files_under(temp_dir()).empty());
  EXPECT_TRUE(files_under(root() / ".meta").empty());
  EXPECT_TRUE(ThrowsError([&] { store_.metadata(kKey); }, ErrorKind::kNotFound, {kKey}));
}

TEST_F(FileStoreTest, CommittedWriterLeavesNoTempFile) {
  store_.put(kKey, "x", {{"a", "b"}});
  EXPECT_TRUE(files_under(temp_dir()).empty());
}

TEST_F(FileStoreTest, MetadataRoundTrips) {
  const ObjectMetadata metadata = {{"url", "https://api.binance.com/api/v3/klines?symbol=BTCUSDT"},
                                   {"status", "200"},
                                   {"requested_at", "2026-11-26T10:15:00.123Z"},
                                   {"note", "quotes \" and \n newlines"}};
  store_.put(kKey, "body", metadata);
  EXPECT_EQ(store_.metadata(kKey), metadata);
  store_.put("a/no-metadata", "body");
  EXPECT_TRUE(store_.metadata("a/no-metadata").empty());
}

TEST_F(FileStoreTest, ListIsSortedAndFiltersByPrefix) {
  for (const char* key : {"b/2", "a/x/1", "b/10", "a/y", "b/1", "c", "ab/z"}) store_.put(key, key);
  EXPECT_EQ(store_.list(""),
            (std::vector<std::string>{"a/x/1", "a/y", "ab/z", "b/1", "b/10", "b/2", "c"}));
  EXPECT_EQ(store_.list("b/"), (std::vector<std::string>{"b/1", "b/10", "b/2"}));
  EXPECT_EQ(store_.list("a/"), (std::vector<std::string>{"a/x/1", "a/y"}));
  EXPECT_EQ(store_.list("a/x/"), (std::vector<std::string>{"a/x/1"}));
  EXPECT_TRUE(store_.list("nothing/").empty());
  EXPECT_TRUE(store_.list("a/x/1/").empty());
}

TEST_F(FileStoreTest, ListHandlesAPrefixEndingMidSegment) {
  for (const char* key : {"b/10", "b/2", "b/1", "bb/1", "a/1"}) store_.put(key, key);
  EXPECT_EQ(store_.list("b/1"), (std::vector<std::string>{"b/1", "b/10"}));
  EXPECT_EQ(store_.list("b"), (std::vector<std::string>{"b/1", "b/10", "b/2", "bb/1"}));
  EXPECT_EQ(store_.list("bb"), (std::vector<std::string>{"bb/1"}));
  EXPECT_TRUE(store_.list("c").empty());
}

TEST_F(FileStoreTest, ListExcludesTheStoresOwnBookkeeping) {
  store_.put("a/1", "x", {{"k", "v"}});
  auto pending = store_.create("a/2", {{"k", "v"}});
  pending->write("in flight");
  EXPECT_EQ(store_.list(""), std::vector<std::string>{"a/1"});
  EXPECT_EQ(store_.list("a/"), std::vector<std::string>{"a/1"});
  // Nothing from .meta or .tmp, whatever the prefix.
  for (const std::string& key : store_.list("")) {
    EXPECT_EQ(key.find(".meta"), std::string::npos);
    EXPECT_EQ(key.find(".tmp"), std::string::npos);
  }
}

TEST_F(FileStoreTest, ReadOfAMissingKeyIsNotFound) {
  EXPECT_TRUE(ThrowsError([&] { store_.read("a/none"); }, ErrorKind::kNotFound, {"a/none"}));
  EXPECT_FALSE(store_.exists("a/none"));
}

TEST_F(FileStoreTest, AFolderIsNotAnObject) {
  store_.put("a/b/c", "x");
  EXPECT_FALSE(store_.exists("a/b"));
  EXPECT_TRUE(ThrowsError([&] { store_.read("a/b"); }, ErrorKind::kNotFound, {"a/b"}));
}

TEST_F(FileStoreTest, AKeyBelowAnExistingObjectFailsWithAnError) {
  store_.put("a/c", "an object, not a folder");
  try {
    store_.put("a/c/d", "x");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_TRUE(e.kind() == ErrorKind::kStorage || e.kind() == ErrorKind::kAlreadyExists)
        << to_string(e.kind()) << ": " << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a cryptopipe::Error: " << e.what();
  }
  EXPECT_EQ(store_.read("a/c"), "an object, not a folder");
  EXPECT_TRUE(files_under(temp_dir()).empty());
}

TEST_F(FileStoreTest, EveryMethodRefusesKeysThatEscapeTheRoot) {
  const fs::path outside = scratch_.path() / "escaped";
  for (const std::string key : {"../escaped", "a/../../escaped", "/tmp/escaped", ".meta/x",
                                ".tmp/x", "a//b", "a/"}) {
    const std::vector<std::function<void()>> calls = {
        [&] { store_.put(key, "x"); },
        [&] { store_.create(key); },
        [&] { store_.read(key); },
        [&] { store_.metadata(key); },
        [&] { store_.exists(key); },
        [&] { store_.locate(key); },
    };
    for (std::size_t i = 0; i < calls.size(); ++i) {
      EXPECT_TRUE(ThrowsError(calls[i], ErrorKind::kInvalidInput, {key}))
          << "method #" << i << " key " << key;
    }
  }
  EXPECT_TRUE(ThrowsError([&] { store_.list("../"); }, ErrorKind::kInvalidInput));
  EXPECT_TRUE(ThrowsError([&] { store_.list("a/../../"); }, ErrorKind::kInvalidInput));
  EXPECT_TRUE(ThrowsError([&] { store_.list(".meta/"); }, ErrorKind::kInvalidInput));
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::exists("/tmp/escaped"));
}

TEST_F(FileStoreTest, ConcurrentCreatorsOfOneKeyExactlyOneWins) {
  for (int round = 0; round < 20; ++round) {
    const std::string key = "race/" + std::to_string(round);
    constexpr int kThreads = 4;
    std::atomic<int> won{0}, lost{0}, other{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const std::string body = "writer " + std::to_string(t);
        while (!go.load()) std::this_thread::yield();
        try {
          store_.put(key, body);
          ++won;
        } catch (const Error& e) {
          (e.kind() == ErrorKind::kAlreadyExists ? lost : other)++;
        }
      });
    }
    go = true;
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(won.load(), 1) << key;
    EXPECT_EQ(lost.load(), kThreads - 1) << key;
    EXPECT_EQ(other.load(), 0) << key;
    EXPECT_EQ(store_.read(key).rfind("writer ", 0), 0u);
  }
  EXPECT_TRUE(files_under(temp_dir()).empty());
}

TEST_F(FileStoreTest, AnotherStoreOnTheSameFolderSeesTheObjects) {
  store_.put(kKey, "shared", {{"a", "1"}});
  FileStore again(root());
  EXPECT_EQ(again.read(kKey), "shared");
  EXPECT_EQ(again.metadata(kKey).at("a"), "1");
  EXPECT_TRUE(ThrowsError([&] { again.put(kKey, "x"); }, ErrorKind::kAlreadyExists));
}

TEST(OpenObjectStore, FileUrlsAndBarePathsMakeAFileStore) {
  ScratchDir scratch;
  const auto store = open_object_store("file://" + (scratch.path() / "lake").string());
  EXPECT_EQ(store->url(), "file://" + (scratch.path() / "lake").string());
  store->put("a/b", "x");
  EXPECT_TRUE(fs::is_regular_file(scratch.path() / "lake" / "a" / "b"));

  const auto bare = open_object_store((scratch.path() / "bare").string());
  EXPECT_EQ(bare->url(), "file://" + (scratch.path() / "bare").string());
}

TEST(OpenObjectStore, OtherSchemesAreConfigErrorsNamingTheUrl) {
  for (const std::string url : {"s3://bucket/prefix", "http://lake", "gs://b", "file://"}) {
    EXPECT_TRUE(ThrowsError([&] { open_object_store(url); }, ErrorKind::kConfig, {url})) << url;
  }
  EXPECT_TRUE(ThrowsError([&] { open_object_store(""); }, ErrorKind::kConfig));
}

TEST(Sha256Hex, MatchesKnownDigests) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(std::string("\0", 1)),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d");
}

}  // namespace
}  // namespace cryptopipe::lake
