#include "cryptopipe/warehouse/sqlite_warehouse.h"

#include <charconv>
#include <chrono>
#include <string>
#include <thread>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/warehouse/migrations.h"

namespace cryptopipe::warehouse {
namespace {

constexpr int kBusyTimeoutMs = 60'000;

Error sqlite_error(sqlite3* db, const std::string& what) {
  return Error(ErrorKind::kStorage, "sqlite: " + what + ": " + sqlite3_errmsg(db));
}

// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) {
      throw sqlite_error(db, std::string("cannot prepare ") + sql);
    }
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text) {
    check(sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()),
                            SQLITE_TRANSIENT));
    return *this;
  }
  Statement& bind_optional_text(int index, std::string_view text) {
    return text.empty() ? bind_null(index) : bind(index, text);
  }
  Statement& bind(int index, std::int64_t value) {
    check(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Statement& bind(int index, double value) {
    check(sqlite3_bind_double(stmt_, index, value));
    return *this;
  }
  Statement& bind_null(int index) {
    check(sqlite3_bind_null(stmt_, index));
    return *this;
  }
  // True while a row is available.
  bool step() {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    throw sqlite_error(db_, "statement failed");
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t column_int(int index) { return sqlite3_column_int64(stmt_, index); }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) throw sqlite_error(db_, "cannot bind a parameter");
  }
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// Rolls back unless committed: an exception mid-load leaves the warehouse as it was.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) { run("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit() {
    run("COMMIT");
    done_ = true;
  }

 private:
  void run(const char* sql) {
    if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
      throw sqlite_error(db_, sql);
    }
  }
  sqlite3* db_;
  bool done_ = false;
};

std::int64_t parse_integer(std::string_view text, std::string_view column) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw Error(ErrorKind::kBadPayload, "bad " + std::string(column) + " '" + std::string(text) +
                                            "' in a row to load");
  }
  return value;
}

void count_change(LoadStats& stats, bool existed, bool changed) {
  if (!existed) {
    ++stats.inserted;
  } else if (changed) {
    ++stats.updated;
  } else {
    ++stats.unchanged;
  }
}

constexpr const char* kUpsertOhlcv = R"sql(
INSERT INTO ohlcv (exchange, symbol, timeframe, open_time, open, high, low, close, volume,
                   quote_volume, trade_count, is_closed, loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
ON CONFLICT (exchange, symbol, timeframe, open_time) DO UPDATE SET
  open = excluded.open, high = excluded.high, low = excluded.low, close = excluded.close,
  volume = excluded.volume, quote_volume = excluded.quote_volume,
  trade_count = excluded.trade_count, is_closed = excluded.is_closed,
  loaded_at = excluded.loaded_at
WHERE NOT (ohlcv.is_closed = 1 AND excluded.is_closed = 0)
  AND (ohlcv.open IS NOT excluded.open OR ohlcv.high IS NOT excluded.high
       OR ohlcv.low IS NOT excluded.low OR ohlcv.close IS NOT excluded.close
       OR ohlcv.volume IS NOT excluded.volume OR ohlcv.quote_volume IS NOT excluded.quote_volume
       OR ohlcv.trade_count IS NOT excluded.trade_count
       OR ohlcv.is_closed IS NOT excluded.is_closed)
)sql";

constexpr const char* kOhlcvExists = R"sql(
SELECT 1 FROM ohlcv WHERE exchange = ?1 AND symbol = ?2 AND timeframe = ?3 AND open_time = ?4
)sql";

}  // namespace

SqliteWarehouse::SqliteWarehouse(std::filesystem::path path)
    : path_(std::filesystem::absolute(std::move(path)).lexically_normal()) {
  std::error_code ignored;
  if (path_.has_parent_path()) std::filesystem::create_directories(path_.parent_path(), ignored);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path_.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                                 nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) {
    throw Error(ErrorKind::kStorage, "cannot open the SQLite warehouse " + path_.string() + ": " +
                                         (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
  }
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  enable_wal();
  exec("PRAGMA synchronous = NORMAL");
  exec("PRAGMA foreign_keys = ON");
}

std::string SqliteWarehouse::describe() const { return "sqlite://" + path_.string(); }

void SqliteWarehouse::enable_wal() {
  // Switching a new database to WAL needs an exclusive lock and SQLite does not always call the
  // busy handler for it, so processes opening the same fresh file at once retry here.
  constexpr auto kRetryPause = std::chrono::milliseconds(10);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    const int rc = sqlite3_exec(db_.get(), "PRAGMA journal_mode = WAL", nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) || std::chrono::steady_clock::now() > deadline) {
      throw sqlite_error(db_.get(), "PRAGMA journal_mode = WAL");
    }
    std::this_thread::sleep_for(kRetryPause);
  }
}

void SqliteWarehouse::exec(const char* sql) {
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    throw sqlite_error(db_.get(), sql);
  }
}

int SqliteWarehouse::schema_version() {
  Statement query(db_.get(), "SELECT coalesce(max(version), 0) FROM schema_migrations");
  query.step();
  return static_cast<int>(query.column_int(0));
}

void SqliteWarehouse::migrate() {
  exec(R"sql(CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL))sql");
  for (const Migration& migration : sqlite_migrations()) {
    Transaction transaction(db_.get());
    Statement applied(db_.get(), "SELECT 1 FROM schema_migrations WHERE version = ?1");
    applied.bind(1, std::int64_t{migration.version});
    if (applied.step()) continue;  // the transaction rolls back: nothing was written
    exec(std::string(migration.sql).c_str());
    Statement record(db_.get(),
                     "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)");
    record.bind(1, std::int64_t{migration.version})
        .bind(2, migration.name)
        .bind(3, format_iso8601(SystemClock().now_ms()));
    record.step();
    transaction.commit();
  }
}

LoadStats SqliteWarehouse::upsert_ohlcv(const OhlcvRowSource& rows) {
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kOhlcvExists);
  Statement upsert(db_.get(), kUpsertOhlcv);
  OhlcvRow row;
  while (rows(row)) {
    ++stats.rows_in;
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.timeframe).bind(4, row.open_time);
    const bool existed = exists.step();
    exists.reset();

    upsert.bind(1, row.exchange)
        .bind(2, row.symbol)
        .bind(3, row.timeframe)
        .bind(4, row.open_time)
        .bind(5, row.open)
        .bind(6, row.high)
        .bind(7, row.low)
        .bind(8, row.close)
        .bind(9, row.volume)
        .bind_optional_text(10, row.quote_volume)
        .bind(12, std::int64_t{row.is_closed ? 1 : 0})
        .bind(13, loaded_at);
    if (row.trade_count) {
      upsert.bind(11, *row.trade_count);
    } else {
      upsert.bind_null(11);
    }
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

LoadStats SqliteWarehouse::upsert_tickers(const TickerRowSource& rows) {
  static constexpr const char* kUpsert = R"sql(
INSERT INTO tickers (exchange, symbol, ts, ts_source, last, bid, bid_size, ask, ask_size, open,
                     high, low, base_volume, quote_volume, change_percent, loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
ON CONFLICT (exchange, symbol, ts) DO UPDATE SET
  ts_source = excluded.ts_source, last = excluded.last, bid = excluded.bid,
  bid_size = excluded.bid_size, ask = excluded.ask, ask_size = excluded.ask_size,
  open = excluded.open, high = excluded.high, low = excluded.low,
  base_volume = excluded.base_volume, quote_volume = excluded.quote_volume,
  change_percent = excluded.change_percent, loaded_at = excluded.loaded_at
WHERE tickers.ts_source IS NOT excluded.ts_source OR tickers.last IS NOT excluded.last
   OR tickers.bid IS NOT excluded.bid OR tickers.bid_size IS NOT excluded.bid_size
   OR tickers.ask IS NOT excluded.ask OR tickers.ask_size IS NOT excluded.ask_size
   OR tickers.open IS NOT excluded.open OR tickers.high IS NOT excluded.high
   OR tickers.low IS NOT excluded.low OR tickers.base_volume IS NOT excluded.base_volume
   OR tickers.quote_volume IS NOT excluded.quote_volume
   OR tickers.change_percent IS NOT excluded.change_percent
)sql";
  static constexpr const char* kExists =
      "SELECT 1 FROM tickers WHERE exchange = ?1 AND symbol = ?2 AND ts = ?3";
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kExists);
  Statement upsert(db_.get(), kUpsert);
  TickerRow row;
  while (rows(row)) {
    ++stats.rows_in;
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.ts);
    const bool existed = exists.step();
    exists.reset();
    upsert.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.ts).bind(4, row.ts_source)
        .bind(5, row.last);
    int index = 6;
    for (const std::string_view value : {row.bid, row.bid_size, row.ask, row.ask_size, row.open,
                                         row.high, row.low, row.base_volume, row.quote_volume,
                                         row.change_percent}) {
      upsert.bind_optional_text(index++, value);
    }
    upsert.bind(16, loaded_at);
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

LoadStats SqliteWarehouse::upsert_book_levels(const BookLevelRowSource& rows) {
  static constexpr const char* kUpsert = R"sql(
INSERT INTO orderbook_levels (exchange, symbol, ts, side, level, price, amount, sequence,
                              ts_source, loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
ON CONFLICT (exchange, symbol, ts, side, level) DO UPDATE SET
  price = excluded.price, amount = excluded.amount, sequence = excluded.sequence,
  ts_source = excluded.ts_source, loaded_at = excluded.loaded_at
WHERE orderbook_levels.price IS NOT excluded.price OR orderbook_levels.amount IS NOT excluded.amount
   OR orderbook_levels.sequence IS NOT excluded.sequence
   OR orderbook_levels.ts_source IS NOT excluded.ts_source
)sql";
  static constexpr const char* kExists =
      "SELECT 1 FROM orderbook_levels WHERE exchange = ?1 AND symbol = ?2 AND ts = ?3 AND "
      "side = ?4 AND level = ?5";
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kExists);
  Statement upsert(db_.get(), kUpsert);
  BookLevelRow row;
  while (rows(row)) {
    ++stats.rows_in;
    const std::int64_t level = parse_integer(row.level, "level");
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.ts).bind(4, row.side)
        .bind(5, level);
    const bool existed = exists.step();
    exists.reset();
    upsert.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.ts).bind(4, row.side)
        .bind(5, level).bind(6, row.price).bind(7, row.amount).bind(9, row.ts_source)
        .bind(10, loaded_at);
    if (row.sequence.empty()) {
      upsert.bind_null(8);
    } else {
      upsert.bind(8, parse_integer(row.sequence, "sequence"));
    }
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

LoadStats SqliteWarehouse::upsert_trades(const TradeRowSource& rows) {
  static constexpr const char* kUpsert = R"sql(
INSERT INTO trades (exchange, symbol, trade_id, ts, price, amount, side, sequence, loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
ON CONFLICT (exchange, symbol, trade_id) DO UPDATE SET
  ts = excluded.ts, price = excluded.price, amount = excluded.amount, side = excluded.side,
  sequence = excluded.sequence, loaded_at = excluded.loaded_at
WHERE trades.ts IS NOT excluded.ts OR trades.price IS NOT excluded.price
   OR trades.amount IS NOT excluded.amount OR trades.side IS NOT excluded.side
   OR trades.sequence IS NOT excluded.sequence
)sql";
  static constexpr const char* kExists =
      "SELECT 1 FROM trades WHERE exchange = ?1 AND symbol = ?2 AND trade_id = ?3";
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kExists);
  Statement upsert(db_.get(), kUpsert);
  TradeRow row;
  while (rows(row)) {
    ++stats.rows_in;
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.trade_id);
    const bool existed = exists.step();
    exists.reset();
    upsert.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.trade_id).bind(4, row.ts)
        .bind(5, row.price).bind(6, row.amount).bind(7, row.side).bind(9, loaded_at);
    if (row.sequence.empty()) {
      upsert.bind_null(8);
    } else {
      upsert.bind(8, parse_integer(row.sequence, "sequence"));
    }
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

LoadStats SqliteWarehouse::upsert_funding(const FundingRowSource& rows) {
  static constexpr const char* kUpsert = R"sql(
INSERT INTO funding_rates (exchange, symbol, funding_time, funding_rate, mark_price, loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
ON CONFLICT (exchange, symbol, funding_time) DO UPDATE SET
  funding_rate = excluded.funding_rate, mark_price = excluded.mark_price,
  loaded_at = excluded.loaded_at
WHERE funding_rates.funding_rate IS NOT excluded.funding_rate
   OR funding_rates.mark_price IS NOT excluded.mark_price
)sql";
  static constexpr const char* kExists =
      "SELECT 1 FROM funding_rates WHERE exchange = ?1 AND symbol = ?2 AND funding_time = ?3";
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kExists);
  Statement upsert(db_.get(), kUpsert);
  FundingRow row;
  while (rows(row)) {
    ++stats.rows_in;
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.funding_time);
    const bool existed = exists.step();
    exists.reset();
    upsert.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.funding_time)
        .bind(4, row.funding_rate).bind_optional_text(5, row.mark_price).bind(6, loaded_at);
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

LoadStats SqliteWarehouse::upsert_open_interest(const OpenInterestRowSource& rows) {
  static constexpr const char* kUpsert = R"sql(
INSERT INTO open_interest (exchange, symbol, period, ts, open_interest, open_interest_value,
                           loaded_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (exchange, symbol, period, ts) DO UPDATE SET
  open_interest = excluded.open_interest, open_interest_value = excluded.open_interest_value,
  loaded_at = excluded.loaded_at
WHERE open_interest.open_interest IS NOT excluded.open_interest
   OR open_interest.open_interest_value IS NOT excluded.open_interest_value
)sql";
  static constexpr const char* kExists =
      "SELECT 1 FROM open_interest WHERE exchange = ?1 AND symbol = ?2 AND period = ?3 AND ts = ?4";
  LoadStats stats;
  const std::string loaded_at = format_iso8601(SystemClock().now_ms());
  Transaction transaction(db_.get());
  Statement exists(db_.get(), kExists);
  Statement upsert(db_.get(), kUpsert);
  OpenInterestRow row;
  while (rows(row)) {
    ++stats.rows_in;
    exists.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.period).bind(4, row.ts);
    const bool existed = exists.step();
    exists.reset();
    upsert.bind(1, row.exchange).bind(2, row.symbol).bind(3, row.period).bind(4, row.ts)
        .bind(5, row.open_interest).bind_optional_text(6, row.open_interest_value)
        .bind(7, loaded_at);
    upsert.step();
    upsert.reset();
    count_change(stats, existed, sqlite3_changes(db_.get()) > 0);
  }
  transaction.commit();
  return stats;
}

void SqliteWarehouse::record_run(const RunRecord& r) {
  Statement insert(db_.get(), R"sql(
INSERT OR REPLACE INTO run_audit (run_id, asset, partition_key, status, started_at, finished_at,
                                  seconds, rows, rejects, gaps, objects, error)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12))sql");
  insert.bind(1, r.run_id)
      .bind(2, r.asset)
      .bind(3, r.partition)
      .bind(4, r.status)
      .bind(5, r.started_at)
      .bind(6, r.finished_at)
      .bind(7, r.seconds)
      .bind(8, r.rows)
      .bind(9, r.rejects)
      .bind(10, r.gaps)
      .bind(11, r.objects)
      .bind_optional_text(12, r.error);
  insert.step();
}

}  // namespace cryptopipe::warehouse
