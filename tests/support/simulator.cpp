#include "support/simulator.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <regex>
#include <stdexcept>

namespace cryptopipe::testing {
namespace {

constexpr int kStartupTimeoutMs = 10'000;
constexpr int kShutdownTimeoutMs = 10'000;

// Appends whatever can be read from fd right now; false at end of file.
bool read_available(int fd, std::string& into) {
  char buffer[8192];
  const ssize_t count = read(fd, buffer, sizeof buffer);
  if (count > 0) {
    into.append(buffer, static_cast<std::size_t>(count));
    return true;
  }
  return count < 0 && errno == EINTR;
}

}  // namespace

Simulator::Simulator(const std::vector<std::string>& extra_args)
    : process_([&] {
        std::vector<std::string> argv{build_path("cryptopipe-exchange-sim"), "--port", "0"};
        argv.insert(argv.end(), extra_args.begin(), extra_args.end());
        return argv;
      }()) {
  process_.stdin_pipe().reset();
  read_listening_line();
  drainer_ = std::thread([this] { drain_output(); });
}

Simulator::~Simulator() { stop(); }

void Simulator::read_listening_line() {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartupTimeoutMs);
  std::string out;
  std::string err;
  bool stdout_open = true;
  while (stdout_open && out.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      break;
    }
    pollfd watched[] = {{process_.stdout_pipe().get(), POLLIN, 0},
                        {process_.stderr_pipe().get(), POLLIN, 0}};
    if (poll(watched, 2, static_cast<int>(left.count())) <= 0) {
      continue;
    }
    if (watched[0].revents != 0) {
      stdout_open = read_available(watched[0].fd, out);
    }
    if (watched[1].revents != 0) {
      read_available(watched[1].fd, err);
    }
  }
  const std::string first_line = out.substr(0, out.find('\n'));
  std::smatch match;
  static const std::regex kListening(R"(listening on 127\.0\.0\.1:(\d+))");
  if (!std::regex_match(first_line, match, kListening) || std::stoi(match[1]) == 0) {
    process_.send_signal(SIGKILL);
    exit_code_ = process_.wait();
    throw std::runtime_error(
        "cryptopipe-exchange-sim did not print 'listening on 127.0.0.1:PORT' within " +
        std::to_string(kStartupTimeoutMs / 1000) + " s; stdout: '" + out + "', stderr: '" + err +
        "'");
  }
  port_ = std::stoi(match[1]);
  log_ = err;
}

// Keeps reading both pipes so that the simulator never blocks on a full pipe; stderr (the request
// log) is kept for diagnostics, stdout has nothing after the first line.
void Simulator::drain_output() {
  bool stdout_open = true;
  bool stderr_open = true;
  std::string discarded;
  while (stdout_open || stderr_open) {
    pollfd watched[] = {{stdout_open ? process_.stdout_pipe().get() : -1, POLLIN, 0},
                        {stderr_open ? process_.stderr_pipe().get() : -1, POLLIN, 0}};
    if (poll(watched, 2, -1) < 0) {
      continue;
    }
    if (watched[0].revents != 0) {
      stdout_open = read_available(watched[0].fd, discarded);
      discarded.clear();
    }
    if (watched[1].revents != 0) {
      std::string text;
      stderr_open = read_available(watched[1].fd, text);
      const std::lock_guard lock(log_mutex_);
      log_ += text;
    }
  }
}

std::string Simulator::base_url(std::string_view exchange) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + std::string(exchange);
}

httplib::Client Simulator::client() const {
  httplib::Client client("127.0.0.1", port_);
  client.set_connection_timeout(std::chrono::seconds(5));
  client.set_read_timeout(std::chrono::seconds(30));
  client.set_decompress(false);
  return client;
}

httplib::Result Simulator::get(const std::string& path_and_query,
                               const httplib::Headers& headers) const {
  return client().Get(path_and_query, headers);
}

nlohmann::json Simulator::get_json(const std::string& path_and_query) const {
  const httplib::Result result = get(path_and_query);
  if (!result) {
    throw std::runtime_error("GET " + path_and_query +
                             " failed: " + httplib::to_string(result.error()));
  }
  if (result->status < 200 || result->status > 299) {
    throw std::runtime_error("GET " + path_and_query + " answered " +
                             std::to_string(result->status) + ": " + result->body);
  }
  return nlohmann::json::parse(result->body);
}

void Simulator::set_faults(const nlohmann::json& changes) const {
  const httplib::Result result = client().Post("/_sim/faults", changes.dump(), "application/json");
  if (!result || result->status != 200) {
    throw std::runtime_error("POST /_sim/faults " + changes.dump() + " refused: " +
                             (result ? result->body : httplib::to_string(result.error())));
  }
}

nlohmann::json Simulator::stats() const { return get_json("/_sim/stats"); }

void Simulator::stop() {
  if (exit_code_) {
    return;
  }
  process_.send_signal(SIGTERM);
  exit_code_ = process_.wait_for(kShutdownTimeoutMs);
  if (!exit_code_) {
    process_.send_signal(SIGKILL);
    exit_code_ = process_.wait();
  }
  if (drainer_.joinable()) {
    drainer_.join();
  }
}

std::string Simulator::log() const {
  const std::lock_guard lock(log_mutex_);
  return log_;
}

}  // namespace cryptopipe::testing
