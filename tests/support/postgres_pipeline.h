// The pipeline into a real PostgreSQL warehouse: a fixture shared by the end-to-end suite and
// the fault-injection suite (one simulator, one server with a `gold` database, one harness).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "support/pipeline_harness.h"
#include "support/postgres_server.h"

namespace cryptopipe::testing {

constexpr const char* kLoadOhlcv = "load_ohlcv_to_postgres";
// Every gold OHLCV row with its row version (xmin) and load time: unchanged only if untouched.
constexpr const char* kOhlcvValuesAndVersions =
    "SELECT exchange, symbol, timeframe, open_time, close, xmin::text, loaded_at FROM ohlcv "
    "ORDER BY exchange, symbol, timeframe, open_time";
constexpr std::size_t kOhlcvRowsPerDay = 2 * (1440 + 24);  // BTC/USDT and ETH/USDT, 1m and 1h

using PgRows = std::vector<std::vector<std::string>>;
using LoadCounts = std::vector<std::int64_t>;

// {inserted, updated, unchanged} of the run's "loaded ohlcv" log line; empty if there is none.
LoadCounts load_counts(const ProcessResult& run);

class PostgresPipelineTest : public ::testing::Test {
 protected:
  // A `gold` database as the warehouse; BTC/USDT and ETH/USDT, 1m and 1h on Binance.
  void SetUp() override;

  ProcessResult materialize(const std::string& select) const;
  PgSession session() const { return PgSession(server_.url("gold")); }

  // Every gold row of the day equals, as a decimal, what the simulator serves.
  void expect_rows_equal_the_exchange() const;

  // The pid of the cryptopipe backend once it waits on a lock the test holds; throws after 60 s.
  int wait_until_cryptopipe_blocks() const;

  // "lost the connection to the PostgreSQL warehouse postgresql://cryptopipe@127.0.0.1:PORT/gold"
  std::string lost_connection_message() const;

  Simulator sim_;
  PostgresServer server_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
};

}  // namespace cryptopipe::testing
