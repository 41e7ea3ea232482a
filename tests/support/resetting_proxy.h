// A TCP proxy on 127.0.0.1 in front of an HTTP/1.1 server that answers with a Content-Length
// (the exchange simulator), resetting the client's connection on every Nth request: by turns
// before any answer, and in the middle of the answer's body. A reset is an RST (SO_LINGER 0), what
// a client sees when a load balancer or the peer's kernel drops a connection.
#pragma once

#include <atomic>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/process.h"

namespace cryptopipe::testing {

class ResettingProxy {
 public:
  // Resets the connection of requests number every, 2 * every, ... (counted from 1 over all
  // connections); every = 0 passes everything through.
  ResettingProxy(int upstream_port, int every);
  ResettingProxy(const ResettingProxy&) = delete;
  ResettingProxy& operator=(const ResettingProxy&) = delete;
  ~ResettingProxy();  // closes every connection and joins its threads

  // "http://127.0.0.1:PORT/<exchange>", as Simulator::base_url but through the proxy.
  std::string base_url(std::string_view exchange) const;

  int resets_before_answer() const { return resets_before_answer_; }
  int resets_mid_answer() const { return resets_mid_answer_; }

 private:
  void accept_loop();
  void serve(int client_fd);
  // Registers a socket so that the destructor can unblock it; forget() before closing it.
  void track(int fd);
  void forget(int fd);

  int upstream_port_;
  int every_;
  UniqueFd listener_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<int> requests_{0};
  std::atomic<int> resets_before_answer_{0};
  std::atomic<int> resets_mid_answer_{0};
  std::mutex mutex_;
  std::vector<int> open_fds_;
  std::vector<std::thread> threads_;
  std::thread acceptor_;
};

}  // namespace cryptopipe::testing
