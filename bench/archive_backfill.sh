#!/usr/bin/env bash
# `make bench`, archives: a year of 1m candles of 10 symbols (BENCH_ARCHIVE_DAYS days, 365 by
# default: 5.26 M candles) backfilled from Binance's daily kline archives (the simulator's
# /binance-data) into PostgreSQL by `cryptopipe materialize *load_ohlcv_to_postgres`, against
# `curl --parallel` of the very same zips + `unzip` + psql `\copy` into the same table (through
# a staging table: the archives' CSV is not the table's shape). Wall time of each, one after
# the other, and our peak RSS against 100 MiB.
#
# BENCH_ARCHIVE_PERIOD=monthly: the same for history older than Binance's daily files (the
# simulator serves no daily file of the range, only the months'): BENCH_ARCHIVE_DAYS/30 whole
# months ending with the month before last, each day read out of its month's zip, against curl
# of the month zips + unzip + \copy.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/simulator.sh
source scripts/postgres.sh
build=${BUILD_DIR:-build}
days=${BENCH_ARCHIVE_DAYS:-365}
work=$(mktemp -d)
trap 'stop_simulator; stop_postgres; rm -rf "$work"' EXIT
period=${BENCH_ARCHIVE_PERIOD:-daily}
if [ "$period" = monthly ]; then
  # Whole months, the last one the month before last: over and published, whatever today is.
  to=$(date -u -d "$(date -u +%Y-%m-01) - 1 month - 1 day" +%F)
  from=$(date -u -d "${to:0:7}-01 - $(( days / 30 > 0 ? days / 30 - 1 : 0 )) months" +%F)
  days=$(( ($(date -u -d "$to" +%s) - $(date -u -d "$from" +%s)) / 86400 + 1 ))
  no_daily_before=$(date -u -d "$to + 1 day" +%F)
else
  # Archives of a day are published the day after: the range ends three days ago.
  to=$(date -u -d "3 days ago" +%F)
  from=$(date -u -d "$to - $((days - 1)) days" +%F)
  no_daily_before=1970-01-01
fi
# Room for every zip of the range (about 60 KB a day).
start_simulator "$build" "$work" --archive-cache-mib 1024 \
  --binance-daily-archives-from "$no_daily_before"
start_postgres
pg_psql postgres -c "CREATE DATABASE ours" -c "CREATE DATABASE theirs"

symbols="BTC/USDT,ETH/USDT,BNB/USDT,SOL/USDT,XRP/USDT,ADA/USDT,DOGE/USDT,TRX/USDT,LTC/USDT,DOT/USDT"
cat >"$work/cryptopipe.yaml" <<YAML
lake: file://$work/lake
warehouse: postgresql://cryptopipe@127.0.0.1:$PG_PORT/ours
log_level: warn
fetch_concurrency: 8
exchanges:
  binance:
    base_url: http://$SIM_ADDRESS/binance
    archive_url: http://$SIM_ADDRESS/binance-data
    symbols: [$symbols]
    timeframes: [1m]
YAML

# Every zip of the range built once before anything is timed: the real site serves files built
# long ago, and neither side should wait on the simulator's CPU.
for day in $(seq 0 $((days - 1))); do
  date=$(date -u -d "$from + $day days" +%F)
  [ "$period" = monthly ] && { [ "${date:8:2}" = 01 ] || continue; date=${date:0:7}; }
  for market in $(echo "$symbols" | tr -d / | tr , ' '); do
    echo "url = \"http://$SIM_ADDRESS/binance-data/data/spot/$period/klines/$market/1m/$market-1m-$date.zip\""
    echo "output = /dev/null"
  done
done >"$work/warm.conf"
curl --silent --no-progress-meter --parallel --parallel-max 8 --config "$work/warm.conf"

echo "== archive backfill from $period files, $from to $to ($days days x 10 symbols x 1m), $(nproc) cores"
read -r our_rss our_seconds our_code < <(python3 bench/peak_rss.py "$build/cryptopipe" \
  --config "$work/cryptopipe.yaml" materialize --select '*load_ohlcv_to_postgres' \
  --from "$from" --to "$to")

# The reference: the zips our manifests name (a month's once), fetched again by curl, unzipped
# and copied.
python3 - "$work/lake" "$work/zips" "$work/curl.conf" <<'PY'
import json, pathlib, sys
lake, out, conf = (pathlib.Path(a) for a in sys.argv[1:4])
out.mkdir()
urls = set()
for manifest in sorted(lake.glob("bronze/binance/ohlcv/*/1m/dt=*/_extractions/*.json")):
    for page in json.loads(manifest.read_text())["pages"]:
        if page.get("source") == "archive":
            urls.add(page["url"])
with conf.open("w") as c:
    for url in sorted(urls):
        c.write(f'url = "{url}"\noutput = "{out}/{url.rsplit("/", 1)[1]}"\n')
PY
"$PG_BIN/pg_dump" -s "postgresql://cryptopipe@127.0.0.1:$PG_PORT/ours" | pg_psql theirs >/dev/null
cat >"$work/load.sql" <<SQL
CREATE UNLOGGED TABLE klines_csv (market text, open_time bigint, open numeric, high numeric,
  low numeric, close numeric, volume numeric, close_time bigint, quote_volume numeric,
  trades bigint, taker_base numeric, taker_quote numeric, ignored text);
\\copy klines_csv FROM PROGRAM 'for f in $work/zips/*.zip; do m=\$(basename \$f); unzip -p \$f | sed "s/^/\${m%%-*},/"; done' WITH (FORMAT csv)
INSERT INTO ohlcv (exchange, symbol, timeframe, open_time, open, high, low, close, volume,
                   quote_volume, trade_count, is_closed)
SELECT 'binance', regexp_replace(market, 'USDT\$', '/USDT'), '1m',
       to_timestamp(CASE WHEN open_time > 99999999999999 THEN open_time / 1000 ELSE open_time END / 1000.0),
       open, high, low, close, volume, quote_volume, trades, true
FROM klines_csv;
SQL
start=$(date +%s%N)
curl --silent --no-progress-meter --fail --parallel --parallel-max 8 --config "$work/curl.conf"
"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 "postgresql://cryptopipe@127.0.0.1:$PG_PORT/theirs" \
  -f "$work/load.sql"
end=$(date +%s%N)
their_seconds=$(awk -v s="$start" -v e="$end" 'BEGIN { print (e - s) / 1e9 }')

digest="SELECT count(*), md5(string_agg(concat_ws(',', symbol, open_time, trim_scale(open),
  trim_scale(high), trim_scale(low), trim_scale(close), trim_scale(volume),
  trim_scale(quote_volume), trade_count), ';' ORDER BY symbol, open_time)) FROM ohlcv"
ours=$(pg_psql ours -Atc "$digest")
theirs=$(pg_psql theirs -Atc "$digest")
archived=$(grep -c '^url' "$work/curl.conf")
echo "archives: $archived zips; gold: ours ${ours%%|*} candles, reference ${theirs%%|*};" \
  "same values: $([ "${ours#*|}" = "${theirs#*|}" ] && echo yes || echo NO); exit code $our_code"
awk -v o="$our_seconds" -v t="$their_seconds" -v r="$our_rss" -v n="${ours%%|*}" 'BEGIN {
  printf "  curl --parallel + unzip + psql \\copy (reference): %7.1f s  %9.0f candles/s\n", t, n / t;
  printf "  cryptopipe materialize (bronze, silver, gold):   %7.1f s  %9.0f candles/s\n", o, n / o;
  printf "  ratio ours/reference: %.2fx (target >= 1.00x) %s\n", t / o, (t / o >= 1.0 ? "PASS" : "MISS");
  printf "  peak RSS: %.1f MiB; limit 100 MiB %s\n", r, (r < 100 ? "PASS" : "MISS") }'
