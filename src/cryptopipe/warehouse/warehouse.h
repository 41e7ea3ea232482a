#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cryptopipe::warehouse {

// One gold OHLCV row. Text fields are exact decimals (see core/decimal.h); open_time is
// ISO-8601 UTC with milliseconds (2026-11-25T00:00:00.000Z).
struct OhlcvRow {
  std::string_view exchange, symbol, timeframe, open_time;
  std::string_view open, high, low, close, volume, quote_volume;
  std::optional<std::int64_t> trade_count;
  bool is_closed = false;
};

// One gold ticker row: exact decimal text, empty where the exchange gives no value (NULL).
// ts is ISO-8601 UTC; ts_source says whether it is the exchange's time or the fetch time.
struct TickerRow {
  std::string_view exchange, symbol, ts, ts_source;
  std::string_view last, bid, bid_size, ask, ask_size, open, high, low;
  std::string_view base_volume, quote_volume, change_percent;
};

// One gold order-book level: side is "bid" or "ask", level 0 the best; sequence empty (NULL)
// where the exchange gives no update id.
struct BookLevelRow {
  std::string_view exchange, symbol, ts, ts_source, sequence, side, level, price, amount;
};

// One gold trade: exact decimal text; ts ISO-8601 UTC; side "buy" or "sell" (the taker's);
// sequence empty (NULL) where the venue does not number its trades one by one.
struct TradeRow {
  std::string_view exchange, symbol, trade_id, sequence, ts, price, amount, side;
};

struct LoadStats {
  std::int64_t rows_in = 0;
  std::int64_t inserted = 0;
  std::int64_t updated = 0;    // values changed, or an open candle replaced by its final one
  std::int64_t unchanged = 0;  // already there with the same values (re-runs)
};

// A row of the run-audit table: one per asset materialization (and partition).
struct RunRecord {
  std::string run_id, asset, partition, status;  // status: success | failed | skipped
  std::string started_at, finished_at;           // ISO-8601 UTC
  double seconds = 0;
  std::int64_t rows = 0, rejects = 0, gaps = 0, objects = 0;
  std::string error;
};

// Yield rows until they return false. A row's views stay valid until the next call.
using OhlcvRowSource = std::function<bool(OhlcvRow& row)>;
using TickerRowSource = std::function<bool(TickerRow& row)>;
using BookLevelRowSource = std::function<bool(BookLevelRow& row)>;
using TradeRowSource = std::function<bool(TradeRow& row)>;

// The gold layer. Two implementations (SQLite, the zero-setup default, and PostgreSQL) made
// by open_warehouse(). Not thread safe: one instance per thread.
class Warehouse {
 public:
  virtual ~Warehouse() = default;

  // The location without credentials, safe to print.
  virtual std::string describe() const = 0;

  // Applies the schema migrations not yet recorded in schema_migrations, each in its own
  // transaction. Safe to call on every run and from concurrent processes.
  virtual void migrate() = 0;
  virtual int schema_version() = 0;

  // Upserts every row in one transaction: all rows land or none do. The rows of one call are
  // one asset partition: open times within one UTC day. On conflict with an
  // existing (exchange, symbol, timeframe, open_time), a row replaces the stored one when its
  // values differ, except that a still-open candle never replaces a closed one.
  virtual LoadStats upsert_ohlcv(const OhlcvRowSource& rows) = 0;

  // Upserts tickers by (exchange, symbol, ts) in one transaction, replacing a row only when
  // its values differ.
  virtual LoadStats upsert_tickers(const TickerRowSource& rows) = 0;

  // Upserts order-book levels by (exchange, symbol, ts, side, level) in one transaction.
  virtual LoadStats upsert_book_levels(const BookLevelRowSource& rows) = 0;

  // Upserts trades by (exchange, symbol, trade_id) in one transaction, replacing a row only
  // when its values differ. The rows of one call are one UTC day's.
  virtual LoadStats upsert_trades(const TradeRowSource& rows) = 0;

  virtual void record_run(const RunRecord& record) = 0;
};

// sqlite:///abs/path.db, sqlite://relative/path.db, or postgresql://[user[:password]@][host]
// [:port][/dbname][?param=value...] (postgres:// too), which connects at once; what the URL
// leaves out comes from libpq's PG* variables and ~/.pgpass. Throws Error(kConfig) for other
// schemes and for a PostgreSQL server that cannot be reached or refuses the connection.
std::unique_ptr<Warehouse> open_warehouse(const std::string& url);

}  // namespace cryptopipe::warehouse
