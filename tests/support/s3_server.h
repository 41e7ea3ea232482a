// A real S3 server for tests: SeaweedFS (`weed mini`, built by scripts/install-s3-server.sh into
// .cache/bin/weed), started on free loopback ports in a throw-away folder, stopped on
// destruction.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {

class S3Server {
 public:
  // Starts the server and waits until its S3 gateway answers; throws std::runtime_error with
  // the server's log if it does not come up within 60 s (three tries on fresh ports).
  S3Server();
  S3Server(const S3Server&) = delete;
  S3Server& operator=(const S3Server&) = delete;
  // SIGKILL: the data folder goes with the server, so a graceful shutdown (seconds of SeaweedFS
  // flushing its volumes) would only slow every test down.
  ~S3Server();

  // http://127.0.0.1:PORT
  std::string endpoint() const;
  int port() const { return ports_.at("s3"); }
  // The port of another component: "master", "filer", "volume"…
  int port(const std::string& component) const { return ports_.at(component); }

  // An identity allowed everything, and one that may only read and list. Each server gets
  // fresh random secrets, so a test can search any output for them.
  const std::string& access_key() const { return access_key_; }
  const std::string& secret_key() const { return secret_key_; }
  const std::string& reader_access_key() const { return reader_access_key_; }
  const std::string& reader_secret_key() const { return reader_secret_key_; }

  // AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL for this server.
  std::map<std::string, std::string> aws_env() const;

  // Runs the AWS CLI (Debian's /usr/bin/aws) against this server as the full-rights identity,
  // with no user configuration files read.
  ProcessResult aws(const std::vector<std::string>& args) const;

  // Every object under s3://bucket/prefix (key below the prefix → bytes), downloaded with the
  // AWS CLI, so a test sees the lake the way any other S3 client does.
  std::map<std::string, std::string> objects(const std::string& bucket,
                                             const std::string& prefix) const;

  // SIGTERM, then SIGKILL after 10 s: a server that shuts down as an operator would stop it, its
  // data kept for restart(). Safe to call more than once.
  void stop();

  // Stops the server if it runs and starts it again on the same ports with the same data and
  // identities. Throws std::runtime_error with the server's log if it does not come back.
  void restart();

  std::string log() const;

 private:
  bool start_once();  // false if the server exited during start-up (a port was taken)
  bool launch();      // starts on ports_ over the data folder; false as start_once()

  TempDir dir_;
  std::string access_key_;
  std::string secret_key_;
  std::string reader_access_key_;
  std::string reader_secret_key_;
  std::map<std::string, int> ports_;
  std::unique_ptr<ChildProcess> process_;
};

// Where scripts/install-s3-server.sh puts SeaweedFS's `weed`.
std::string weed_path();

}  // namespace cryptopipe::testing
