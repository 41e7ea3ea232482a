// Running the real cryptopipe binary against the simulator, in a throw-away lake and warehouse.
#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"
#include "support/simulator.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {

// The OHLCV chain: load_ohlcv_to_postgres with everything upstream of it.
constexpr const char* kOhlcvChain = "*load_ohlcv_to_postgres";
// Every value column of gold ohlcv (not loaded_at), in key order.
constexpr const char* kOhlcvValues =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume, "
    "trade_count, is_closed FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";

// Every column of gold tickers, in key order.
constexpr const char* kTickerRows =
    "SELECT exchange, symbol, ts, ts_source, last, bid, bid_size, ask, ask_size, open, high, low, "
    "base_volume, quote_volume, change_percent FROM tickers ORDER BY exchange, symbol, ts";

// One gold row as text, every column in table order.
using SqlRow = std::vector<std::string>;

// A working folder with its own lake, warehouse and cryptopipe.yaml; runs cryptopipe there so
// nothing of the developer's checkout (.env, data/) leaks in.
class PipelineHarness {
 public:
  // Configures one exchange (by default Binance) at base_url, e.g. the simulator's.
  explicit PipelineHarness(std::string base_url, std::string exchange = "binance");

  std::filesystem::path dir() const { return temp_.path(); }
  std::filesystem::path lake_dir() const { return temp_.path() / "lake"; }
  std::filesystem::path warehouse_path() const { return temp_.path() / "warehouse.db"; }
  std::filesystem::path config_path() const { return temp_.path() / "cryptopipe.yaml"; }

  // The warehouse write_config names: by default SQLite at warehouse_path().
  void set_warehouse(std::string url) { warehouse_url_ = std::move(url); }
  // The lake the configuration names: lake_dir() unless set here (an s3:// URL, say).
  void set_lake(std::string url, bool create_bucket = false);

  // Writes cryptopipe.yaml for the exchange with these symbols and timeframes (and these
  // trade_symbols and perp_symbols, when any).
  void write_config(const std::vector<std::string>& symbols,
                    const std::vector<std::string>& timeframes,
                    const std::vector<std::string>& trade_symbols = {},
                    const std::vector<std::string>& perp_symbols = {}) const;

  ProcessResult cryptopipe(const std::vector<std::string>& args,
                           const std::map<std::string, std::string>& env = {}) const;

  // The same run, started in the background (for a test that kills it): its stdout and stderr
  // go to background.out and background.err in dir(), and the child's pid is cryptopipe's.
  std::unique_ptr<ChildProcess> start_cryptopipe(
      const std::vector<std::string>& args,
      const std::map<std::string, std::string>& env = {}) const;

  // SELECT <columns> FROM <table> ORDER BY <order>, every value as text ("NULL" for null).
  std::vector<SqlRow> query(const std::string& sql) const;

  // Every file of the lake (relative path → bytes).
  std::map<std::string, std::string> lake_files() const;

 private:
  // The environment variables a run must not inherit: all that configure it, but `env`'s.
  static std::vector<std::string> removals_for(const std::map<std::string, std::string>& env);

  TempDir temp_;
  std::string base_url_;
  std::string exchange_;
  std::string warehouse_url_;
  std::string lake_url_;
  bool lake_create_bucket_ = false;
};

// The simulator's own Binance candles of the UTC day starting at `start` (ms), straight from
// its API: [open_time, open, high, low, close, volume, close_time, quote_volume, trades, ...].
std::vector<nlohmann::json> simulator_day(const Simulator& sim, const std::string& market_id,
                                          const std::string& interval, std::int64_t start);

// ms since the epoch now (UTC).
std::int64_t now_ms();

// ms since the epoch as the warehouse's ISO-8601 text, 2026-11-25T00:00:00.000Z.
std::string iso_of(std::int64_t ms);

// A decimal as gold holds it, in its shortest exact form, whatever padding the exchange sent:
// "29.45134000" → "29.45134", "56467.00000000" → "56467", "-0.0" → "0".
std::string shortest_decimal(std::string text);

// Yesterday's UTC day as YYYY-MM-DD.
std::string yesterday_utc();
// The UTC day `days_back` days ago.
std::string utc_day_ago(int days_back);
// ms since the epoch of 00:00 UTC of that day.
std::int64_t day_start_ms(const std::string& day);

}  // namespace cryptopipe::testing
