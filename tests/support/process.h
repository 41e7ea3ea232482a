// Running child processes from tests: one-shot runs with captured output, and long-running
// children (such as the exchange simulator) whose pipes the caller reads.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cryptopipe::testing {

struct ProcessResult {
  int exit_code;  // the exit status, or 128 + signal number when killed by a signal
  std::string out;
  std::string err;
};

// The exit code and both streams, for a failed assertion's message.
std::string context_of(const ProcessResult& r);

// Runs argv[0] (looked up in PATH when it has no slash) to completion and captures stdout and
// stderr in full. The environment is the parent's, with env_overrides set (an empty value sets the
// variable to the empty string) and env_removals unset. An empty working_dir keeps the parent's.
// stdin_data, when given, is written to the child's stdin, which is then closed; without it the
// child's stdin is empty. Throws std::runtime_error if the process cannot be started.
ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env_overrides = {},
                          const std::string& working_dir = "",
                          std::optional<std::string> stdin_data = {},
                          const std::vector<std::string>& env_removals = {});

// A file descriptor that closes itself.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();
  void reset();

 private:
  int fd_ = -1;
};

struct SpawnOptions {
  std::map<std::string, std::string> env_overrides;
  std::vector<std::string> env_removals;
  std::string working_dir;  // empty: the parent's
};

// A started child whose stdin, stdout and stderr are pipes held here. The destructor kills a
// child that is still running (SIGKILL) and reaps it, so no test leaves processes behind.
class ChildProcess {
 public:
  // Throws std::runtime_error if the process cannot be started.
  explicit ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options = {});
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  UniqueFd& stdin_pipe() { return stdin_; }    // write end; reset() it to send EOF
  UniqueFd& stdout_pipe() { return stdout_; }  // read end
  UniqueFd& stderr_pipe() { return stderr_; }  // read end

  // Sends a signal unless the child has already been reaped.
  void send_signal(int signal_number);

  // Blocks until the child exits; returns the exit status or 128 + signal. Repeatable.
  int wait();

  // Like wait(), but gives up after `timeout_ms` and returns nullopt.
  std::optional<int> wait_for(int timeout_ms);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  UniqueFd stdin_;
  UniqueFd stdout_;
  UniqueFd stderr_;
};

// CRYPTOPIPE_BUILD_DIR "/" binary: where CMake put one of the project's programs.
std::string build_path(const std::string& binary);

// The shared recorded exchange fixtures (ccxt-static), read in place.
std::string fixtures_dir();

}  // namespace cryptopipe::testing
