#!/usr/bin/env bash
# `make bench`: the performance targets, each measured beside its reference in one run.
#   1. peak RSS of a 30-day x 1m x 10-symbol materialization (432,000 candles) vs the 100 MiB limit
#   2. transform_ohlcv throughput vs a plain simdjson parse of the same bronze files (>= 0.5x)
#   3. extract_binance_ohlcv of the same 432,000 candles vs curl --parallel fetching the very
#      same URLs into files (>= 0.7x)
#   4. PostgreSQL loads of ~1,000,000 candles vs psql (bench/postgres_load.sh)
#   5. one OHLCV partition through Dagster (materialize(), Pipes) vs cryptopipe materialize alone
#   6. 2,000 objects of 100 KiB uploaded to an S3 server (SeaweedFS on loopback) by the S3 lake
#      vs `aws s3 cp --recursive` of the same files to the same server (>= 1.0x)
#   7. the same candles extracted from 4 venues at once vs curl --parallel over the same URLs
#      (>= 0.8x, bench/venues_extract.sh)
#   8. a day of public trades loaded into PostgreSQL vs psql \copy of the same rows (>= 1.0x,
#      bench/trades_load.sh)
#   9. a year of 1m candles of 10 symbols backfilled from Binance's daily archives vs curl
#      --parallel + unzip + psql \copy of the same zips (>= 1.0x, bench/archive_backfill.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/simulator.sh
source scripts/s3-server.sh
source bench/venues_extract.sh
build=${BUILD_DIR:-build}
days=${BENCH_DAYS:-30}
symbols="BTC/USDT,ETH/USDT,BNB/USDT,SOL/USDT,XRP/USDT,ADA/USDT,DOGE/USDT,TRX/USDT,LTC/USDT,DOT/USDT"
work=$(mktemp -d)
trap 'stop_simulator; stop_s3_server; rm -rf "$work"' EXIT
start_simulator "$build" "$work"
address=$SIM_ADDRESS

from=$(date -u -d "$days days ago" +%F)
to=$(date -u -d yesterday +%F)
cat >"$work/cryptopipe.yaml" <<YAML
lake: file://$work/lake
warehouse: sqlite://$work/warehouse.db
log_level: warn
exchanges:
  binance:
    base_url: http://$address/binance
    symbols: [${symbols//,/, }]
    timeframes: [1m]
YAML

echo "== cryptopipe bench ($(nproc) cores, $(date -u +%FT%TZ))"
read -r rss seconds code < <(python3 bench/peak_rss.py "$build/cryptopipe" --config "$work/cryptopipe.yaml" \
  materialize --select '*' --from "$from" --to "$to")
candles=$(sqlite3 "$work/warehouse.db" "SELECT count(*) FROM ohlcv")
echo "materialize * for $days days x 10 symbols x 1m ($from..$to): exit $code, $candles candles, ${seconds} s"
awk -v rss="$rss" -v c="$candles" -v s="$seconds" 'BEGIN {
  printf "  peak RSS: %.1f MiB; limit 100 MiB: ratio %.2f of the limit %s\n", rss, rss / 100, (rss < 100 ? "PASS" : "MISS");
  printf "  end to end: %.0f candles/s (extract from the simulator, transform, load into SQLite)\n", c / s }'

"$build/bench/transform_throughput" --lake "$work/lake" --symbols "$symbols" --timeframes 1m \
  --from "$from" --to "$to" --repeat "${BENCH_REPEAT:-5}"

# 3. Extraction alone into a fresh lake, then curl replaying exactly the URLs it fetched.
sed -e "s|$work/lake|$work/lake2|" -e "s|$work/warehouse.db|$work/warehouse2.db|" \
  "$work/cryptopipe.yaml" >"$work/extract.yaml"
echo "fetch_concurrency: ${BENCH_FETCH_CONCURRENCY:-8}" >>"$work/extract.yaml"
start=$(date +%s%N)
"$build/cryptopipe" --config "$work/extract.yaml" materialize --select extract_binance_ohlcv \
  --from "$from" --to "$to" >/dev/null
ours=$(( $(date +%s%N) - start ))
mkdir -p "$work/curl"
requests=$(python3 bench/curl_config.py "$work/lake2" "$work/curl" "$work/curl.conf")
start=$(date +%s%N)
# As many connections as cryptopipe uses (the simulator serves 8 at a time, and extra idle
# keep-alive connections would only queue behind them), asking for gzip as cryptopipe does.
curl --silent --no-progress-meter --fail --compressed --parallel --parallel-max "${BENCH_CURL_PARALLEL:-8}" \
  --config "$work/curl.conf"
theirs=$(( $(date +%s%N) - start ))
awk -v ours="$((ours / 1000000))e-3" -v theirs="$((theirs / 1000000))e-3" -v c="$candles" -v r="$requests" 'BEGIN {
  printf "extraction of %d candles (%d requests) from the simulator, rate limits not binding\n", c, r;
  printf "  curl --parallel, same URLs into files (the limit): %7.2f s  %10.0f candles/s\n", theirs, c / theirs;
  printf "  extract_binance_ohlcv (ours, bronze + manifests): %7.2f s  %10.0f candles/s\n", ours, c / ours;
  printf "  ratio ours/curl: %.2fx (target >= 0.70x) %s\n", theirs / ours, (theirs / ours >= 0.7 ? "PASS" : "MISS") }'
venues_extract "$work"
./bench/postgres_load.sh
./bench/trades_load.sh
./bench/archive_backfill.sh

# 5. The cost Dagster adds to one OHLCV partition, beside the engine alone.
# Dagster's own log lines go to a file; shown only when the benchmark fails.
.venv/bin/python bench/dagster_overhead.py "$PWD/$build/cryptopipe" "$address" "$work/dagster" \
  "${BENCH_DAGSTER_ROUNDS:-3}" 2>"$work/dagster_overhead.log" || { cat "$work/dagster_overhead.log" >&2; exit 1; }

# 6. Uploads to S3: the same 2,000 files of 100 KiB (a typical bronze page), the same server,
# each client to its own prefix; both with 10 requests in flight (the AWS CLI's default).
objects=${BENCH_S3_OBJECTS:-2000}
start_s3_server "$work"
mkdir -p "$work/s3-files"
python3 - "$work/s3-files" "$objects" <<'PY'
import os, sys
for i in range(int(sys.argv[2])):
    with open(os.path.join(sys.argv[1], f"page-{i:05d}.json"), "wb") as f:
        f.write(os.urandom(100 * 1024))
PY
read -r uploaded ours < <("$build/bench/s3_upload" --from "$work/s3-files" --concurrency 10 \
  --lake s3://bench-lake/cryptopipe)
start=$(date +%s%N)
AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
  /usr/bin/aws --endpoint-url "$S3_ENDPOINT" s3 cp --recursive --only-show-errors \
  "$work/s3-files" s3://bench-lake/awscli/
theirs=$(( $(date +%s%N) - start ))
stop_s3_server
awk -v ours="$ours" -v theirs="$((theirs / 1000000))e-3" -v n="$uploaded" 'BEGIN {
  printf "upload of %d objects of 100 KiB to SeaweedFS on loopback, 10 in flight\n", n;
  printf "  aws s3 cp --recursive (the reference):        %7.2f s  %8.0f objects/s\n", theirs, n / theirs;
  printf "  S3 lake (ours: checksummed, If-None-Match):  %7.2f s  %8.0f objects/s\n", ours, n / ours;
  printf "  ratio ours/aws: %.2fx (target >= 1.00x) %s\n", theirs / ours, (theirs / ours >= 1.0 ? "PASS" : "MISS") }'
