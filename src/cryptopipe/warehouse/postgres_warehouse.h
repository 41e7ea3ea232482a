#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/warehouse/pg_connection.h"
#include "cryptopipe/warehouse/warehouse.h"

namespace cryptopipe::warehouse {

// The PostgreSQL warehouse (libpq). Rows are streamed with COPY into a temporary staging table
// and merged with INSERT ... ON CONFLICT ... DO UPDATE ... WHERE the row changed, in one
// transaction under a transaction-level advisory lock per (table, UTC day), so two loads of the
// same partition never interleave. OHLCV rows go to their month's partition directly; a day
// with no rows yet skips the staging table: COPY goes straight in (nothing can conflict; the
// lock keeps it so). Memory is flat: rows
// go out as they come.
//
// The rows of one upsert call belong to one UTC day (one asset partition): the day of the
// first row's time. An OHLCV row outside that day fails the load (kBadPayload).
class PostgresWarehouse final : public Warehouse {
 public:
  // Connects at once; throws Error(kConfig) with one line, without the password, when the
  // server cannot be reached or refuses the connection.
  // The connection comes from (and goes back to) the process's pool of idle connections.
  explicit PostgresWarehouse(const std::string& url);
  ~PostgresWarehouse() override;
  PostgresWarehouse(const PostgresWarehouse&) = delete;
  PostgresWarehouse& operator=(const PostgresWarehouse&) = delete;

  std::string describe() const override;
  void migrate() override;
  int schema_version() override;
  LoadStats upsert_ohlcv(const OhlcvRowSource& rows) override;
  LoadStats upsert_tickers(const TickerRowSource& rows) override;
  LoadStats upsert_book_levels(const BookLevelRowSource& rows) override;
  LoadStats upsert_trades(const TradeRowSource& rows) override;
  LoadStats upsert_funding(const FundingRowSource& rows) override;
  LoadStats upsert_open_interest(const OpenInterestRowSource& rows) override;
  void record_run(const RunRecord& record) override;

 private:
  // The name of the month partition holding day, created if missing.
  std::string ensure_ohlcv_partition(const UtcDay& day);
  // Runs load in one transaction holding the advisory lock of (lock_name, day).
  LoadStats in_locked_transaction(const std::string& lock_name, const UtcDay& day,
                                  const std::function<LoadStats()>& load);

  std::string url_;
  std::unique_ptr<pg::Connection> connection_;
  std::set<std::string> known_partitions_;
};

}  // namespace cryptopipe::warehouse
