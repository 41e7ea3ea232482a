// Every server the project starts listens on loopback only: the simulator, SeaweedFS and
// PostgreSQL as the tests start them (tests/support) and as the scripts start them
// (scripts/simulator.sh, s3-server.sh, postgres.sh), and `make dev`'s Dagster (scripts/dev.sh).
// The listening TCP sockets are read from /proc/net/tcp{,6} and matched to the server's
// processes through their file descriptors' socket inodes.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "support/postgres_server.h"
#include "support/process.h"
#include "support/s3_server.h"
#include "support/simulator.h"
#include "support/sockets.h"
#include "support/temp_dir.h"
#include "support/test_paths.h"

namespace cryptopipe::testing {
namespace {

namespace fs = std::filesystem;

struct Listener {
  std::string address;  // as /proc shows it: hex, in the kernel's byte order
  int port = 0;
  bool loopback = false;

  std::string describe() const { return address + " port " + std::to_string(port); }
};

// 127.0.0.0/8 (IPv4 and IPv4-mapped IPv6, whose last word is stored little-endian: ..7F) or ::1.
bool is_loopback(const std::string& hex) {
  if (hex.size() == 8) return hex.substr(6) == "7F";
  return hex == "00000000000000000000000001000000" ||
         (hex.substr(0, 24) == "0000000000000000FFFF0000" && hex.substr(30) == "7F");
}

// Every TCP socket in LISTEN state on this machine, by inode.
std::map<std::string, Listener> listening_sockets() {
  std::map<std::string, Listener> listeners;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // the header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "0A") continue;  // TCP_LISTEN
      const auto colon = local.find(':');
      Listener listener{local.substr(0, colon), std::stoi(local.substr(colon + 1), nullptr, 16)};
      listener.loopback = is_loopback(listener.address);
      listeners[inode] = listener;
    }
  }
  return listeners;
}

std::set<std::string> socket_inodes(pid_t pid) {
  std::set<std::string> inodes;
  std::error_code error;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd", error)) {
    const std::string target = fs::read_symlink(fd.path(), error).string();
    if (target.rfind("socket:[", 0) == 0) inodes.insert(target.substr(8, target.size() - 9));
  }
  return inodes;
}

std::map<pid_t, pid_t> parents() {
  std::map<pid_t, pid_t> parent_of;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');  // the command name may hold spaces and parentheses
    if (close == std::string::npos) continue;
    std::istringstream rest(text.substr(close + 2));
    std::string state;
    pid_t ppid = 0;
    rest >> state >> ppid;
    parent_of[std::stoi(name)] = ppid;
  }
  return parent_of;
}

// root and every process descending from it.
std::set<pid_t> process_tree(pid_t root) {
  const auto parent_of = parents();
  std::set<pid_t> tree = {root};
  for (bool grown = true; grown;) {
    grown = false;
    for (const auto& [pid, ppid] : parent_of) {
      if (tree.contains(ppid) && tree.insert(pid).second) grown = true;
    }
  }
  return tree;
}

// The processes holding a socket that listens on `port`.
std::set<pid_t> owners_of_port(int port) {
  const auto listeners = listening_sockets();
  std::set<pid_t> owners;
  for (const auto& [pid, ppid] : parents()) {
    for (const std::string& inode : socket_inodes(pid)) {
      const auto it = listeners.find(inode);
      if (it != listeners.end() && it->second.port == port) owners.insert(pid);
    }
  }
  return owners;
}

// The listening sockets of the process trees rooted at `roots` and at the owners of `port`,
// each described with its process ("pid 12: 0100007F port 5432").
struct Found {
  std::vector<std::string> loopback, beyond;
  std::set<int> ports;
};

Found listeners_of(int port, std::set<pid_t> roots = {}) {
  const std::set<pid_t> owners = owners_of_port(port);
  roots.insert(owners.begin(), owners.end());
  std::set<pid_t> processes;
  for (const pid_t root : roots) {
    const auto tree = process_tree(root);
    processes.insert(tree.begin(), tree.end());
  }
  const auto listeners = listening_sockets();
  Found found;
  for (const pid_t pid : processes) {
    for (const std::string& inode : socket_inodes(pid)) {
      const auto it = listeners.find(inode);
      if (it == listeners.end()) continue;
      const std::string what = "pid " + std::to_string(pid) + ": " + it->second.describe();
      (it->second.loopback ? found.loopback : found.beyond).push_back(what);
      found.ports.insert(it->second.port);
    }
  }
  return found;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += "\n  " + item;
  return text;
}

void expect_loopback_only(const std::string& server, int port, std::set<pid_t> roots = {}) {
  const Found found = listeners_of(port, std::move(roots));
  EXPECT_TRUE(found.ports.contains(port)) << server << ": nothing of ours listens on " << port;
  EXPECT_TRUE(found.beyond.empty()) << server << " listens beyond loopback:" << joined(found.beyond)
                                    << "\nand on loopback:" << joined(found.loopback);
}

// The check itself sees a server listening on every address, over IPv4 and IPv6.
TEST(LoopbackOnly, TheCheckSeesAServerOnEveryAddress) {
  for (const char* bind : {"0.0.0.0", "::"}) {
    const int port = free_loopback_port();
    ChildProcess server({"python3", "-m", "http.server", "--bind", bind, std::to_string(port)});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    Found found;
    while (found.ports.empty() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      found = listeners_of(port);
    }
    EXPECT_EQ(found.beyond.size(), 1u) << bind << joined(found.loopback);
    EXPECT_TRUE(found.loopback.empty()) << bind << joined(found.loopback);
  }
}

TEST(LoopbackOnly, TestSimulator) {
  const Simulator sim;
  expect_loopback_only("the simulator", sim.port());
}

TEST(LoopbackOnly, TestS3Server) {
  const S3Server s3;
  expect_loopback_only("SeaweedFS", s3.port());
}

TEST(LoopbackOnly, TestPostgresServer) {
  const PostgresServer pg;
  expect_loopback_only("PostgreSQL", pg.port());
}

// Runs `body` in bash at the checkout's root (sourcing a script), which prints "ready PORT"
// once its server is up and then waits for its stdin to close before stopping the server.
class ScriptServer {
 public:
  explicit ScriptServer(const std::string& body)
      : process_({"bash", "-c", "set -e\n" + body + "\nread -r _ || true\n"},
                 SpawnOptions{.working_dir = CRYPTOPIPE_SOURCE_DIR}) {
    std::string out;
    char buffer[256];
    while (out.find('\n') == std::string::npos) {
      const ssize_t n = read(process_.stdout_pipe().get(), buffer, sizeof buffer);
      if (n <= 0) throw std::runtime_error("the script ended before its server was ready: " + out);
      out.append(buffer, static_cast<std::size_t>(n));
    }
    if (out.rfind("ready ", 0) != 0) throw std::runtime_error("unexpected: " + out);
    port_ = std::stoi(out.substr(6));
  }
  ~ScriptServer() {
    process_.stdin_pipe().reset();
    process_.wait_for(30'000);
  }
  int port() const { return port_; }
  pid_t pid() const { return process_.pid(); }

 private:
  ChildProcess process_;
  int port_ = 0;
};

TEST(LoopbackOnly, SimulatorScript) {
  TempDir work;
  const ScriptServer server("source scripts/simulator.sh\nstart_simulator " +
                            std::string(CRYPTOPIPE_BUILD_DIR) + " " + work.path().string() +
                            "\necho \"ready ${SIM_ADDRESS##*:}\"\ntrap stop_simulator EXIT");
  expect_loopback_only("scripts/simulator.sh", server.port(), {server.pid()});
}

TEST(LoopbackOnly, S3ServerScript) {
  TempDir work;
  const ScriptServer server("source scripts/s3-server.sh\nstart_s3_server " +
                            work.path().string() +
                            "\necho \"ready ${S3_ENDPOINT##*:}\"\ntrap stop_s3_server EXIT");
  expect_loopback_only("scripts/s3-server.sh", server.port(), {server.pid()});
}

TEST(LoopbackOnly, PostgresScript) {
  const ScriptServer server(
      "source scripts/postgres.sh\nstart_postgres\necho \"ready $PG_PORT\"\ntrap stop_postgres EXIT");
  expect_loopback_only("scripts/postgres.sh", server.port(), {server.pid()});
}

// `make dev`: the simulator and the whole `dagster dev` tree (webserver, daemon, code server).
TEST(LoopbackOnly, DevScript) {
  TempDir data;
  const int port = free_loopback_port();
  ChildProcess dev({"scripts/dev.sh"},
                   SpawnOptions{.env_overrides = {{"DAGSTER_PORT", std::to_string(port)},
                                                  {"CRYPTOPIPE_DEV_DATA", data.path().string()},
                                                  {"BUILD_DIR", CRYPTOPIPE_BUILD_DIR}},
                                .working_dir = CRYPTOPIPE_SOURCE_DIR});
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
  while (!can_connect("127.0.0.1", port)) {
    ASSERT_FALSE(dev.wait_for(0).has_value()) << "scripts/dev.sh ended before Dagster answered";
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "Dagster did not answer";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  expect_loopback_only("scripts/dev.sh", port, {dev.pid()});
  dev.send_signal(SIGTERM);
  dev.wait_for(60'000);
}

}  // namespace
}  // namespace cryptopipe::testing
