#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/log.h"
#include "cryptopipe/core/run_once.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/net/rate_limiter.h"
#include "cryptopipe/pipeline/exchange_pool.h"
#include "cryptopipe/pipeline/config.h"
#include "cryptopipe/warehouse/warehouse.h"

namespace cryptopipe::pipeline {

// A data-quality check evaluated on what an asset produced: named as in the asset graph, with
// the counts behind the verdict. A failed check does not fail the asset; it is reported.
struct CheckResult {
  std::string name;
  bool passed = true;
  nlohmann::json metadata = nlohmann::json::object();
};

// What one materialization of one asset for one partition produced.
struct AssetResult {
  std::int64_t rows = 0;
  std::int64_t rejects = 0;
  std::int64_t gaps = 0;     // missing candles
  std::int64_t objects = 0;  // lake objects written
  nlohmann::json metadata = nlohmann::json::object();
  std::vector<CheckResult> checks;
};

// A venue's archive of a period longer than a day (a month of klines): fetched and kept in the
// lake once per run, and named by the manifest of each of its days the run extracts.
struct SharedArchive {
  std::string key;               // where the lake keeps it
  exchanges::ArchiveFile file;   // where it came from and its checksum; the bytes are not held
  std::map<std::string, exchanges::ArchiveDaySlice> days;  // YYYY-MM-DD → where its rows are
};

// Everything an asset needs from the outside world, shared by the assets of one run.
class RunContext {
 public:
  RunContext(const Config& config, std::string run_id, Logger logger, Clock& clock,
             std::unique_ptr<lake::ObjectStore> lake);

  const Config& config() const { return config_; }
  const std::string& run_id() const { return run_id_; }
  const Logger& logger() const { return logger_; }
  Clock& clock() { return clock_; }
  lake::ObjectStore& lake() { return *lake_; }

  const ExchangeConfig& exchange_config(const std::string& name) const;
  // A client for requests, from the exchange's pool: at most fetch_concurrency per exchange at
  // once in the whole run. All clients of one exchange share its rate limiter, so concurrent
  // assets respect the exchange's limit together.
  ExchangePool::Lease lease(const std::string& exchange);
  // A client of the caller's own, outside the pool: for parsing stored responses.
  std::unique_ptr<exchanges::Exchange> connect(const std::string& exchange);
  // Clients of the exchange's bulk archives (the caller's own): of its kline zips, of its trade
  // files; null where it publishes none or none is configured (ExchangeConfig::archive_url).
  std::unique_ptr<exchanges::BinanceArchive> kline_archive(const std::string& exchange);
  std::unique_ptr<exchanges::TradesArchive> trades_archive(const std::string& exchange);
  // The run's archives of longer periods, by their lake prefix: the first of the period's days
  // to need one fetches it (null: not published), the others wait for it.
  RunOnce<std::shared_ptr<const SharedArchive>>& shared_archives() { return shared_archives_; }
  // A connection to the configured warehouse (PostgreSQL may hand back an idle pooled one),
  // migrated to the current schema.
  std::unique_ptr<warehouse::Warehouse> open_warehouse() const;

 private:
  std::unique_ptr<exchanges::RestSession> archive_session(const std::string& exchange);

  const Config& config_;
  std::string run_id_;
  Logger logger_;
  Clock& clock_;
  std::unique_ptr<lake::ObjectStore> lake_;
  std::map<std::string, std::unique_ptr<net::RateLimiter>> limiters_;
  std::map<std::string, std::unique_ptr<ExchangePool>> pools_;
  std::map<std::string, std::unique_ptr<net::RateLimiter>> archive_limiters_;
  RunOnce<std::shared_ptr<const SharedArchive>> shared_archives_;
};

// A run id that sorts in time order and is unique across processes and machines:
// 20261127T050102123Z-1a2b3c4d5e6f.
std::string new_run_id(TimestampMs now);

}  // namespace cryptopipe::pipeline
