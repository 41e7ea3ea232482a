#include "cryptopipe/warehouse/migrations.h"

namespace cryptopipe::warehouse {

const std::vector<Migration>& postgres_migrations() {
  // Decimals are numeric (exact, any scale: the digits loaded come back as loaded, which since
  // the Parquet silver is each value's shortest form); times are timestamptz. loaded_at defaults to the loading transaction's start.
  static const std::vector<Migration> kMigrations = {
      {1, "ohlcv and run audit", R"sql(
CREATE TABLE ohlcv (
  exchange     text        NOT NULL,
  symbol       text        NOT NULL,
  timeframe    text        NOT NULL,
  open_time    timestamptz NOT NULL,
  open         numeric     NOT NULL,
  high         numeric     NOT NULL,
  low          numeric     NOT NULL,
  close        numeric     NOT NULL,
  volume       numeric     NOT NULL,
  quote_volume numeric,
  trade_count  bigint,
  is_closed    boolean     NOT NULL,
  loaded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, timeframe, open_time)
) PARTITION BY RANGE (open_time);
-- A series over a time range uses the primary key; a time range across series (and symbol
-- plus time range across exchanges) uses this one.
CREATE INDEX ohlcv_open_time ON ohlcv (open_time);

CREATE TABLE run_audit (
  run_id        text             NOT NULL,
  asset         text             NOT NULL,
  partition_key text             NOT NULL,
  status        text             NOT NULL CHECK (status IN ('success', 'failed', 'skipped')),
  started_at    timestamptz      NOT NULL,
  finished_at   timestamptz      NOT NULL,
  seconds       double precision NOT NULL,
  rows          bigint           NOT NULL,
  rejects       bigint           NOT NULL,
  gaps          bigint           NOT NULL,
  objects       bigint           NOT NULL,
  error         text,
  PRIMARY KEY (run_id, asset, partition_key)
);
)sql"},
      {2, "tickers", R"sql(
CREATE TABLE tickers (
  exchange       text        NOT NULL,
  symbol         text        NOT NULL,
  ts             timestamptz NOT NULL,
  ts_source      text        NOT NULL CHECK (ts_source IN ('exchange', 'fetch')),
  last           numeric     NOT NULL,
  bid            numeric,
  bid_size       numeric,
  ask            numeric,
  ask_size       numeric,
  open           numeric,
  high           numeric,
  low            numeric,
  base_volume    numeric,
  quote_volume   numeric,
  change_percent numeric,
  loaded_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, ts)
);
)sql"},
      {3, "order book levels", R"sql(
CREATE TABLE orderbook_levels (
  exchange  text        NOT NULL,
  symbol    text        NOT NULL,
  ts        timestamptz NOT NULL,
  side      text        NOT NULL CHECK (side IN ('bid', 'ask')),
  level     integer     NOT NULL CHECK (level >= 0),
  price     numeric     NOT NULL,
  amount    numeric     NOT NULL,
  sequence  bigint,
  ts_source text        NOT NULL CHECK (ts_source IN ('exchange', 'fetch')),
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, ts, side, level)
);
)sql"},
      {4, "trades", R"sql(
CREATE TABLE trades (
  exchange  text        NOT NULL,
  symbol    text        NOT NULL,
  trade_id  text        NOT NULL,
  ts        timestamptz NOT NULL,
  price     numeric     NOT NULL CHECK (price > 0),
  amount    numeric     NOT NULL CHECK (amount > 0),
  side      text        NOT NULL CHECK (side IN ('buy', 'sell')),
  sequence  bigint,
  loaded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, trade_id)
);
-- A market over a time range, and whether a day is loaded at all (the loader's first question).
CREATE INDEX trades_ts ON trades (ts);
)sql"},
      {5, "perpetual funding and open interest", R"sql(
CREATE TABLE funding_rates (
  exchange     text        NOT NULL,
  symbol       text        NOT NULL,
  funding_time timestamptz NOT NULL,
  funding_rate numeric     NOT NULL,
  mark_price   numeric     CHECK (mark_price > 0),
  loaded_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, funding_time)
);
CREATE TABLE open_interest (
  exchange            text        NOT NULL,
  symbol              text        NOT NULL,
  period              text        NOT NULL,
  ts                  timestamptz NOT NULL,
  open_interest       numeric     NOT NULL CHECK (open_interest >= 0),
  open_interest_value numeric     CHECK (open_interest_value >= 0),
  loaded_at           timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (exchange, symbol, period, ts)
);
)sql"},
  };
  return kMigrations;
}

}  // namespace cryptopipe::warehouse
