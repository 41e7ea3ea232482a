#!/usr/bin/env bash
# Extraction of the same candles from several venues at once (every extract_<venue>_ohlcv of one
# run), against curl --parallel replaying the very same URLs into files. Sourced by bench/run.sh,
# which has started the simulator ($address) and set $build and $symbols:
#   venues_extract WORK_DIR
# BENCH_VENUES picks the venues (default four whose pages hold 1000 candles or more, so that
# their public rate limits do not bind: Binance, Bybit, Gate.io, KuCoin), BENCH_VENUE_DAYS the
# days (default 5, within Gate's 10,000-candle history).
venues_extract() {
  local work=$1
  local venues=(${BENCH_VENUES:-binance bybit gateio kucoin})
  local days=${BENCH_VENUE_DAYS:-5}
  local from to
  from=$(date -u -d "$days days ago" +%F)
  to=$(date -u -d yesterday +%F)
  {
    echo "lake: file://$work/venues-lake"
    echo "warehouse: sqlite://$work/venues.db"
    echo "log_level: ${BENCH_LOG_LEVEL:-warn}"
    echo "fetch_concurrency: ${BENCH_FETCH_CONCURRENCY:-8}"
    echo "exchanges:"
    for venue in "${venues[@]}"; do
      echo "  $venue:"
      echo "    base_url: http://$address/$venue"
      echo "    symbols: [${symbols//,/, }]"
      echo "    timeframes: [1m]"
    done
  } >"$work/venues.yaml"
  local select=""
  for venue in "${venues[@]}"; do select+="${select:+,}extract_${venue}_ohlcv"; done
  local start ours theirs requests candles
  start=$(date +%s%N)
  "$build/cryptopipe" --config "$work/venues.yaml" materialize --select "$select" \
    --from "$from" --to "$to" >/dev/null 2>"$work/venues.log" || { cat "$work/venues.log" >&2; return 1; }
  ours=$(( $(date +%s%N) - start ))
  candles=$(python3 - "$work/venues-lake" <<'PY'
import json, pathlib, sys
print(sum(json.loads(m.read_text())["rows"]
          for m in pathlib.Path(sys.argv[1]).glob("bronze/*/ohlcv/*/*/dt=*/_extractions/*.json")))
PY
)
  mkdir -p "$work/venues-curl"
  requests=$(python3 bench/curl_config.py "$work/venues-lake" "$work/venues-curl" "$work/venues-curl.conf")
  start=$(date +%s%N)
  curl --silent --no-progress-meter --fail --compressed --parallel \
    --parallel-max "${BENCH_CURL_PARALLEL:-8}" --config "$work/venues-curl.conf"
  theirs=$(( $(date +%s%N) - start ))
  awk -v ours="$((ours / 1000000))e-3" -v theirs="$((theirs / 1000000))e-3" -v c="$candles" \
      -v r="$requests" -v v="${venues[*]}" -v d="$days" 'BEGIN {
    printf "extraction of %d candles (%d requests) from %d venues at once (%s; %d days x 10 symbols x 1m)\n", c, r, split(v, a, " "), v, d;
    printf "  curl --parallel, same URLs into files (the limit): %7.2f s  %10.0f candles/s\n", theirs, c / theirs;
    printf "  extract_<venue>_ohlcv, one run (ours):             %7.2f s  %10.0f candles/s\n", ours, c / ours;
    printf "  ratio ours/curl: %.2fx (target >= 0.80x) %s\n", theirs / ours, (theirs / ours >= 0.8 ? "PASS" : "MISS") }'
}
