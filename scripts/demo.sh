#!/usr/bin/env bash
# The offline demo: starts the exchange simulator on a free port, materializes every asset
# (yesterday's candles, a tickers snapshot now) on the embedded defaults (lake ./data/lake, warehouse
# ./data/warehouse.db), shows where the data went and a few warehouse rows, stops the simulator.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/simulator.sh
build=${BUILD_DIR:-build}
work=$(mktemp -d)
trap 'stop_simulator; rm -rf "$work"' EXIT

start_simulator "$build" "$work"
address=$SIM_ADDRESS
echo "exchange simulator listening on $address (standing in for api.binance.com)"

day=$(date -u -d yesterday +%F)
export CRYPTOPIPE_BINANCE_URL="http://$address/binance"
echo "materializing every asset for $day ..."
echo
"$build/cryptopipe" --log-format text materialize --select '*' --partition "$day"

echo
echo "bronze objects (raw responses, byte for byte):"
find data/lake/bronze -path "*dt=$day*" -name '*.json' -not -path '*/_extractions/*' | sort | head -n 6 | sed 's/^/  /'
echo "silver tables (Parquet):"
find data/lake/silver -path "*dt=$day*" -type f | sort | grep -v _rejects | sed 's/^/  /'
echo
echo "silver read by DuckDB (.cache/bin/duckdb), as any Parquet reader would:"
.cache/bin/duckdb -c "SELECT exchange, symbol, timeframe, count(*) AS candles, min(low) AS low,
    max(high) AS high, sum(volume) AS volume
  FROM read_parquet('data/lake/silver/ohlcv/**/*.parquet', hive_partitioning = true)
  WHERE dt = '$day' GROUP BY ALL ORDER BY ALL"
echo
echo "a few rows of the warehouse table ohlcv (data/warehouse.db):"
sqlite3 -header -column data/warehouse.db \
  "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, is_closed
     FROM ohlcv WHERE open_time >= '$day' AND open_time < '$day~'
     ORDER BY symbol, timeframe DESC, open_time LIMIT 6"
echo
echo "the newest 24 h tickers (table tickers):"
sqlite3 -header -column data/warehouse.db \
  "SELECT exchange, symbol, ts, last, bid, ask, change_percent FROM tickers
     ORDER BY ts DESC, symbol LIMIT 2"
echo
sqlite3 data/warehouse.db \
  "SELECT '  ' || symbol || ' ' || timeframe || ': ' || count(*) || ' candles'
     FROM ohlcv WHERE open_time >= '$day' AND open_time < '$day~' GROUP BY symbol, timeframe"
