#pragma once

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace cryptopipe::pipes {

// Where Pipes messages go: one JSON line per message. Callers serialize access (PipesSession
// holds one mutex around its channel).
class MessageChannel {
 public:
  virtual ~MessageChannel() = default;
  // Sends one message; `line` is compact JSON ending in '\n'. Throws Error(kStorage) when
  // the channel can no longer be written.
  virtual void send(const std::string& line) = 0;
  // Called once, after the last message.
  virtual void finish() {}
};

// {"path": file}: Dagster tails the file with readline() and a half-written line kills its
// reader, so each message is one write() on an O_APPEND descriptor, nothing buffered.
class FileChannel final : public MessageChannel {
 public:
  // Opens the file for appending (it must exist: Dagster creates it). Throws Error(kConfig).
  explicit FileChannel(const std::string& path);
  ~FileChannel() override;
  FileChannel(const FileChannel&) = delete;
  FileChannel& operator=(const FileChannel&) = delete;

  void send(const std::string& line) override;

 private:
  std::string path_;
  int fd_ = -1;
};

// {"stdio": "stdout"|"stderr"}: one fwrite and a flush per message on the process's own
// stream. glibc locks a FILE for each fwrite, so lines of the engine's logger on the same
// stream never split a message.
class StreamChannel final : public MessageChannel {
 public:
  explicit StreamChannel(std::FILE* stream) : stream_(stream) {}
  void send(const std::string& line) override;

 private:
  std::FILE* stream_;
};

// {"buffered_stdio": ...}: messages are kept and written together when the session closes
// (readers that only look at the end of a log).
class BufferedStreamChannel final : public MessageChannel {
 public:
  explicit BufferedStreamChannel(std::FILE* stream) : stream_(stream) {}
  void send(const std::string& line) override { lines_.push_back(line); }
  void finish() override;

 private:
  std::FILE* stream_;
  std::vector<std::string> lines_;
};

// The channel DAGSTER_PIPES_MESSAGES' parameters name (path, then stdio, then
// buffered_stdio, as Dagster's own client decides). Throws Error(kConfig) for any other shape
// (blob stores are not supported) or an unusable file.
std::unique_ptr<MessageChannel> open_channel(const nlohmann::json& params);

}  // namespace cryptopipe::pipes
