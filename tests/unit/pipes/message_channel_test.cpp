#include "cryptopipe/pipes/message_channel.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>

#include "unit/test_helpers.h"

namespace cryptopipe::pipes {
namespace {

using unit::ThrowsError;

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using UniqueFile = std::unique_ptr<std::FILE, FileCloser>;

std::string contents(std::FILE* file) {
  std::rewind(file);
  std::string out;
  char buffer[256];
  while (const std::size_t n = std::fread(buffer, 1, sizeof buffer, file)) out.append(buffer, n);
  return out;
}

TEST(MessageChannels, AStreamChannelWritesEachMessageAtOnce) {
  const UniqueFile file(std::tmpfile());
  StreamChannel channel(file.get());
  channel.send("{\"method\":\"opened\"}\n");
  EXPECT_EQ(contents(file.get()), "{\"method\":\"opened\"}\n");
}

TEST(MessageChannels, ABufferedChannelWritesNothingUntilItFinishes) {
  const UniqueFile file(std::tmpfile());
  BufferedStreamChannel channel(file.get());
  channel.send("{\"method\":\"opened\"}\n");
  channel.send("{\"method\":\"closed\"}\n");
  EXPECT_EQ(contents(file.get()), "");
  channel.finish();
  EXPECT_EQ(contents(file.get()), "{\"method\":\"opened\"}\n{\"method\":\"closed\"}\n");
}

// Dagster would show a silent step as green: a channel that cannot be written is an error.
TEST(MessageChannels, AStreamThatCannotBeWrittenIsAStorageError) {
  const UniqueFile read_only(std::fopen("/dev/null", "r"));
  ASSERT_NE(read_only, nullptr);
  StreamChannel stream(read_only.get());
  EXPECT_TRUE(ThrowsError([&] { stream.send("{}\n"); }, ErrorKind::kStorage,
                          {"cannot write a message"}));
  BufferedStreamChannel buffered(read_only.get());
  buffered.send("{}\n");
  EXPECT_TRUE(ThrowsError([&] { buffered.finish(); }, ErrorKind::kStorage,
                          {"cannot write a message"}));
}

TEST(MessageChannels, AFullDiskIsAStorageErrorNamingTheFile) {
  FileChannel channel("/dev/full");
  EXPECT_TRUE(ThrowsError([&] { channel.send("{}\n"); }, ErrorKind::kStorage,
                          {"/dev/full", "No space left"}));
}

TEST(MessageChannels, OpenChannelReadsEachKindAndRefusesTheRest) {
  EXPECT_NE(dynamic_cast<StreamChannel*>(open_channel({{"stdio", "stderr"}}).get()), nullptr);
  EXPECT_NE(dynamic_cast<BufferedStreamChannel*>(open_channel({{"buffered_stdio", "stdout"}}).get()),
            nullptr);
  EXPECT_TRUE(ThrowsError([] { open_channel({{"path", 7}}); }, ErrorKind::kConfig,
                          {"path is not a string"}));
  EXPECT_TRUE(ThrowsError([] { open_channel({{"stdio", "stdlog"}}); }, ErrorKind::kConfig,
                          {"stdio", "\"stdlog\""}));
}

}  // namespace
}  // namespace cryptopipe::pipes
