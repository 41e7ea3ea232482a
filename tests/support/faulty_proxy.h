// A TCP proxy on 127.0.0.1 in front of a real HTTP server, injecting the faults the real server
// will not make on demand: it flips one byte in the body of the requests it is told to pick,
// after the client signed and checksummed them (a faulty network card or middlebox), and it
// can answer the next requests itself with S3's "503 SlowDown" (a busy server). Everything
// else passes through untouched.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/process.h"

namespace cryptopipe::testing {

class FaultyProxy {
 public:
  // Picks, from a request's first line ("PUT /bucket/key?partNumber=2&uploadId=… HTTP/1.1"),
  // whether its body is corrupted. Requests without a body pass untouched.
  using Picker = std::function<bool(const std::string& request_line)>;

  FaultyProxy(int upstream_port, Picker picker);
  FaultyProxy(const FaultyProxy&) = delete;
  FaultyProxy& operator=(const FaultyProxy&) = delete;
  ~FaultyProxy();  // closes every connection and joins its threads

  int port() const { return port_; }
  std::string endpoint() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int corrupted() const { return corrupted_; }  // request bodies altered so far

  // The next `count` requests get "503 SlowDown" from the proxy and never reach the server.
  void slow_down_next(int count) { slow_downs_left_ = count; }
  // From now on every `period`-th request gets "503 SlowDown" (0 stops it): a busy server
  // throughout a run, which retries get through.
  void slow_down_every(int period) { slow_down_period_ = period; }
  int slowed_down() const { return slowed_down_; }

  // The answers to the next `count` requests that `pick` selects are lost: the server gets the
  // request and acts on it, and the proxy cuts the client's connection instead of relaying its
  // answer (a network failure after the fact).
  void lose_answers(int count, Picker pick);
  int lost_answers() const { return lost_answers_; }

 private:
  void accept_loop();
  void serve(int client_fd);

  int upstream_port_;
  Picker picker_;
  UniqueFd listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> corrupted_{0};
  std::atomic<int> slow_downs_left_{0};
  std::atomic<int> slowed_down_{0};
  std::atomic<int> slow_down_period_{0};
  std::atomic<int> requests_{0};
  Picker lose_pick_;                 // guarded by mutex_
  int lose_left_ = 0;                // guarded by mutex_
  std::atomic<int> lost_answers_{0};
  std::mutex mutex_;
  std::vector<int> open_fds_;  // every proxied socket, shut down on destruction
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace cryptopipe::testing
