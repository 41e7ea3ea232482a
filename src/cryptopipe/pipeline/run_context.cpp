#include "cryptopipe/pipeline/run_context.h"

#include <random>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::pipeline {
namespace {

constexpr double kArchiveRequestsPerSecond = 1000;

}  // namespace

RunContext::RunContext(const Config& config, std::string run_id, Logger logger, Clock& clock,
                       std::unique_ptr<lake::ObjectStore> lake)
    : config_(config),
      run_id_(std::move(run_id)),
      logger_(std::move(logger)),
      clock_(clock),
      lake_(std::move(lake)) {
  for (const ExchangeConfig& exchange : config_.exchanges) {
    const exchanges::ExchangeDescriptor& descriptor = exchanges::find_exchange(exchange.name);
    limiters_[exchange.name] = std::make_unique<net::RateLimiter>(
        descriptor.rate_capacity, descriptor.rate_window, clock_);
    pools_[exchange.name] = std::make_unique<ExchangePool>(
        static_cast<std::size_t>(config_.fetch_concurrency),
        [this, name = exchange.name] { return connect(name); });
    // The archive site is a CDN with no published budget: fetch_concurrency is what paces a
    // backfill (a few files in flight, each a round trip away); this ceiling only keeps a
    // runaway loop of requests from flooding it.
    archive_limiters_[exchange.name] =
        std::make_unique<net::RateLimiter>(kArchiveRequestsPerSecond, std::chrono::seconds(1), clock_);
  }
}

const ExchangeConfig& RunContext::exchange_config(const std::string& name) const {
  for (const ExchangeConfig& exchange : config_.exchanges) {
    if (exchange.name == name) return exchange;
  }
  throw Error(ErrorKind::kConfig, "exchange '" + name + "' is not configured");
}

ExchangePool::Lease RunContext::lease(const std::string& exchange) {
  exchange_config(exchange);  // an unconfigured exchange is a clear error, not a missing pool
  return pools_.at(exchange)->lease();
}

std::unique_ptr<exchanges::Exchange> RunContext::connect(const std::string& exchange) {
  const ExchangeConfig& settings = exchange_config(exchange);
  exchanges::RestSettings rest;
  rest.base_url = settings.base_url;
  rest.futures_base_url = settings.futures_url.value_or("");
  rest.http = http_options(config_);
  rest.retry.max_attempts = config_.max_attempts;
  auto session = std::make_unique<exchanges::RestSession>(
      exchange, rest, *limiters_.at(exchange), clock_, logger_.with({{"exchange", exchange}}));
  return exchanges::find_exchange(exchange).create(std::move(session));
}

std::unique_ptr<exchanges::RestSession> RunContext::archive_session(const std::string& exchange) {
  const ExchangeConfig& settings = exchange_config(exchange);
  if (!settings.archive_url || settings.archive_url->empty()) return nullptr;
  exchanges::RestSettings rest;
  rest.base_url = *settings.archive_url;
  rest.http = http_options(config_);
  rest.retry.max_attempts = config_.max_attempts;
  return std::make_unique<exchanges::RestSession>(
      exchange + " archive", rest, *archive_limiters_.at(exchange), clock_,
      logger_.with({{"exchange", exchange}, {"source", "archive"}}));
}

std::unique_ptr<exchanges::BinanceArchive> RunContext::kline_archive(const std::string& exchange) {
  if (!exchanges::find_exchange(exchange).kline_archives) return nullptr;
  std::unique_ptr<exchanges::RestSession> session = archive_session(exchange);
  return session ? std::make_unique<exchanges::BinanceArchive>(std::move(session)) : nullptr;
}

std::unique_ptr<exchanges::TradesArchive> RunContext::trades_archive(const std::string& exchange) {
  const auto create = exchanges::find_exchange(exchange).create_trades_archive;
  if (create == nullptr) return nullptr;
  std::unique_ptr<exchanges::RestSession> session = archive_session(exchange);
  return session ? create(std::move(session)) : nullptr;
}

std::unique_ptr<warehouse::Warehouse> RunContext::open_warehouse() const {
  auto warehouse = warehouse::open_warehouse(config_.warehouse);
  warehouse->migrate();
  return warehouse;
}

std::string new_run_id(TimestampMs now) {
  // 48 random bits: runs started in the same millisecond on any number of machines still get
  // ids of their own (their lake keys depend on it).
  constexpr int kRunIdRandomDigits = 12;
  std::random_device device;
  std::uniform_int_distribution<unsigned> digit(0, 15);
  std::string suffix;
  for (int i = 0; i < kRunIdRandomDigits; ++i) suffix += "0123456789abcdef"[digit(device)];
  return format_compact_utc(now) + "-" + suffix;
}

}  // namespace cryptopipe::pipeline
