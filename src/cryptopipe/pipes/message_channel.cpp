#include "cryptopipe/pipes/message_channel.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cryptopipe/core/error.h"

namespace cryptopipe::pipes {
namespace {

std::FILE* stream_named(const nlohmann::json& value, const char* key) {
  if (value == "stdout") return stdout;
  if (value == "stderr") return stderr;
  throw Error(ErrorKind::kConfig, std::string("DAGSTER_PIPES_MESSAGES: ") + key +
                                      " must be \"stdout\" or \"stderr\", not " + value.dump());
}

void write_line(std::FILE* stream, const std::string& line) {
  if (std::fwrite(line.data(), 1, line.size(), stream) != line.size() || std::fflush(stream) != 0) {
    throw Error(ErrorKind::kStorage,
                std::string("Dagster Pipes: cannot write a message: ") + std::strerror(errno));
  }
}

}  // namespace

FileChannel::FileChannel(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd_ < 0) {
    throw Error(ErrorKind::kConfig, "DAGSTER_PIPES_MESSAGES: cannot open " + path +
                                        " for appending: " + std::strerror(errno));
  }
}

FileChannel::~FileChannel() {
  if (fd_ >= 0) ::close(fd_);
}

void FileChannel::send(const std::string& line) {
  std::size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      throw Error(ErrorKind::kStorage, "Dagster Pipes: cannot write to " + path_ + ": " +
                                           std::strerror(n < 0 ? errno : EIO));
    }
    done += static_cast<std::size_t>(n);
  }
}

void StreamChannel::send(const std::string& line) { write_line(stream_, line); }

void BufferedStreamChannel::finish() {
  for (const std::string& line : lines_) write_line(stream_, line);
  lines_.clear();
}

std::unique_ptr<MessageChannel> open_channel(const nlohmann::json& params) {
  if (const auto path = params.find("path"); path != params.end()) {
    if (!path->is_string()) {
      throw Error(ErrorKind::kConfig,
                  "DAGSTER_PIPES_MESSAGES: path is not a string: " + path->dump());
    }
    return std::make_unique<FileChannel>(path->get<std::string>());
  }
  if (const auto stdio = params.find("stdio"); stdio != params.end()) {
    return std::make_unique<StreamChannel>(stream_named(*stdio, "stdio"));
  }
  if (const auto buffered = params.find("buffered_stdio"); buffered != params.end()) {
    return std::make_unique<BufferedStreamChannel>(stream_named(*buffered, "buffered_stdio"));
  }
  throw Error(ErrorKind::kConfig,
              "DAGSTER_PIPES_MESSAGES: unsupported message channel " + params.dump() +
                  "; cryptopipe writes to a file (path), stdio or buffered_stdio");
}

}  // namespace cryptopipe::pipes
