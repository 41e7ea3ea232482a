#pragma once

#include <sqlite3.h>

#include <filesystem>
#include <memory>

#include "cryptopipe/warehouse/warehouse.h"

namespace cryptopipe::warehouse {

// The zero-setup warehouse: one SQLite file in WAL mode. Concurrent writers from other
// processes wait (busy timeout) instead of failing.
class SqliteWarehouse final : public Warehouse {
 public:
  explicit SqliteWarehouse(std::filesystem::path path);

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
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };

  void exec(const char* sql);
  void enable_wal();

  std::filesystem::path path_;
  std::unique_ptr<sqlite3, Closer> db_;
};

}  // namespace cryptopipe::warehouse
