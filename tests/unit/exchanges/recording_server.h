// A local server for the exchange clients' request tests: answers every GET with one scripted
// response and records each request's target (the path and the query exactly as sent,
// percent-encoding included).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "cryptopipe/net/retry_policy.h"
#include "unit/local_http_server.h"

namespace cryptopipe::unit {

class RecordingServer {
 public:
  RecordingServer(int status, std::string body) {
    local_.server().Get(".*", [this, status, body](const httplib::Request& request,
                                                   httplib::Response& response) {
      {
        std::lock_guard lock(mutex_);
        targets_.push_back(request.target);
        if (request.has_param("symbols")) symbols_param_ = request.get_param_value("symbols");
      }
      response.status = status;
      response.set_content(body, "application/json");
    });
    local_.start();
  }

  std::vector<std::string> targets() {
    std::lock_guard lock(mutex_);
    return targets_;
  }
  std::string symbols_param() {  // Binance's `symbols`, decoded by the server
    std::lock_guard lock(mutex_);
    return symbols_param_;
  }
  std::string base_url() const { return local_.base_url(); }

 private:
  std::mutex mutex_;
  std::vector<std::string> targets_;
  std::string symbols_param_;
  LocalHttpServer local_;
};

// Two attempts a millisecond or two apart: enough to see whether a failure is retried.
inline net::RetrySettings quick_retries() {
  return net::RetrySettings{.max_attempts = 2,
                            .base_delay = std::chrono::milliseconds(1),
                            .max_delay = std::chrono::milliseconds(2)};
}

}  // namespace cryptopipe::unit
