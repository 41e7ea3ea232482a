// The S3 store against a real S3 server (SeaweedFS on loopback): the lake's guarantees — bytes
// kept exactly, never overwritten, nothing half-written — and the errors users meet.
#include "cryptopipe/lake/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <fstream>
#include <algorithm>
#include <cstdio>

#include "cryptopipe/core/error.h"
#include "support/faulty_proxy.h"
#include "support/s3_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::lake {
namespace {

using testing::FaultyProxy;
using testing::S3Server;
using unit::ThrowsError;

constexpr const char* kKey =
    "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/"
    "20261126T101500123Z-20261126T101459870Z-1a2b3c4d5e6f-0001-ab12cd34ef56.json";
constexpr std::size_t kMiB = std::size_t{1} << 20;

std::string all_byte_values(std::size_t size) {
  std::string bytes;
  for (std::size_t i = 0; i < size; ++i) bytes += static_cast<char>((i * 7 + i / 256) % 256);
  return bytes;
}

class S3StoreTest : public ::testing::Test {
 protected:
  S3Settings settings(const std::string& endpoint) const {
    S3Settings s;
    s.bucket = "lake-test";
    s.prefix = "lake/";
    s.endpoint = endpoint;
    s.credentials = {server_.access_key(), server_.secret_key(), ""};
    s.create_bucket = true;
    s.retry.base_delay = std::chrono::milliseconds(10);
    s.retry.max_delay = std::chrono::milliseconds(50);
    return s;
  }
  S3Settings settings() const { return settings(server_.endpoint()); }

  // Multipart above 5 MiB, in parts of 5 MiB (S3's smallest).
  S3Settings multipart_settings(const std::string& endpoint) const {
    S3Settings s = settings(endpoint);
    s.multipart_threshold = 5 * kMiB;
    s.part_size = 5 * kMiB;
    return s;
  }

  // Multipart uploads the server still holds for the bucket, as the AWS CLI lists them.
  std::string pending_uploads() const {
    const auto listed = server_.aws(
        {"s3api", "list-multipart-uploads", "--bucket", "lake-test", "--output", "json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return listed.out;
  }

  S3Server server_;
};

TEST_F(S3StoreTest, KeepsBytesAndMetadataExactly) {
  S3Store store(settings());
  const std::string bytes = all_byte_values(300'000);
  const ObjectMetadata metadata = {
      {"url", "http://127.0.0.1:1/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000"},
      {"params", R"({"interval":"1m",  "symbol":"BTCUSDT"})"},
      {"status", "200"},
      {"content-type", "application/json"},
      {"run_id", "20261127T051546848Z-65aacb"}};
  store.put(kKey, bytes, metadata);
  EXPECT_TRUE(store.exists(kKey));
  EXPECT_FALSE(store.exists(std::string(kKey) + ".missing"));
  EXPECT_EQ(store.read(kKey), bytes);
  EXPECT_EQ(store.metadata(kKey), metadata);
  store.put("empty", "");
  EXPECT_EQ(store.read("empty"), "");
  EXPECT_EQ(store.url(), "s3://lake-test/lake");
  EXPECT_EQ(store.locate(kKey), std::string("s3://lake-test/lake/") + kKey);
  EXPECT_NO_THROW(store.sync());
}

TEST_F(S3StoreTest, ListIsSortedAndFiltersByPrefix) {
  S3Store store(settings());
  for (const std::string key : {"b/2", "a/1", "a/10", "a/2", "ab", "c"}) store.put(key, key);
  EXPECT_EQ(store.list("a/"), (std::vector<std::string>{"a/1", "a/10", "a/2"}));
  EXPECT_EQ(store.list("a"), (std::vector<std::string>{"a/1", "a/10", "a/2", "ab"}));
  EXPECT_EQ(store.list(""), (std::vector<std::string>{"a/1", "a/10", "a/2", "ab", "b/2", "c"}));
  EXPECT_TRUE(store.list("zzz").empty());
}

TEST_F(S3StoreTest, APartitionOfMoreThanAThousandObjectsListsCompletely) {
  S3Store store(settings());
  constexpr int kObjects = 1'234;
  std::atomic<int> next{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&] {
      for (int i = next++; i < kObjects; i = next++) {
        char key[64];
        std::snprintf(key, sizeof key, "bronze/x/dt=2026-11-25/%05d.json", i);
        store.put(key, std::to_string(i));
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  store.put("bronze/x/dt=2026-11-26/other.json", "not listed");
  const std::vector<std::string> keys = store.list("bronze/x/dt=2026-11-25/");
  ASSERT_EQ(keys.size(), static_cast<std::size_t>(kObjects));
  EXPECT_EQ(keys.front(), "bronze/x/dt=2026-11-25/00000.json");
  EXPECT_EQ(keys.back(), "bronze/x/dt=2026-11-25/01233.json");
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
}

TEST_F(S3StoreTest, ASecondPutToAKeyFailsAndKeepsTheFirst) {
  S3Store store(settings());
  store.put(kKey, "first", {{"run_id", "one"}});
  EXPECT_TRUE(ThrowsError([&] { store.put(kKey, "second", {{"run_id", "two"}}); },
                          ErrorKind::kAlreadyExists, {kKey, "never overwritten"}));
  EXPECT_EQ(store.read(kKey), "first");
  EXPECT_EQ(store.metadata(kKey).at("run_id"), "one");
}

TEST_F(S3StoreTest, ConcurrentCreatorsOfOneKeyExactlyOneWins) {
  S3Store store(settings());
  std::atomic<int> won{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&, t] {
      try {
        store.put("race", "writer " + std::to_string(t));
        ++won;
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kAlreadyExists) ++refused;
      }
    });
  }
  for (std::thread& writer : writers) writer.join();
  EXPECT_EQ(won, 1);
  EXPECT_EQ(refused, 7);
  EXPECT_EQ(store.read("race").rfind("writer ", 0), 0u);
}

TEST_F(S3StoreTest, LargeObjectsGoUpInPartsAndReadBackExactly) {
  S3Store store(multipart_settings(server_.endpoint()));
  const std::string bytes = all_byte_values(12 * kMiB + 12'345);
  {
    const auto writer = store.create(kKey, {{"run_id", "multi"}});
    for (std::size_t at = 0; at < bytes.size(); at += kMiB) {
      writer->write(std::string_view(bytes).substr(at, kMiB));
    }
    writer->commit();
  }
  EXPECT_EQ(store.read(kKey), bytes);
  EXPECT_EQ(store.metadata(kKey).at("run_id"), "multi");
  // A multipart object's ETag ends with its number of parts: 5 + 5 + 2 MiB.
  const auto head = server_.aws({"s3api", "head-object", "--bucket", "lake-test", "--key",
                                 std::string("lake/") + kKey, "--output", "json"});
  ASSERT_EQ(head.exit_code, 0) << head.err;
  EXPECT_NE(head.out.find("-3\\\""), std::string::npos) << head.out;
  EXPECT_TRUE(ThrowsError([&] { store.put(kKey, bytes); }, ErrorKind::kAlreadyExists, {kKey}));
  EXPECT_EQ(pending_uploads().find("UploadId"), std::string::npos) << pending_uploads();
}

TEST_F(S3StoreTest, AnAbandonedMultipartUploadLeavesNoObjectAndNoParts) {
  S3Store store(multipart_settings(server_.endpoint()));
  {
    const auto writer = store.create(kKey);
    writer->write(all_byte_values(11 * kMiB));  // two parts are up already
    ASSERT_NE(pending_uploads().find("UploadId"), std::string::npos)
        << "the upload should be in progress";
  }
  EXPECT_FALSE(store.exists(kKey));
  EXPECT_EQ(pending_uploads().find("UploadId"), std::string::npos) << pending_uploads();
}

TEST_F(S3StoreTest, AFailedPartAbortsTheUploadAndLeavesNothing) {
  FaultyProxy proxy(server_.port(), [](const std::string& line) {
    return line.find("partNumber=2&") != std::string::npos;
  });
  S3Store store(multipart_settings(proxy.endpoint()));
  const auto writer = store.create(kKey);
  EXPECT_TRUE(ThrowsError(
      [&] {
        writer->write(all_byte_values(12 * kMiB));
        writer->commit();
      },
      ErrorKind::kStorage, {"part 2", kKey, "checksum", proxy.endpoint(), "lake-test"}));
  EXPECT_EQ(proxy.corrupted(), 1);
  EXPECT_FALSE(store.exists(kKey));
  EXPECT_EQ(pending_uploads().find("UploadId"), std::string::npos) << pending_uploads();
}

TEST_F(S3StoreTest, ACorruptedUploadIsRejectedByTheServer) {
  FaultyProxy proxy(server_.port(), [](const std::string& line) {
    return line.rfind("PUT /lake-test/lake/", 0) == 0;
  });
  S3Store store(settings(proxy.endpoint()));
  EXPECT_TRUE(ThrowsError([&] { store.put(kKey, all_byte_values(100'000)); }, ErrorKind::kStorage,
                          {kKey, "checksum", proxy.endpoint(), "lake-test"}));
  EXPECT_EQ(proxy.corrupted(), 1);
  EXPECT_FALSE(S3Store(settings()).exists(kKey));
}

TEST_F(S3StoreTest, SlowDownAndServerErrorsAreRetried) {
  FaultyProxy proxy(server_.port(), [](const std::string&) { return false; });
  S3Store store(settings(proxy.endpoint()));
  proxy.slow_down_next(3);
  store.put(kKey, "after a busy spell");
  EXPECT_EQ(proxy.slowed_down(), 3);
  EXPECT_EQ(store.read(kKey), "after a busy spell");

  proxy.slow_down_next(100);  // more than the retry budget
  EXPECT_TRUE(ThrowsError([&] { store.read(kKey); }, ErrorKind::kStorage,
                          {"GET", kKey, "SlowDown", "gave up after 6 attempts", proxy.endpoint()}));
}

TEST_F(S3StoreTest, APutWhoseAnswerWasLostSucceedsOnItsRetry) {
  FaultyProxy proxy(server_.port(), [](const std::string&) { return false; });
  S3Store store(settings(proxy.endpoint()));
  const auto puts = [](const std::string& line) { return line.rfind("PUT /lake-test/", 0) == 0; };
  proxy.lose_answers(1, puts);
  store.put(kKey, "stored, answer lost", {{"run_id", "one"}});
  EXPECT_EQ(proxy.lost_answers(), 1);
  EXPECT_EQ(store.read(kKey), "stored, answer lost");
  EXPECT_EQ(store.metadata(kKey).at("run_id"), "one");

  // Another writer's object under a key is still never taken for one's own.
  proxy.lose_answers(1, puts);
  store.put("other", "first", {{"run_id", "one"}});
  EXPECT_TRUE(ThrowsError([&] { store.put("other", "first", {{"run_id", "two"}}); },
                          ErrorKind::kAlreadyExists, {"other", "never overwritten"}));
  EXPECT_EQ(store.metadata("other").at("run_id"), "one");
}

TEST_F(S3StoreTest, AMultipartUploadWhoseCompletionAnswerWasLostSucceedsOnItsRetry) {
  FaultyProxy proxy(server_.port(), [](const std::string&) { return false; });
  S3Store store(multipart_settings(proxy.endpoint()));
  const auto completions = [](const std::string& line) {
    return line.rfind("POST /lake-test/", 0) == 0 && line.find("uploadId=") != std::string::npos;
  };
  const std::string bytes = all_byte_values(12 * kMiB + 7);
  proxy.lose_answers(1, completions);
  store.put(kKey, bytes, {{"run_id", "multi"}});
  EXPECT_EQ(proxy.lost_answers(), 1);
  EXPECT_EQ(store.read(kKey), bytes);
  EXPECT_EQ(store.metadata(kKey).at("run_id"), "multi");
  EXPECT_EQ(pending_uploads().find("UploadId"), std::string::npos) << pending_uploads();

  // Another writer's object under a key is still never taken for one's own.
  store.put("other", bytes, {{"run_id", "one"}});
  EXPECT_TRUE(ThrowsError([&] { store.put("other", bytes, {{"run_id", "two"}}); },
                          ErrorKind::kAlreadyExists, {"other"}));
  std::string different = bytes;
  different[6 * kMiB] ^= 1;
  EXPECT_TRUE(ThrowsError([&] { store.put("other", different, {{"run_id", "one"}}); },
                          ErrorKind::kAlreadyExists, {"other"}));
  EXPECT_EQ(store.read("other"), bytes);
  EXPECT_EQ(store.metadata("other").at("run_id"), "one");
  EXPECT_EQ(pending_uploads().find("UploadId"), std::string::npos) << pending_uploads();
}

TEST_F(S3StoreTest, MissingObjectsAreNotFound) {
  S3Store store(settings());
  EXPECT_TRUE(ThrowsError([&] { store.read("no/such/key"); }, ErrorKind::kNotFound,
                          {"no/such/key", "lake-test"}));
  EXPECT_TRUE(ThrowsError([&] { store.metadata("no/such/key"); }, ErrorKind::kNotFound,
                          {"no/such/key"}));
}

TEST_F(S3StoreTest, BadKeysAndMetadataAreRefusedBeforeAnyRequest) {
  S3Store store(settings());
  EXPECT_TRUE(ThrowsError([&] { store.put("../escape", "x"); }, ErrorKind::kInvalidInput,
                          {"../escape"}));
  EXPECT_TRUE(ThrowsError([&] { store.put("a", "x", {{"Upper", "v"}}); }, ErrorKind::kInvalidInput,
                          {"Upper"}));
  EXPECT_TRUE(ThrowsError([&] { store.put("a", "x", {{"note", "caf\xc3\xa9"}}); },
                          ErrorKind::kInvalidInput, {"note", "ASCII"}));
  EXPECT_FALSE(store.exists("a"));
}

// Every error below must name the endpoint and the bucket, and never carry a secret.
::testing::AssertionResult names_where_without_secret(const Error& e, const S3Server& server,
                                                      const std::string& bucket) {
  const std::string message = e.what();
  if (message.find(server.endpoint()) == std::string::npos ||
      message.find(bucket) == std::string::npos) {
    return ::testing::AssertionFailure() << "does not name endpoint and bucket: " << message;
  }
  if (message.find(server.secret_key()) != std::string::npos ||
      message.find(server.reader_secret_key()) != std::string::npos ||
      message.find("wrong-secret") != std::string::npos) {
    return ::testing::AssertionFailure() << "carries a secret: " << message;
  }
  return ::testing::AssertionSuccess();
}

TEST_F(S3StoreTest, AWrongSecretIsAConfigErrorNamingTheVariable) {
  S3Settings bad = settings();
  bad.credentials.secret_access_key = "wrong-secret-0123456789";
  try {
    S3Store store(bad);
    FAIL() << "opened with a wrong secret";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find("AWS_SECRET_ACCESS_KEY"), std::string::npos) << e.what();
    EXPECT_TRUE(names_where_without_secret(e, server_, "lake-test"));
  }
}

TEST_F(S3StoreTest, AnUnknownKeyIdIsAConfigErrorNamingTheVariable) {
  S3Settings bad = settings();
  bad.credentials.access_key_id = "nobody";
  try {
    S3Store store(bad);
    FAIL() << "opened with an unknown key id";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos) << e.what();
    EXPECT_TRUE(names_where_without_secret(e, server_, "lake-test"));
  }
}

TEST_F(S3StoreTest, AMissingBucketIsAnErrorUnlessAskedToCreateIt) {
  S3Settings missing = settings();
  missing.bucket = "no-such-bucket";
  missing.create_bucket = false;
  try {
    S3Store store(missing);
    FAIL() << "opened a missing bucket";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find("lake_create_bucket"), std::string::npos) << e.what();
    EXPECT_TRUE(names_where_without_secret(e, server_, "no-such-bucket"));
  }
  missing.create_bucket = true;
  S3Store created(missing);
  created.put("a", "b");
  EXPECT_EQ(S3Store(missing).read("a"), "b");  // opening an existing bucket again is fine
}

TEST_F(S3StoreTest, AReadOnlyIdentityMayReadButWritingIsDenied) {
  S3Store(settings()).put(kKey, "written by the admin");
  S3Settings reader = settings();
  reader.credentials = {server_.reader_access_key(), server_.reader_secret_key(), ""};
  S3Store store(reader);
  EXPECT_EQ(store.read(kKey), "written by the admin");
  try {
    store.put("denied", "x");
    FAIL() << "a read-only identity wrote";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find("access denied"), std::string::npos) << e.what();
    EXPECT_TRUE(names_where_without_secret(e, server_, "lake-test"));
  }
}

TEST_F(S3StoreTest, AnUnreachableEndpointAtOpeningIsAConfigErrorNamingIt) {
  S3Settings settings_now = settings();
  server_.stop();
  try {
    S3Store store(settings_now);
    FAIL() << "opened a stopped server";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig) << e.what();
    EXPECT_NE(std::string(e.what()).find("gave up after"), std::string::npos) << e.what();
    EXPECT_TRUE(names_where_without_secret(e, server_, "lake-test"));
  }
}

TEST_F(S3StoreTest, AnEndpointThatIsNotS3IsAConfigError) {
  // SeaweedFS's master answers HTTP on its own port, but not the S3 API.
  const std::string master = server_.endpoint().substr(0, server_.endpoint().rfind(':') + 1) +
                             std::to_string(server_.port("master"));
  EXPECT_TRUE(ThrowsError([&] { S3Store store(settings(master)); }, ErrorKind::kConfig,
                          {master, "lake-test", "AWS_ENDPOINT_URL"}));
}

TEST_F(S3StoreTest, TheAwsCliReadsWhatWeWroteAndWeReadWhatItWrote) {
  S3Store store(settings());
  const std::string bytes = all_byte_values(100 * 1024);
  store.put(kKey, bytes, {{"run_id", "r1"}});

  const auto listed = server_.aws({"s3", "ls", "--recursive", "s3://lake-test/lake/"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_NE(listed.out.find(std::string("lake/") + kKey), std::string::npos) << listed.out;
  const auto copied = server_.aws({"s3", "cp", std::string("s3://lake-test/lake/") + kKey, "-"});
  ASSERT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_TRUE(copied.out == bytes) << "the AWS CLI read " << copied.out.size() << " bytes";
  const auto head = server_.aws({"s3api", "head-object", "--bucket", "lake-test", "--key",
                                 std::string("lake/") + kKey, "--output", "json"});
  EXPECT_NE(head.out.find("\"run_id\": \"r1\""), std::string::npos) << head.out;

  unit::ScratchDir scratch;
  const std::string file = (scratch.path() / "from-aws.bin").string();
  const std::string theirs = all_byte_values(70'001);
  std::ofstream(file, std::ios::binary) << theirs;
  const auto put = server_.aws({"s3", "cp", file, "s3://lake-test/lake/from-aws/x.bin",
                                "--metadata", "origin=awscli"});
  ASSERT_EQ(put.exit_code, 0) << put.err;
  EXPECT_EQ(store.read("from-aws/x.bin"), theirs);
  EXPECT_EQ(store.metadata("from-aws/x.bin").at("origin"), "awscli");
  EXPECT_EQ(store.list("from-aws/"), std::vector<std::string>{"from-aws/x.bin"});
}

}  // namespace
}  // namespace cryptopipe::lake
