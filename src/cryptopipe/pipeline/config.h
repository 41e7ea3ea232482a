#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/log.h"
#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/net/http_client.h"

namespace cryptopipe::pipeline {

struct ExchangeConfig {
  std::string name;      // binance
  std::string base_url;  // the REST root, e.g. https://api.binance.com
  std::vector<Symbol> symbols;
  std::vector<Timeframe> timeframes;
  int depth = 20;  // order-book levels
  // Tickers of every spot market the exchange lists (`ticker_symbols: all`), not only `symbols`.
  bool all_tickers = false;
  // Markets whose public trades are extracted (`trade_symbols`); none by default: a liquid
  // market has millions of trades a day, which only those who want them should page through.
  std::vector<Symbol> trade_symbols;
  // Where the venue's bulk archives of finished days are read from, before its REST API
  // (Binance: https://data.binance.vision); empty: REST only. Unset in YAML, the venue's
  // archive site is used only with its live REST root, so that a run against a simulator or a
  // proxy never reaches out to the real archive site.
  std::optional<std::string> archive_url;
  // Linear perpetuals (BASE/QUOTE:QUOTE) whose funding-rate and open-interest histories are
  // extracted (`perp_symbols`); none by default.
  std::vector<Symbol> perp_symbols;
  // The futures API's root where the venue serves it from another host (Binance USD-M). Unset
  // in YAML: the venue's futures host beside its live REST root, else base_url itself (a
  // simulator or proxy serves both).
  std::optional<std::string> futures_url;
};

// The open-interest sampling periods every perpetual venue serves.
bool is_open_interest_period(const Timeframe& period);

struct Config {
  std::string lake = "file://./data/lake";
  bool lake_create_bucket = false;  // s3:// lakes: create a missing bucket (demos, tests)
  std::string warehouse = "sqlite://./data/warehouse.db";
  std::vector<ExchangeConfig> exchanges;
  LogLevel log_level = LogLevel::kInfo;
  std::optional<LogFormat> log_format;  // unset: text on a terminal, JSON otherwise
  int connect_timeout_ms = 5'000;
  int request_timeout_ms = 30'000;
  int max_attempts = 6;
  bool tls_verify = true;  // false only when asked for explicitly; every run then warns
  std::string ca_bundle;   // PEM file of trusted CAs; empty: the system bundle
  int concurrency = 4;          // assets materialized at once
  int fetch_concurrency = 4;    // requests in flight per exchange (within its rate limit)
  int silver_compression = 1;   // zstd level: 1 compresses CSV ~5x at ~450 MB/s
  Timeframe open_interest_period = Timeframe::parse("5m");
  std::string source = "defaults";  // where the configuration came from, for messages
};

// Process environment with a .env file underneath it: a variable set in the real
// environment wins over the same name in .env (the usual dotenv rule).
class Environment {
 public:
  static Environment from_process(const std::filesystem::path& dotenv);
  explicit Environment(std::map<std::string, std::string> variables)
      : variables_(std::move(variables)) {}

  std::optional<std::string> get(const std::string& name) const;

 private:
  std::map<std::string, std::string> variables_;
};

// Flags given on the command line: the highest precedence.
struct ConfigFlags {
  std::optional<std::string> config_file;
  std::optional<std::string> lake;
  std::optional<std::string> warehouse;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
};

// Builds the configuration: defaults, then the YAML file (--config, CRYPTOPIPE_CONFIG, or
// ./cryptopipe.yaml when present), then the environment (with .env), then flags. Throws
// Error(kConfig) with a message naming the file, the key and the bad value.
Config load_config(const ConfigFlags& flags, const Environment& env);

// The HTTP settings of the config (timeouts, TLS), the same for exchanges and the S3 lake.
net::HttpOptions http_options(const Config& config);

}  // namespace cryptopipe::pipeline
