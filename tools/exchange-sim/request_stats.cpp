#include "request_stats.h"

namespace exchange_sim {

void RequestStats::record(const std::string& path, int status) {
  const std::lock_guard lock(mutex_);
  ++counts_[path][status];
}

nlohmann::json RequestStats::to_json() const {
  const std::lock_guard lock(mutex_);
  std::uint64_t total = 0;
  auto routes = nlohmann::json::object();
  for (const auto& [path, by_status] : counts_) {
    std::uint64_t route_total = 0;
    auto statuses = nlohmann::json::object();
    for (const auto& [status, count] : by_status) {
      statuses[std::to_string(status)] = count;
      route_total += count;
    }
    routes[path] = {{"total", route_total}, {"by_status", statuses}};
    total += route_total;
  }
  return {{"total", total}, {"routes", routes}};
}

}  // namespace exchange_sim
