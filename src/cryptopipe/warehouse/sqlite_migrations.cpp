#include "cryptopipe/warehouse/migrations.h"

namespace cryptopipe::warehouse {

const std::vector<Migration>& sqlite_migrations() {
  // Decimals are TEXT so that SQLite never rounds them through a double; times are ISO-8601
  // UTC text, which sorts in time order.
  static const std::vector<Migration> kMigrations = {
      {1, "ohlcv and run audit", R"sql(
CREATE TABLE ohlcv (
  exchange     TEXT    NOT NULL,
  symbol       TEXT    NOT NULL,
  timeframe    TEXT    NOT NULL,
  open_time    TEXT    NOT NULL,
  open         TEXT    NOT NULL,
  high         TEXT    NOT NULL,
  low          TEXT    NOT NULL,
  close        TEXT    NOT NULL,
  volume       TEXT    NOT NULL,
  quote_volume TEXT,
  trade_count  INTEGER,
  is_closed    INTEGER NOT NULL CHECK (is_closed IN (0, 1)),
  loaded_at    TEXT    NOT NULL,
  PRIMARY KEY (exchange, symbol, timeframe, open_time)
) WITHOUT ROWID;

CREATE TABLE run_audit (
  run_id      TEXT    NOT NULL,
  asset       TEXT    NOT NULL,
  partition_key TEXT  NOT NULL,
  status      TEXT    NOT NULL CHECK (status IN ('success', 'failed', 'skipped')),
  started_at  TEXT    NOT NULL,
  finished_at TEXT    NOT NULL,
  seconds     REAL    NOT NULL,
  rows        INTEGER NOT NULL,
  rejects     INTEGER NOT NULL,
  gaps        INTEGER NOT NULL,
  objects     INTEGER NOT NULL,
  error       TEXT,
  PRIMARY KEY (run_id, asset, partition_key)
);
)sql"},
      {2, "tickers", R"sql(
CREATE TABLE tickers (
  exchange       TEXT NOT NULL,
  symbol         TEXT NOT NULL,
  ts             TEXT NOT NULL,
  ts_source      TEXT NOT NULL CHECK (ts_source IN ('exchange', 'fetch')),
  last           TEXT NOT NULL,
  bid            TEXT,
  bid_size       TEXT,
  ask            TEXT,
  ask_size       TEXT,
  open           TEXT,
  high           TEXT,
  low            TEXT,
  base_volume    TEXT,
  quote_volume   TEXT,
  change_percent TEXT,
  loaded_at      TEXT NOT NULL,
  PRIMARY KEY (exchange, symbol, ts)
) WITHOUT ROWID;
)sql"},
      {3, "order book levels", R"sql(
CREATE TABLE orderbook_levels (
  exchange  TEXT    NOT NULL,
  symbol    TEXT    NOT NULL,
  ts        TEXT    NOT NULL,
  side      TEXT    NOT NULL CHECK (side IN ('bid', 'ask')),
  level     INTEGER NOT NULL CHECK (level >= 0),
  price     TEXT    NOT NULL,
  amount    TEXT    NOT NULL,
  sequence  INTEGER,
  ts_source TEXT    NOT NULL CHECK (ts_source IN ('exchange', 'fetch')),
  loaded_at TEXT    NOT NULL,
  PRIMARY KEY (exchange, symbol, ts, side, level)
) WITHOUT ROWID;
)sql"},
      {4, "trades", R"sql(
CREATE TABLE trades (
  exchange  TEXT    NOT NULL,
  symbol    TEXT    NOT NULL,
  trade_id  TEXT    NOT NULL,
  ts        TEXT    NOT NULL,
  price     TEXT    NOT NULL,
  amount    TEXT    NOT NULL,
  side      TEXT    NOT NULL CHECK (side IN ('buy', 'sell')),
  sequence  INTEGER,
  loaded_at TEXT    NOT NULL,
  PRIMARY KEY (exchange, symbol, trade_id)
) WITHOUT ROWID;
CREATE INDEX trades_ts ON trades (ts);
)sql"},
      {5, "perpetual funding and open interest", R"sql(
CREATE TABLE funding_rates (
  exchange     TEXT NOT NULL,
  symbol       TEXT NOT NULL,
  funding_time TEXT NOT NULL,
  funding_rate TEXT NOT NULL,
  mark_price   TEXT,
  loaded_at    TEXT NOT NULL,
  PRIMARY KEY (exchange, symbol, funding_time)
) WITHOUT ROWID;
CREATE TABLE open_interest (
  exchange            TEXT NOT NULL,
  symbol              TEXT NOT NULL,
  period              TEXT NOT NULL,
  ts                  TEXT NOT NULL,
  open_interest       TEXT NOT NULL,
  open_interest_value TEXT,
  loaded_at           TEXT NOT NULL,
  PRIMARY KEY (exchange, symbol, period, ts)
) WITHOUT ROWID;
)sql"},
  };
  return kMigrations;
}

}  // namespace cryptopipe::warehouse
