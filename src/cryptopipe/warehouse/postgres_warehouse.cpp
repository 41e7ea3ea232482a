#include "cryptopipe/warehouse/postgres_warehouse.h"

#include <charconv>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/warehouse/migrations.h"
#include "cryptopipe/warehouse/pg_pool.h"

namespace cryptopipe::warehouse {
namespace {

// A gold table as the loader sees it: the natural key, then the values a re-run may change.
// loaded_at is left to its default (the transaction's start time).
struct TableShape {
  std::string table;
  std::vector<std::string> keys;
  std::vector<std::string> values;
  std::string keep_when;  // rows of the table (alias t) that excluded rows never replace
};

const TableShape kOhlcv = {
    "ohlcv",
    {"exchange", "symbol", "timeframe", "open_time"},
    {"open", "high", "low", "close", "volume", "quote_volume", "trade_count", "is_closed"},
    "t.is_closed AND NOT excluded.is_closed"};
const TableShape kTickers = {
    "tickers",
    {"exchange", "symbol", "ts"},
    {"ts_source", "last", "bid", "bid_size", "ask", "ask_size", "open", "high", "low",
     "base_volume", "quote_volume", "change_percent"},
    ""};
const TableShape kTrades = {"trades",
                            {"exchange", "symbol", "trade_id"},
                            {"ts", "price", "amount", "side", "sequence"},
                            ""};
const TableShape kFunding = {"funding_rates",
                             {"exchange", "symbol", "funding_time"},
                             {"funding_rate", "mark_price"},
                             ""};
const TableShape kOpenInterest = {"open_interest",
                                  {"exchange", "symbol", "period", "ts"},
                                  {"open_interest", "open_interest_value"},
                                  ""};
const TableShape kBookLevels = {"orderbook_levels",
                                {"exchange", "symbol", "ts", "side", "level"},
                                {"price", "amount", "sequence", "ts_source"},
                                ""};

std::string joined(const std::vector<std::string>& names, const std::string& prefix = "") {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + prefix + name;
  return out;
}

std::string all_columns(const TableShape& shape) {
  return joined(shape.keys) + ", " + joined(shape.values);
}

std::string copy_sql(const TableShape& shape, const std::string& into) {
  return "COPY " + into + " (" + all_columns(shape) + ") FROM STDIN";
}

std::string staging_of(const TableShape& shape) { return shape.table + "_staging"; }

// Inserts new rows into target (the table, or for ohlcv the month's partition: RETURNING
// cannot read xmax through a partitioned table), updates those whose values changed (unless
// keep_when), leaves the rest untouched (no new row version: xmin stays), and counts the
// inserted and updated rows.
std::string merge_sql(const TableShape& shape, const std::string& target) {
  std::string set;
  for (const std::string& column : shape.values) {
    set += column + " = excluded." + column + ", ";
  }
  set += "loaded_at = excluded.loaded_at";
  std::string when = "(" + joined(shape.values, "t.") + ") IS DISTINCT FROM (" +
                     joined(shape.values, "excluded.") + ")";
  if (!shape.keep_when.empty()) when = "NOT (" + shape.keep_when + ") AND " + when;
  return "WITH merged AS (INSERT INTO " + target + " AS t (" + all_columns(shape) +
         ") SELECT " + all_columns(shape) + " FROM " + staging_of(shape) + " ON CONFLICT (" +
         joined(shape.keys) + ") DO UPDATE SET " + set + " WHERE " + when +
         " RETURNING t.xmax = 0 AS inserted) "
         "SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) "
         "FROM merged";
}

std::int64_t integer_value(const PGresult* result, int row, int column) {
  const char* text = PQgetvalue(result, row, column);
  std::int64_t value = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), value);
  return value;
}

// The UTC day of a row's ISO-8601 time (its first ten characters).
UtcDay day_of(std::string_view iso_time, std::string_view what) {
  try {
    return UtcDay::parse(iso_time.substr(0, 10));
  } catch (const Error&) {
    throw Error(ErrorKind::kBadPayload,
                "bad " + std::string(what) + " '" + std::string(iso_time) + "' in a row to load");
  }
}

// ohlcv_y2026m11 and its bounds ['2026-11-01', '2026-12-01') in UTC.
struct MonthPartition {
  std::string name, from, to;
};

MonthPartition month_of(const UtcDay& day) {
  const std::string text = day.to_string();
  const int year = std::stoi(text.substr(0, 4));
  const int month = std::stoi(text.substr(5, 2));
  const auto bound = [](int y, int m) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02d-01 00:00:00+00", y, m);
    return std::string(buffer);
  };
  char name[32];
  std::snprintf(name, sizeof name, "ohlcv_y%04dm%02d", year, month);
  return {name, bound(year, month), month == 12 ? bound(year + 1, 1) : bound(year, month + 1)};
}

// Holds a session-level advisory lock until destruction (or until the connection is gone,
// which releases it on the server too).
class SessionLock {
 public:
  SessionLock(pg::Connection& connection, std::string key_sql)
      : connection_(connection), key_sql_(std::move(key_sql)) {
    connection_.exec("SELECT pg_advisory_lock(" + key_sql_ + ")");
  }
  ~SessionLock() {
    if (!connection_.broken()) {
      PQclear(PQexec(connection_.get(), ("SELECT pg_advisory_unlock(" + key_sql_ + ")").c_str()));
    }
  }
  SessionLock(const SessionLock&) = delete;
  SessionLock& operator=(const SessionLock&) = delete;

 private:
  pg::Connection& connection_;
  std::string key_sql_;
};

void copy_ohlcv_row(pg::CopyIn& copy, const OhlcvRow& row) {
  copy.text(row.exchange);
  copy.text(row.symbol);
  copy.text(row.timeframe);
  copy.timestamptz(row.open_time);
  copy.numeric(row.open);
  copy.numeric(row.high);
  copy.numeric(row.low);
  copy.numeric(row.close);
  copy.numeric(row.volume);
  copy.optional_numeric(row.quote_volume);
  if (row.trade_count) {
    copy.int8(*row.trade_count);
  } else {
    copy.null();
  }
  copy.boolean(row.is_closed);
  copy.end_row();
}

// Inside a transaction: streams the rows into the table's staging copy, then merges them into
// target.
LoadStats stage_and_merge(pg::Connection& connection, const TableShape& shape,
                          const std::string& target,
                          const std::function<void(pg::CopyIn&)>& stream) {
  // Temporary: private to this session, not WAL-logged, emptied at every commit. Created in
  // the load's transaction, so a rolled-back load takes it along and the next one makes it anew.
  connection.exec("CREATE TEMP TABLE IF NOT EXISTS " + staging_of(shape) + " (LIKE " + shape.table +
                  " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
  LoadStats stats;
  {
    pg::CopyIn copy(connection, copy_sql(shape, staging_of(shape)));
    stream(copy);
    stats.rows_in = copy.finish();
  }
  const pg::Result merged = connection.exec(merge_sql(shape, target));
  stats.inserted = integer_value(merged.get(), 0, 0);
  stats.updated = integer_value(merged.get(), 0, 1);
  stats.unchanged = stats.rows_in - stats.inserted - stats.updated;
  return stats;
}

}  // namespace

PostgresWarehouse::PostgresWarehouse(const std::string& url)
    : url_(url), connection_(pg::ConnectionPool::take(url)) {}

PostgresWarehouse::~PostgresWarehouse() {
  pg::ConnectionPool::give_back(url_, std::move(connection_));
}

std::string PostgresWarehouse::describe() const { return connection_->describe(); }

int PostgresWarehouse::schema_version() {
  const pg::Result exists =
      connection_->exec("SELECT to_regclass('schema_migrations') IS NOT NULL");
  if (std::string_view(PQgetvalue(exists.get(), 0, 0)) != "t") return 0;
  const pg::Result version =
      connection_->exec("SELECT coalesce(max(version), 0) FROM schema_migrations");
  return static_cast<int>(integer_value(version.get(), 0, 0));
}

void PostgresWarehouse::migrate() {
  const auto& migrations = postgres_migrations();
  if (schema_version() == migrations.back().version) return;
  // Two processes starting on a fresh database at once: the second waits, then finds every
  // migration applied.
  const SessionLock lock(*connection_, "hashtext('cryptopipe migrations')");
  connection_->exec(R"sql(CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY, name text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()))sql");
  const int applied = schema_version();
  for (const Migration& migration : migrations) {
    if (migration.version <= applied) continue;
    pg::Transaction transaction(*connection_);
    connection_->exec(std::string(migration.sql));
    connection_->exec("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                      {std::to_string(migration.version), std::string(migration.name)});
    transaction.commit();
  }
}

std::string PostgresWarehouse::ensure_ohlcv_partition(const UtcDay& day) {
  const MonthPartition partition = month_of(day);
  if (known_partitions_.contains(partition.name)) return partition.name;
  const pg::Result exists =
      connection_->exec("SELECT to_regclass($1) IS NOT NULL", {partition.name});
  if (std::string_view(PQgetvalue(exists.get(), 0, 0)) != "t") {
    // Its own short transaction: creating a partition locks the parent table, which must not
    // be held for the length of a load.
    pg::Transaction transaction(*connection_);
    connection_->exec("SELECT pg_advisory_xact_lock(hashtext('cryptopipe ohlcv partitions'))");
    connection_->exec("CREATE TABLE IF NOT EXISTS " + partition.name + " PARTITION OF ohlcv " +
                      "FOR VALUES FROM ('" + partition.from + "') TO ('" + partition.to + "')");
    transaction.commit();
  }
  known_partitions_.insert(partition.name);
  return partition.name;
}

LoadStats PostgresWarehouse::in_locked_transaction(const std::string& lock_name,
                                                   const UtcDay& day,
                                                   const std::function<LoadStats()>& load) {
  pg::Transaction transaction(*connection_);
  connection_->exec("SELECT pg_advisory_xact_lock(hashtext($1), $2::int)",
                    {"cryptopipe " + lock_name, std::to_string(day.start_ms() / kMillisPerDay)});
  const LoadStats stats = load();
  transaction.commit();
  return stats;
}

LoadStats PostgresWarehouse::upsert_ohlcv(const OhlcvRowSource& rows) {
  OhlcvRow row;
  if (!rows(row)) return {};
  const UtcDay day = day_of(row.open_time, "open_time");
  const std::string day_text = day.to_string();
  const std::string partition = ensure_ohlcv_partition(day);
  const auto stream = [&](pg::CopyIn& copy) {
    do {
      if (row.open_time.substr(0, day_text.size()) != day_text) {
        throw Error(ErrorKind::kBadPayload, "ohlcv row of " + std::string(row.open_time) +
                                                " outside the day being loaded, " + day_text);
      }
      copy_ohlcv_row(copy, row);
    } while (rows(row));
  };
  return in_locked_transaction("ohlcv", day, [&] {
    const pg::Result empty = connection_->exec(
        "SELECT NOT EXISTS (SELECT 1 FROM ohlcv WHERE open_time >= $1 AND open_time < $2)",
        {format_iso8601(day.start_ms()), format_iso8601(day.end_ms())});
    if (std::string_view(PQgetvalue(empty.get(), 0, 0)) != "t") {
      return stage_and_merge(*connection_, kOhlcv, partition, stream);
    }
    LoadStats stats;
    pg::CopyIn copy(*connection_, copy_sql(kOhlcv, partition));
    stream(copy);
    stats.rows_in = stats.inserted = copy.finish();
    return stats;
  });
}

LoadStats PostgresWarehouse::upsert_tickers(const TickerRowSource& rows) {
  TickerRow row;
  if (!rows(row)) return {};
  return in_locked_transaction("tickers", day_of(row.ts, "ts"), [&] {
    return stage_and_merge(*connection_, kTickers, kTickers.table, [&](pg::CopyIn& copy) {
      do {
        copy.text(row.exchange);
        copy.text(row.symbol);
        copy.timestamptz(row.ts);
        copy.text(row.ts_source);
        copy.numeric(row.last);
        for (const std::string_view value : {row.bid, row.bid_size, row.ask, row.ask_size, row.open,
                                             row.high, row.low, row.base_volume, row.quote_volume,
                                             row.change_percent}) {
          copy.optional_numeric(value);
        }
        copy.end_row();
      } while (rows(row));
    });
  });
}

LoadStats PostgresWarehouse::upsert_book_levels(const BookLevelRowSource& rows) {
  BookLevelRow row;
  if (!rows(row)) return {};
  return in_locked_transaction("orderbook_levels", day_of(row.ts, "ts"), [&] {
    return stage_and_merge(*connection_, kBookLevels, kBookLevels.table, [&](pg::CopyIn& copy) {
      do {
        copy.text(row.exchange);
        copy.text(row.symbol);
        copy.timestamptz(row.ts);
        copy.text(row.side);
        copy.int4(row.level);
        copy.numeric(row.price);
        copy.numeric(row.amount);
        copy.optional_int8(row.sequence);
        copy.text(row.ts_source);
        copy.end_row();
      } while (rows(row));
    });
  });
}

LoadStats PostgresWarehouse::upsert_trades(const TradeRowSource& rows) {
  TradeRow row;
  if (!rows(row)) return {};
  const UtcDay day = day_of(row.ts, "ts");
  const std::string day_text = day.to_string();
  const auto stream = [&](pg::CopyIn& copy) {
    do {
      if (row.ts.substr(0, day_text.size()) != day_text) {
        throw Error(ErrorKind::kBadPayload, "trade at " + std::string(row.ts) +
                                                " outside the day being loaded, " + day_text);
      }
      copy.text(row.exchange);
      copy.text(row.symbol);
      copy.text(row.trade_id);
      copy.timestamptz(row.ts);
      copy.numeric(row.price);
      copy.numeric(row.amount);
      copy.text(row.side);
      copy.optional_int8(row.sequence);
      copy.end_row();
    } while (rows(row));
  };
  return in_locked_transaction("trades", day, [&] {
    // A day loaded for the first time (the common case, and every backfill) streams straight
    // into the table; a re-run merges through staging.
    const pg::Result empty = connection_->exec(
        "SELECT NOT EXISTS (SELECT 1 FROM trades WHERE ts >= $1 AND ts < $2)",
        {format_iso8601(day.start_ms()), format_iso8601(day.end_ms())});
    if (std::string_view(PQgetvalue(empty.get(), 0, 0)) != "t") {
      return stage_and_merge(*connection_, kTrades, kTrades.table, stream);
    }
    LoadStats stats;
    pg::CopyIn copy(*connection_, copy_sql(kTrades, kTrades.table));
    stream(copy);
    stats.rows_in = stats.inserted = copy.finish();
    return stats;
  });
}

LoadStats PostgresWarehouse::upsert_funding(const FundingRowSource& rows) {
  FundingRow row;
  if (!rows(row)) return {};
  return in_locked_transaction("funding_rates", day_of(row.funding_time, "funding_time"), [&] {
    return stage_and_merge(*connection_, kFunding, kFunding.table, [&](pg::CopyIn& copy) {
      do {
        copy.text(row.exchange);
        copy.text(row.symbol);
        copy.timestamptz(row.funding_time);
        copy.numeric(row.funding_rate);
        copy.optional_numeric(row.mark_price);
        copy.end_row();
      } while (rows(row));
    });
  });
}

LoadStats PostgresWarehouse::upsert_open_interest(const OpenInterestRowSource& rows) {
  OpenInterestRow row;
  if (!rows(row)) return {};
  return in_locked_transaction("open_interest", day_of(row.ts, "ts"), [&] {
    return stage_and_merge(*connection_, kOpenInterest, kOpenInterest.table, [&](pg::CopyIn& copy) {
      do {
        copy.text(row.exchange);
        copy.text(row.symbol);
        copy.text(row.period);
        copy.timestamptz(row.ts);
        copy.numeric(row.open_interest);
        copy.optional_numeric(row.open_interest_value);
        copy.end_row();
      } while (rows(row));
    });
  });
}

void PostgresWarehouse::record_run(const RunRecord& r) {
  static constexpr const char* kInsert = R"sql(
INSERT INTO run_audit (run_id, asset, partition_key, status, started_at, finished_at, seconds,
                       rows, rejects, gaps, objects, error)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
ON CONFLICT (run_id, asset, partition_key) DO UPDATE SET
  status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at,
  seconds = excluded.seconds, rows = excluded.rows, rejects = excluded.rejects,
  gaps = excluded.gaps, objects = excluded.objects, error = excluded.error)sql";
  const std::vector<std::optional<std::string>> params = {
      r.run_id, r.asset, r.partition, r.status, r.started_at, r.finished_at,
      std::to_string(r.seconds), std::to_string(r.rows), std::to_string(r.rejects),
      std::to_string(r.gaps), std::to_string(r.objects),
      r.error.empty() ? std::nullopt : std::optional<std::string>(r.error)};
  try {
    connection_->exec(kInsert, params);
  } catch (const Error&) {
    // The audit connection lives for the whole run: after a server restart it is gone, while
    // the server may be back. One reconnect, then the failure stands.
    if (!connection_->broken() || !connection_->reconnect()) throw;
    connection_->exec(kInsert, params);
  }
}

}  // namespace cryptopipe::warehouse
