// The exchange simulator as a test fixture: started on a free port, stopped on destruction.
#pragma once

#include <httplib.h>

#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "support/process.h"

namespace cryptopipe::testing {

class Simulator {
 public:
  // Starts build/cryptopipe-exchange-sim --port 0 plus extra_args and waits up to 10 s for its
  // "listening on 127.0.0.1:PORT" line. Throws std::runtime_error, with the simulator's stderr,
  // if the line does not come.
  explicit Simulator(const std::vector<std::string>& extra_args = {});
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;
  ~Simulator();  // stop()

  int port() const { return port_; }

  // "http://127.0.0.1:PORT/<exchange>", the stand-in for the exchange's real base URL.
  std::string base_url(std::string_view exchange) const;

  // POST /_sim/faults with the given snake_case settings; throws if the simulator refuses them.
  void set_faults(const nlohmann::json& changes) const;

  // GET /_sim/stats: {"total", "routes": {path: {"total", "by_status": {"200": n}}},
  // "injected_faults": {"server_error": n, ...}}.
  nlohmann::json stats() const;

  // GET of a path such as "/binance/api/v3/time", parsed; throws unless the answer is a 2xx.
  nlohmann::json get_json(const std::string& path_and_query) const;

  // GET of a path with optional request headers, for tests that inspect statuses and headers.
  // The client neither decompresses nor follows redirects, so the raw answer is seen.
  httplib::Result get(const std::string& path_and_query,
                      const httplib::Headers& headers = {}) const;

  // SIGTERM, then waits up to 10 s before resorting to SIGKILL. Safe to call more than once.
  void stop();

  // The exit code once stopped (0 after a clean shutdown).
  std::optional<int> exit_code() const { return exit_code_; }

  // Everything the simulator has written to stderr so far (its request log).
  std::string log() const;

 private:
  httplib::Client client() const;
  void read_listening_line();
  void drain_output();

  ChildProcess process_;
  int port_ = 0;
  std::optional<int> exit_code_;
  std::thread drainer_;
  mutable std::mutex log_mutex_;
  std::string log_;
};

}  // namespace cryptopipe::testing
