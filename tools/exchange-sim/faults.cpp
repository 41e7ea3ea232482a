#include "faults.h"

#include <array>
#include <limits>
#include <stdexcept>

#include "hashing.h"

namespace exchange_sim {
namespace {

using nlohmann::json;

constexpr std::array kServerErrorStatuses{500, 502, 503};

int non_negative_int(const json& value, const std::string& key) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0 ||
      value.get<std::int64_t>() > std::numeric_limits<int>::max()) {
    throw std::invalid_argument("'" + key + "' must be a non-negative integer");
  }
  return value.get<int>();
}

double rate(const json& value, const std::string& key) {
  if (!value.is_number() || value.get<double>() < 0 || value.get<double>() > 1) {
    throw std::invalid_argument("'" + key + "' must be a number from 0 to 1");
  }
  return value.get<double>();
}

}  // namespace

json to_json(const FaultSettings& settings) {
  return json{{"latency_ms", settings.latency_ms},
              {"error_rate", settings.error_rate},
              {"rate_limit_every", settings.rate_limit_every},
              {"retry_after", settings.retry_after_s},
              {"truncate_rate", settings.truncate_rate},
              {"malformed_rate", settings.malformed_rate}};
}

FaultSettings with_changes(FaultSettings settings, const json& changes) {
  if (!changes.is_object()) {
    throw std::invalid_argument("expected a JSON object of fault settings");
  }
  for (const auto& [key, value] : changes.items()) {
    if (key == "latency_ms") {
      settings.latency_ms = non_negative_int(value, key);
    } else if (key == "error_rate") {
      settings.error_rate = rate(value, key);
    } else if (key == "rate_limit_every") {
      settings.rate_limit_every = non_negative_int(value, key);
    } else if (key == "retry_after") {
      settings.retry_after_s = non_negative_int(value, key);
    } else if (key == "truncate_rate") {
      settings.truncate_rate = rate(value, key);
    } else if (key == "malformed_rate") {
      settings.malformed_rate = rate(value, key);
    } else {
      throw std::invalid_argument("unknown fault setting '" + key + "'");
    }
  }
  return settings;
}

FaultInjector::FaultInjector(FaultSettings initial, std::uint64_t seed)
    : settings_(initial), seed_(seed) {}

FaultSettings FaultInjector::settings() const {
  const std::lock_guard lock(mutex_);
  return settings_;
}

FaultSettings FaultInjector::apply_changes(const json& changes) {
  const std::lock_guard lock(mutex_);
  settings_ = with_changes(settings_, changes);
  return settings_;
}

FaultPlan FaultInjector::plan_next_request() {
  const std::lock_guard lock(mutex_);
  ++requests_;
  const bool server_error = happens(settings_.error_rate);
  const bool truncate = happens(settings_.truncate_rate);
  const bool malform = happens(settings_.malformed_rate);

  FaultPlan plan;
  plan.latency = std::chrono::milliseconds(settings_.latency_ms);
  if (settings_.rate_limit_every > 0 &&
      requests_ % static_cast<std::uint64_t>(settings_.rate_limit_every) == 0) {
    plan.failure = InjectedFailure::kRateLimited;
    plan.retry_after_s = settings_.retry_after_s;
  } else if (server_error) {
    plan.failure = InjectedFailure::kServerError;
    plan.server_error_status = kServerErrorStatuses[server_errors_++ % kServerErrorStatuses.size()];
  }
  // A body cut off mid-transfer is already broken, so truncation wins over malformation.
  plan.truncate_body = truncate;
  plan.malform_body = malform && !truncate;
  return plan;
}

void FaultInjector::record_injected(const std::string& fault) {
  const std::lock_guard lock(mutex_);
  ++injected_[fault];
}

json FaultInjector::injected_counts() const {
  const std::lock_guard lock(mutex_);
  return injected_;
}

std::uint64_t FaultInjector::next_random() { return hash_parts({seed_, draws_++}); }

bool FaultInjector::happens(double rate) {
  // The top 53 bits make a uniform double in [0, 1), the same on every platform.
  const double uniform = static_cast<double>(next_random() >> 11) * 0x1.0p-53;
  return uniform < rate;
}

}  // namespace exchange_sim
