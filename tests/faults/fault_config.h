// cryptopipe.yaml for the fault cases: several exchanges in one run, and short HTTP timeouts and
// retry budgets so that each case takes seconds.
#pragma once

#include <cstdint>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {

struct ExchangeSetup {
  std::string name;      // binance, bybit, gateio
  std::string base_url;  // the simulator's, or a proxy's in front of it
  std::vector<std::string> symbols = {"BTC/USDT"};
  std::vector<std::string> timeframes = {"1m", "1h"};
};

// Writes the harness's cryptopipe.yaml: its lake and SQLite warehouse, these exchanges, and
// `http` as a YAML flow mapping ("{timeout_ms: 300, max_attempts: 2}").
inline void write_fault_config(const PipelineHarness& harness,
                               const std::vector<ExchangeSetup>& exchanges,
                               const std::string& http) {
  const auto list = [](const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + items[i];
    return out + "]";
  };
  std::ofstream out(harness.config_path());
  out << "lake: file://" << harness.lake_dir().string() << "\n"
      << "warehouse: sqlite://" << harness.warehouse_path().string() << "\n"
      << "log_format: json\nhttp: " << http << "\nexchanges:\n";
  for (const ExchangeSetup& exchange : exchanges) {
    out << "  " << exchange.name << ":\n    base_url: " << exchange.base_url
        << "\n    symbols: " << list(exchange.symbols)
        << "\n    timeframes: " << list(exchange.timeframes) << "\n";
  }
}

// Every lake file present in `before` is still there with the same bytes: nothing stored was
// overwritten or removed. Returns the first path that differs, or "" when none does.
inline std::string first_changed_file(const std::map<std::string, std::string>& before,
                                      const std::map<std::string, std::string>& after) {
  for (const auto& [path, bytes] : before) {
    const auto found = after.find(path);
    if (found == after.end() || found->second != bytes) return path;
  }
  return "";
}

// The simulator's own Binance candles of BTC/USDT for the UTC day, as gold rows (decimals in
// their shortest form, which gold holds whichever exchange served them): open_time, open,
// high, low, close, volume, quote_volume.
inline std::vector<SqlRow> binance_truth(const Simulator& sim, const std::string& interval,
                                         const std::string& day) {
  std::vector<SqlRow> rows;
  for (const nlohmann::json& candle : simulator_day(sim, "BTCUSDT", interval, day_start_ms(day))) {
    SqlRow row = {iso_of(candle[0].get<std::int64_t>())};
    for (const int field : {1, 2, 3, 4, 5, 7}) row.push_back(shortest_decimal(candle[field]));
    rows.push_back(std::move(row));
  }
  return rows;
}

// The same columns of gold, for one exchange's BTC/USDT series.
inline std::vector<SqlRow> gold_series(const PipelineHarness& harness, const std::string& exchange,
                                       const std::string& timeframe) {
  return harness.query(
      "SELECT open_time, open, high, low, close, volume, quote_volume FROM ohlcv WHERE exchange = "
      "'" +
      exchange + "' AND symbol = 'BTC/USDT' AND timeframe = '" + timeframe +
      "' ORDER BY open_time");
}

}  // namespace cryptopipe::testing
