#include "support/s3_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/sockets.h"
#include "support/test_paths.h"

namespace cryptopipe::testing {
namespace {

constexpr int kStartupTimeoutMs = 60'000;
constexpr int kShutdownTimeoutMs = 10'000;
constexpr int kStartAttempts = 3;
constexpr const char* kAwsCli = "/usr/bin/aws";

std::string random_hex(std::size_t length) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < length; ++i) out += kHex[device() % 16];
  return out;
}

// `count` distinct ports that are free on 127.0.0.1 right now: all bound at once, so none
// repeats, then released for the server to take.
std::vector<int> free_ports(std::size_t count) {
  std::vector<int> fds;
  std::vector<int> ports;
  for (std::size_t i = 0; i < count; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      if (fd >= 0) ::close(fd);
      for (const int open : fds) ::close(open);
      throw std::runtime_error("cannot find free ports on 127.0.0.1");
    }
    fds.push_back(fd);
    ports.push_back(ntohs(address.sin_port));
  }
  for (const int fd : fds) ::close(fd);
  return ports;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string weed_path() { return std::string(CRYPTOPIPE_SOURCE_DIR) + "/.cache/bin/weed"; }

S3Server::S3Server()
    : access_key_("cryptopipe-admin"),
      secret_key_("secret-" + random_hex(24)),
      reader_access_key_("cryptopipe-reader"),
      reader_secret_key_("secret-" + random_hex(24)) {
  if (!std::filesystem::exists(weed_path())) {
    throw std::runtime_error(weed_path() +
                             " is missing: run scripts/install-s3-server.sh (make deps does)");
  }
  std::ofstream(dir_.path() / "s3.json")
      << R"({"identities": [{"name": "admin", "credentials": [{"accessKey": ")" << access_key_
      << R"(", "secretKey": ")" << secret_key_
      << R"("}], "actions": ["Admin", "Read", "Write", "List", "Tagging"]}, {"name": "reader", )"
      << R"("credentials": [{"accessKey": ")" << reader_access_key_ << R"(", "secretKey": ")"
      << reader_secret_key_ << R"("}], "actions": ["Read", "List"]}]})";
  for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
    if (start_once()) return;
  }
  throw std::runtime_error("SeaweedFS did not start in " + std::to_string(kStartAttempts) +
                           " tries; its log:\n" + log());
}

S3Server::~S3Server() = default;  // the ChildProcess kills the server

bool S3Server::start_once() {
  const std::vector<std::string> names = {"master", "master.grpc", "volume", "volume.grpc",
                                          "filer",  "filer.grpc",  "s3",     "s3.grpc",
                                          "admin",  "admin.grpc"};
  const std::vector<int> ports = free_ports(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) ports_[names[i]] = ports[i];
  const std::filesystem::path data = dir_.path() / "data";
  std::filesystem::remove_all(data);
  std::filesystem::create_directories(data);
  return launch();
}

bool S3Server::launch() {
  const std::filesystem::path data = dir_.path() / "data";
  const auto port = [&](const std::string& name) { return std::to_string(ports_.at(name)); };
  // The shell only redirects the server's output to a file (a pipe nobody drains would stall
  // it) and execs it, so the child's pid is the server's.
  std::vector<std::string> argv = {
      "/bin/sh", "-c", "exec \"$0\" \"$@\" >\"$LOG\" 2>&1", weed_path(), "mini",
      "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir=" + data.string(),
      "-s3.config=" + (dir_.path() / "s3.json").string(),
      "-master.port=" + port("master"), "-master.port.grpc=" + port("master.grpc"),
      "-volume.port=" + port("volume"), "-volume.port.grpc=" + port("volume.grpc"),
      "-filer.port=" + port("filer"), "-filer.port.grpc=" + port("filer.grpc"),
      "-s3.port=" + port("s3"), "-s3.port.grpc=" + port("s3.grpc"),
      "-admin.port=" + port("admin"), "-admin.port.grpc=" + port("admin.grpc"),
      "-admin.port.legacy=0", "-admin.ui=false", "-s3.port.iceberg=0", "-s3.port.lance=0",
      "-webdav=false", "-master.telemetry=false"};
  SpawnOptions options;
  options.env_overrides["LOG"] = (dir_.path() / "weed.log").string();
  options.working_dir = dir_.path().string();
  process_ = std::make_unique<ChildProcess>(argv, options);
  process_->stdin_pipe().reset();

  // Up when the S3 gateway answers HTTP (an anonymous request is refused, which is an answer)
  // and mini reports every component ready.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kStartupTimeoutMs);
  while (std::chrono::steady_clock::now() < deadline) {
    if (process_->wait_for(0)) return false;
    if (log().find("All enabled components are running") != std::string::npos &&
        can_connect("127.0.0.1", ports_.at("s3"))) {
      const std::string answer = raw_http_get("127.0.0.1", ports_.at("s3"), "/");
      if (answer.rfind("HTTP/1.1 ", 0) == 0) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  stop();
  throw std::runtime_error("SeaweedFS did not come up within " +
                           std::to_string(kStartupTimeoutMs / 1000) + " s; its log:\n" + log());
}

void S3Server::stop() {
  if (!process_) return;
  process_->send_signal(SIGTERM);
  if (!process_->wait_for(kShutdownTimeoutMs)) {
    process_->send_signal(SIGKILL);
    process_->wait();
  }
}

void S3Server::restart() {
  stop();
  if (!launch()) {
    throw std::runtime_error("SeaweedFS did not restart on its ports; its log:\n" + log());
  }
}

std::map<std::string, std::string> S3Server::objects(const std::string& bucket,
                                                     const std::string& prefix) const {
  const TempDir copy;
  const ProcessResult sync = aws({"s3", "sync", "--only-show-errors",
                                  "s3://" + bucket + "/" + prefix, copy.path().string()});
  if (sync.exit_code != 0) {
    throw std::runtime_error("aws s3 sync of s3://" + bucket + "/" + prefix +
                             " failed: " + sync.err);
  }
  std::map<std::string, std::string> objects;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(copy.path())) {
    if (entry.is_regular_file()) {
      objects[entry.path().lexically_relative(copy.path()).generic_string()] =
          read_file(entry.path());
    }
  }
  return objects;
}

std::string S3Server::endpoint() const { return "http://127.0.0.1:" + std::to_string(port()); }

std::map<std::string, std::string> S3Server::aws_env() const {
  return {{"AWS_ACCESS_KEY_ID", access_key_},
          {"AWS_SECRET_ACCESS_KEY", secret_key_},
          {"AWS_REGION", "us-east-1"},
          {"AWS_ENDPOINT_URL", endpoint()}};
}

ProcessResult S3Server::aws(const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {kAwsCli, "--endpoint-url", endpoint()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::map<std::string, std::string> env = aws_env();
  const std::string none = (dir_.path() / "no-such-file").string();
  env["AWS_CONFIG_FILE"] = none;
  env["AWS_SHARED_CREDENTIALS_FILE"] = none;
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  env["AWS_PAGER"] = "";
  return run_process(argv, env, "", std::nullopt, {"AWS_PROFILE", "AWS_SESSION_TOKEN"});
}

std::string S3Server::log() const { return read_file(dir_.path() / "weed.log"); }

}  // namespace cryptopipe::testing
