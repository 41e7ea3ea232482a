#!/usr/bin/env bash
# `make bench`, trades: one day of public trades of two markets (the simulator trading every
# BENCH_TRADES_SPACING_MS, 100 by default: ~1.7 M trades) loaded from silver into PostgreSQL by
# load_trades_to_postgres, against psql \copy of the very same rows (CSV written by DuckDB from
# the silver Parquet) into the same table: rows per second, best of BENCH_PG_ROUNDS rounds.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/simulator.sh
source scripts/postgres.sh
build=${BUILD_DIR:-build}
work=$(mktemp -d)
trap 'stop_simulator; stop_postgres; rm -rf "$work"' EXIT
start_simulator "$build" "$work" --trade-spacing-ms "${BENCH_TRADES_SPACING_MS:-100}"
start_postgres
pg_psql postgres -c "CREATE DATABASE ours" -c "CREATE DATABASE theirs"

day=$(date -u -d yesterday +%F)
cat >"$work/cryptopipe.yaml" <<YAML
lake: file://$work/lake
warehouse: postgresql://cryptopipe@127.0.0.1:$PG_PORT/ours
log_level: warn
fetch_concurrency: 2
exchanges:
  binance:
    base_url: http://$SIM_ADDRESS/binance
    symbols: [BTC/USDT]
    timeframes: [1h]
    trade_symbols: [BTC/USDT, ETH/USDT]
YAML
columns="exchange, symbol, trade_id, ts, price, amount, side, sequence"

echo "== trades load into PostgreSQL ($(nproc) cores, $("$PG_BIN/postgres" --version))"
"$build/cryptopipe" --config "$work/cryptopipe.yaml" materialize --select +transform_trades \
  --partition "$day" >/dev/null
.cache/bin/duckdb -c "COPY (SELECT $columns FROM read_parquet('$work/lake/silver/trades/**/*.parquet'))
  TO '$work/rows.csv' (FORMAT csv, HEADER false)"
rows=$(wc -l <"$work/rows.csv")

load() {  # prints "peak_rss_mib seconds exit_code"
  python3 bench/peak_rss.py "$build/cryptopipe" --config "$work/cryptopipe.yaml" \
    materialize --select load_trades_to_postgres --partition "$day"
}
read -r _ _ _ < <(load)  # creates the schema, which the reference then gets as is
"$PG_BIN/pg_dump" -s "postgresql://cryptopipe@127.0.0.1:$PG_PORT/ours" | pg_psql theirs >/dev/null
echo "\\copy trades ($columns) FROM '$work/rows.csv' WITH (FORMAT csv)" >"$work/copy.sql"

best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
most() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'; }
ours="" theirs="" our_rss="" codes=""
for _ in $(seq 1 "${BENCH_PG_ROUNDS:-3}"); do
  for db in ours theirs; do pg_psql "$db" -c "TRUNCATE trades" -c "CHECKPOINT" >/dev/null; done
  read -r rss seconds code < <(load)
  ours=$(best "$ours" "$seconds"); our_rss=$(most "$our_rss" "$rss"); codes="$codes $code"
  read -r _ seconds code < <(python3 bench/peak_rss.py "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "postgresql://cryptopipe@127.0.0.1:$PG_PORT/theirs" -f "$work/copy.sql")
  theirs=$(best "$theirs" "$seconds"); codes="$codes $code"
done
loaded=$(pg_psql ours -Atc "SELECT count(*) FROM trades")
same=$(pg_psql theirs -Atc "SELECT count(*) FROM trades")
echo "rows: $rows silver trades; loaded: ours $loaded, psql $same; exit codes:$codes"
awk -v n="$loaded" -v o="$ours" -v t="$theirs" -v r="$our_rss" 'BEGIN {
  printf "  psql \\copy CSV (the reference):              %7.2f s  %9.0f rows/s\n", t, n / t;
  printf "  load_trades_to_postgres (ours):               %7.2f s  %9.0f rows/s\n", o, n / o;
  printf "  ratio ours/psql: %.2fx (target >= 1.00x) %s\n", t / o, (t / o >= 1.0 ? "PASS" : "MISS");
  printf "  peak RSS of the load: %.1f MiB; limit 100 MiB %s\n", r, (r < 100 ? "PASS" : "MISS") }'
