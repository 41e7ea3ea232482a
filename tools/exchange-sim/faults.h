// The fault switches: what can go wrong on an exchange route, how often, and the seeded state that
// decides which requests it happens to. Shared by every exchange and safe to use from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace exchange_sim {

struct FaultSettings {
  int latency_ms = 0;         // fixed delay before every exchange answer
  int latency_every = 0;      // 2 or more: only every Nth answer is delayed
  double error_rate = 0;      // share of requests answered 500, 502 or 503 in turn
  int rate_limit_every = 0;   // every Nth request is answered 429; 0 switches it off
  int retry_after_s = 1;      // Retry-After sent with those 429s
  double truncate_rate = 0;   // share of answers whose connection closes halfway through the body
  double malformed_rate = 0;  // share of answers whose JSON is cut short but sent whole
  int ban_s = 0;              // exchanges that ban (Binance's 418) answer as banned this long
  // Candle answers only:
  double duplicate_rate = 0;     // share of candles sent twice in a row
  bool shuffle = false;          // each page's candles in a random order
  std::int64_t gap_from_ms = 0;  // candles opening in [gap_from_ms, gap_to_ms) are left out
  std::int64_t gap_to_ms = 0;
  // Bulk archives only (/binance-data): files whose name contains the text. Empty: none.
  std::string archive_corrupt;        // the zip served with bytes changed (its checksum stays)
  std::string archive_drop;           // the zip answers 404 while its CHECKSUM is served
  std::string archive_drop_checksum;  // the CHECKSUM answers 404 while its zip is served
};

// The same names as the command line flags, in snake_case.
nlohmann::json to_json(const FaultSettings& settings);

// `settings` with the keys present in `changes` applied. Throws std::invalid_argument naming the
// offending key for unknown keys, wrong types or out-of-range values.
FaultSettings with_changes(FaultSettings settings, const nlohmann::json& changes);

enum class InjectedFailure { kNone, kRateLimited, kServerError };

// What the fault switches decided for one request. Body corruption applies only to answers that
// would otherwise have been successful.
struct FaultPlan {
  std::chrono::milliseconds latency{0};
  InjectedFailure failure = InjectedFailure::kNone;
  int server_error_status = 0;  // 500, 502 or 503 when failure is kServerError
  int retry_after_s = 0;        // when failure is kRateLimited
  bool truncate_body = false;
  bool malform_body = false;  // never together with truncate_body
  bool banned = false;        // answer as banned for ban_s seconds, before any other failure
  int ban_s = 0;
};

// What the candle switches decided for one candle answer; `seed` drives its random choices.
struct CandleFaultPlan {
  double duplicate_rate = 0;
  bool shuffle = false;
  std::int64_t gap_from_ms = 0;
  std::int64_t gap_to_ms = 0;
  std::uint64_t seed = 0;

  bool active() const { return duplicate_rate > 0 || shuffle || gap_from_ms < gap_to_ms; }
};

class FaultInjector {
 public:
  FaultInjector(FaultSettings initial, std::uint64_t seed);

  FaultSettings settings() const;
  // Applies with_changes() atomically and returns the new settings; throws like with_changes().
  FaultSettings apply_changes(const nlohmann::json& changes);

  // Draws the same number of random values for every request, so that with a given seed the
  // n-th request meets the same fate whatever happened to the ones before it.
  FaultPlan plan_next_request();
  // Drawn from a sequence of its own, so that switching candle faults on or off does not change
  // which requests the other faults hit.
  CandleFaultPlan plan_candle_answer();

  // A client (address:port) was answered 429 with this Retry-After: if it sends again before the
  // wait is over, that request counts as an early retry (the client did not honour the wait).
  void note_retry_after(const std::string& client, std::chrono::seconds wait);
  void check_early_retry(const std::string& client);

  // Counts a fault that was actually served, by name ("server_error", "truncated_body", ...);
  // "early_retry" counts requests that came before a Retry-After was over.
  void record_injected(const std::string& fault);
  nlohmann::json injected_counts() const;

 private:
  std::uint64_t next_random();
  bool happens(double rate);

  mutable std::mutex mutex_;
  FaultSettings settings_;
  std::uint64_t seed_;
  std::uint64_t draws_ = 0;
  std::uint64_t requests_ = 0;
  std::uint64_t server_errors_ = 0;
  std::uint64_t candle_answers_ = 0;
  std::map<std::string, std::uint64_t> injected_;
  std::map<std::string, std::chrono::steady_clock::time_point> retry_not_before_;
};

}  // namespace exchange_sim
