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

// One gold funding event: exact decimal text; mark_price empty (NULL) where the venue gives none.
struct FundingRow {
  std::string_view exchange, symbol, funding_time, funding_rate, mark_price;
};

// One gold open-interest sample: open_interest in base units, open_interest_value in the quote
// currency, empty (NULL) where the venue gives none; period the sampling period ("5m").
struct OpenInterestRow {
  std::string_view exchange, symbol, period, ts, open_interest, open_interest_value;
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
using FundingRowSource = std::function<bool(FundingRow& row)>;
using OpenInterestRowSource = std::function<bool(OpenInterestRow& row)>;

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

  // Upsert funding events by (exchange, symbol, funding_time) and open-interest samples by
  // (exchange, symbol, period, ts), each call in one transaction, replacing a row only when
  // its values differ. The rows of one call are one UTC day's.
  virtual LoadStats upsert_funding(const FundingRowSource& rows) = 0;
  virtual LoadStats upsert_open_interest(const OpenInterestRowSource& rows) = 0;

  virtual void record_run(const RunRecord& record) = 0;
};

// sqlite:///abs/path.db, sqlite://relative/path.db, or postgresql://[user[:password]@][host]
// [:port][/dbname][?param=value...] (postgres:// too), which connects at once; what the URL
// leaves out comes from libpq's PG* variables and ~/.pgpass. Throws Error(kConfig) for other
// schemes and for a PostgreSQL server that cannot be reached or refuses the connection.
std::unique_ptr<Warehouse> open_warehouse(const std::string& url);

}  // namespace cryptopipe::warehouse
