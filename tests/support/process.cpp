#include "support/process.h"
#include "support/test_paths.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <thread>

extern char** environ;

namespace cryptopipe::testing {
namespace {

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

// Close-on-exec, so that children spawned concurrently never inherit each other's pipes.
Pipe make_pipe() {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  return {UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<std::string> child_environment(const SpawnOptions& options) {
  std::map<std::string, std::string> variables;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string_view text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string_view::npos) {
      variables[std::string(text.substr(0, equals))] = std::string(text.substr(equals + 1));
    }
  }
  for (const auto& [name, value] : options.env_overrides) {
    variables[name] = value;
  }
  for (const auto& name : options.env_removals) {
    variables.erase(name);
  }
  std::vector<std::string> entries;
  for (const auto& [name, value] : variables) {
    entries.push_back(name + "=" + value);
  }
  return entries;
}

// The char* array exec wants; points into `strings`, which must outlive it.
std::vector<char*> exec_array(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (std::string& text : strings) {
    pointers.push_back(text.data());
  }
  pointers.push_back(nullptr);
  return pointers;
}

int exit_code_from_status(int status) {
  if (WIFEXITED(status)) {
    return WEXITSTATUS(status);
  }
  return 128 + WTERMSIG(status);
}

// A child that exits without reading its stdin would otherwise kill the test runner with SIGPIPE
// when we write to it. Children get the default action back (see POSIX_SPAWN_SETSIGDEF).
void ignore_sigpipe_once() {
  static std::once_flag once;
  std::call_once(once, [] { signal(SIGPIPE, SIG_IGN); });
}

class SpawnFileActions {
 public:
  SpawnFileActions() { posix_spawn_file_actions_init(&actions_); }
  SpawnFileActions(const SpawnFileActions&) = delete;
  SpawnFileActions& operator=(const SpawnFileActions&) = delete;
  ~SpawnFileActions() { posix_spawn_file_actions_destroy(&actions_); }
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

class SpawnAttributes {
 public:
  SpawnAttributes() { posix_spawnattr_init(&attributes_); }
  SpawnAttributes(const SpawnAttributes&) = delete;
  SpawnAttributes& operator=(const SpawnAttributes&) = delete;
  ~SpawnAttributes() { posix_spawnattr_destroy(&attributes_); }
  posix_spawnattr_t* get() { return &attributes_; }

 private:
  posix_spawnattr_t attributes_;
};

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = other.release();
  }
  return *this;
}

int UniqueFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

void UniqueFd::reset() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const SpawnOptions& options) {
  if (argv.empty()) {
    throw std::invalid_argument("ChildProcess needs at least the program name");
  }
  ignore_sigpipe_once();
  Pipe input = make_pipe();
  Pipe output = make_pipe();
  Pipe errors = make_pipe();

  SpawnFileActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), input.read_end.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), output.write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), errors.write_end.get(), STDERR_FILENO);
  if (!options.working_dir.empty()) {
    posix_spawn_file_actions_addchdir_np(actions.get(), options.working_dir.c_str());
  }

  // The child starts with default signal handling and nothing blocked, whatever the test runner
  // (or a test) has set up for itself.
  SpawnAttributes attributes;
  sigset_t defaulted;
  sigemptyset(&defaulted);
  sigaddset(&defaulted, SIGPIPE);
  posix_spawnattr_setsigdefault(attributes.get(), &defaulted);
  sigset_t unblocked;
  sigemptyset(&unblocked);
  posix_spawnattr_setsigmask(attributes.get(), &unblocked);
  posix_spawnattr_setflags(attributes.get(), POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<std::string> arguments = argv;
  std::vector<std::string> environment = child_environment(options);
  const int error = posix_spawnp(&pid_, arguments[0].c_str(), actions.get(), attributes.get(),
                                 exec_array(arguments).data(), exec_array(environment).data());
  if (error != 0) {
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(error));
  }
  // The child's ends close here as the Pipe objects go out of scope; ours are kept.
  stdin_ = std::move(input.write_end);
  stdout_ = std::move(output.read_end);
  stderr_ = std::move(errors.read_end);
}

ChildProcess::~ChildProcess() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    wait();
  }
}

void ChildProcess::send_signal(int signal_number) {
  if (!exit_code_) {
    kill(pid_, signal_number);
  }
}

int ChildProcess::wait() {
  while (!exit_code_) {
    int status = 0;
    if (waitpid(pid_, &status, 0) == pid_) {
      exit_code_ = exit_code_from_status(status);
    } else if (errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
  }
  return *exit_code_;
}

std::optional<int> ChildProcess::wait_for(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!exit_code_) {
    int status = 0;
    const pid_t reaped = waitpid(pid_, &status, WNOHANG);
    if (reaped == pid_) {
      exit_code_ = exit_code_from_status(status);
    } else if (reaped < 0 && errno != EINTR) {
      throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    } else if (std::chrono::steady_clock::now() >= deadline) {
      return std::nullopt;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return exit_code_;
}

ProcessResult run_process(const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env_overrides,
                          const std::string& working_dir, std::optional<std::string> stdin_data,
                          const std::vector<std::string>& env_removals) {
  ChildProcess child(argv, SpawnOptions{env_overrides, env_removals, working_dir});
  const std::string input = stdin_data.value_or("");
  std::size_t written = 0;
  if (input.empty()) {
    child.stdin_pipe().reset();
  } else {
    fcntl(child.stdin_pipe().get(), F_SETFL, O_NONBLOCK);
  }

  // One poll loop feeds stdin and drains both outputs, so a child that fills one pipe while we
  // wait on another can never deadlock us.
  ProcessResult result{0, "", ""};
  while (child.stdout_pipe().valid() || child.stderr_pipe().valid()) {
    std::vector<pollfd> watched;
    if (child.stdin_pipe().valid()) {
      watched.push_back({child.stdin_pipe().get(), POLLOUT, 0});
    }
    if (child.stdout_pipe().valid()) {
      watched.push_back({child.stdout_pipe().get(), POLLIN, 0});
    }
    if (child.stderr_pipe().valid()) {
      watched.push_back({child.stderr_pipe().get(), POLLIN, 0});
    }
    if (poll(watched.data(), watched.size(), -1) < 0) {
      if (errno == EINTR) {
        continue;
      }
      throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    }
    for (const pollfd& entry : watched) {
      if (entry.revents == 0) {
        continue;
      }
      if (entry.fd == child.stdin_pipe().get()) {
        const ssize_t count = write(entry.fd, input.data() + written, input.size() - written);
        if (count > 0) {
          written += static_cast<std::size_t>(count);
        }
        // Done, or the child closed its stdin (EPIPE): either way there is nothing more to send.
        if (written == input.size() || (count < 0 && errno != EAGAIN && errno != EINTR)) {
          child.stdin_pipe().reset();
        }
        continue;
      }
      const bool is_stdout = entry.fd == child.stdout_pipe().get();
      char buffer[65536];
      const ssize_t count = read(entry.fd, buffer, sizeof buffer);
      if (count > 0) {
        (is_stdout ? result.out : result.err).append(buffer, static_cast<std::size_t>(count));
      } else if (count == 0 || errno != EINTR) {
        (is_stdout ? child.stdout_pipe() : child.stderr_pipe()).reset();
      }
    }
  }
  child.stdin_pipe().reset();
  result.exit_code = child.wait();
  return result;
}

std::string build_path(const std::string& binary) {
  return std::string(CRYPTOPIPE_BUILD_DIR) + "/" + binary;
}

std::string fixtures_dir() { return CRYPTOPIPE_FIXTURES_DIR; }

std::string context_of(const ProcessResult& r) {
  return "exit " + std::to_string(r.exit_code) + "\nstdout:\n" + r.out + "\nstderr:\n" + r.err;
}

}  // namespace cryptopipe::testing
