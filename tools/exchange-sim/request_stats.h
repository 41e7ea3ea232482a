#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace exchange_sim {

// Answered requests counted by path and HTTP status, so tests can prove that a client retried.
class RequestStats {
 public:
  void record(const std::string& path, int status);

  // {"total": N, "routes": {"/binance/api/v3/klines": {"total": N, "by_status": {"200": N}}}}
  nlohmann::json to_json() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::map<int, std::uint64_t>> counts_;
};

}  // namespace exchange_sim
