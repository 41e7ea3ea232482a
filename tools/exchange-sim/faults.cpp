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

std::int64_t non_negative_int64(const json& value, const std::string& key) {
  if (!value.is_number_integer() || value.get<std::int64_t>() < 0) {
    throw std::invalid_argument("'" + key + "' must be a non-negative integer");
  }
  return value.get<std::int64_t>();
}

bool boolean(const json& value, const std::string& key) {
  if (!value.is_boolean()) throw std::invalid_argument("'" + key + "' must be true or false");
  return value.get<bool>();
}

// Tells the candle sequence apart from the per-request one drawn from the same seed.
constexpr std::uint64_t kCandleStream = 0xC0FFEE;

}  // namespace

json to_json(const FaultSettings& settings) {
  return json{
      {"latency_ms", settings.latency_ms},         {"latency_every", settings.latency_every},
      {"error_rate", settings.error_rate},         {"rate_limit_every", settings.rate_limit_every},
      {"retry_after", settings.retry_after_s},     {"truncate_rate", settings.truncate_rate},
      {"malformed_rate", settings.malformed_rate}, {"ban_s", settings.ban_s},
      {"duplicate_rate", settings.duplicate_rate}, {"shuffle", settings.shuffle},
      {"gap_from_ms", settings.gap_from_ms},       {"gap_to_ms", settings.gap_to_ms},
      {"archive_corrupt", settings.archive_corrupt},
      {"archive_drop", settings.archive_drop},
      {"archive_drop_checksum", settings.archive_drop_checksum}};
}

FaultSettings with_changes(FaultSettings settings, const json& changes) {
  if (!changes.is_object()) {
    throw std::invalid_argument("expected a JSON object of fault settings");
  }
  for (const auto& [key, value] : changes.items()) {
    if (key == "latency_ms") {
      settings.latency_ms = non_negative_int(value, key);
    } else if (key == "latency_every") {
      settings.latency_every = non_negative_int(value, key);
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
    } else if (key == "ban_s") {
      settings.ban_s = non_negative_int(value, key);
    } else if (key == "duplicate_rate") {
      settings.duplicate_rate = rate(value, key);
    } else if (key == "shuffle") {
      settings.shuffle = boolean(value, key);
    } else if (key == "gap_from_ms") {
      settings.gap_from_ms = non_negative_int64(value, key);
    } else if (key == "gap_to_ms") {
      settings.gap_to_ms = non_negative_int64(value, key);
    } else if (key == "archive_corrupt" || key == "archive_drop" ||
               key == "archive_drop_checksum") {
      if (!value.is_string()) throw std::invalid_argument(key + " must be a string");
      std::string& target = key == "archive_corrupt" ? settings.archive_corrupt
                            : key == "archive_drop"  ? settings.archive_drop
                                                     : settings.archive_drop_checksum;
      target = value.get<std::string>();
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
  if (settings_.latency_every < 2 ||
      requests_ % static_cast<std::uint64_t>(settings_.latency_every) == 0) {
    plan.latency = std::chrono::milliseconds(settings_.latency_ms);
  }
  plan.banned = settings_.ban_s > 0;
  plan.ban_s = settings_.ban_s;
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

CandleFaultPlan FaultInjector::plan_candle_answer() {
  const std::lock_guard lock(mutex_);
  return {.duplicate_rate = settings_.duplicate_rate,
          .shuffle = settings_.shuffle,
          .gap_from_ms = settings_.gap_from_ms,
          .gap_to_ms = settings_.gap_to_ms,
          .seed = hash_parts({seed_, kCandleStream, candle_answers_++})};
}

void FaultInjector::note_retry_after(const std::string& client, std::chrono::seconds wait) {
  const std::lock_guard lock(mutex_);
  retry_not_before_[client] = std::chrono::steady_clock::now() + wait;
}

void FaultInjector::check_early_retry(const std::string& client) {
  const std::lock_guard lock(mutex_);
  const auto found = retry_not_before_.find(client);
  if (found == retry_not_before_.end()) return;
  if (std::chrono::steady_clock::now() < found->second) ++injected_["early_retry"];
  retry_not_before_.erase(found);
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
