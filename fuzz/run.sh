#!/usr/bin/env bash
# `make fuzz`: every libFuzzer target for FUZZ_SECONDS (default 15) each, from corpora seeded with
# the recorded exchange fixtures, the simulator's answers and the project's examples. A crash
# fails the run and leaves its input in build-fuzz/crashes/<target>/: copy it to
# fuzz/regressions/<target>/, where the unit tests replay it, and fix the bug.
# The seed is fixed (FUZZ_SEED, default 1) so that CI replays the same search every time and a
# red run means a change broke something; FUZZ_SEED=0 draws a random seed to explore further.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/simulator.sh

seconds=${FUZZ_SECONDS:-15}
seed=${FUZZ_SEED:-1}
fuzz_build=build-fuzz
work=$(mktemp -d)
trap 'stop_simulator; rm -rf "$work"' EXIT
start_simulator build "$work"
corpus=$fuzz_build/corpus
python3 fuzz/seed_corpus.py "$corpus" "http://$SIM_ADDRESS"
# Real silver tables for silver_tables, each after the byte that picks its schema (0 OHLCV,
# 1 tickers, 2 order book, 3 trades, 4 funding, 5 open interest): what the engine writes from
# the simulator's answers.
CRYPTOPIPE_BINANCE_URL="http://$SIM_ADDRESS/binance" CRYPTOPIPE_LAKE="file://$work/lake" \
  CRYPTOPIPE_WAREHOUSE="sqlite://$work/warehouse.db" \
  build/cryptopipe --log-level warn materialize \
  --select '+transform_ohlcv,+transform_tickers,+transform_orderbook' \
  --partition "$(date -u -d yesterday +%F)" >/dev/null
mkdir -p "$corpus/silver_tables"
selector=0
for dataset in ohlcv tickers orderbook; do
  for table in "$work"/lake/silver/"$dataset"/*/*/*.parquet; do
    { printf "\\$(printf '%03o' "$selector")"; cat "$table"; } >"$corpus/silver_tables/$dataset.parquet"
  done
  selector=$((selector + 1))
done
stop_simulator

status=0
for binary in "$fuzz_build"/fuzz/fuzz_*; do
  target=${binary##*/fuzz_}
  mkdir -p "$corpus/$target" "$fuzz_build/crashes/$target"
  # Regression inputs join the corpus so that every run starts from what broke before.
  if [ -d "fuzz/regressions/$target" ]; then cp -n fuzz/regressions/"$target"/* "$corpus/$target"/ 2>/dev/null || true; fi
  if "$binary" "$corpus/$target" -max_total_time="$seconds" -seed="$seed" -print_final_stats=1 \
      -artifact_prefix="$fuzz_build/crashes/$target/" -rss_limit_mb=4096 >"$work/$target.log" 2>&1; then
    verdict=ok
  else
    verdict=CRASH
    status=1
    tail -n 40 "$work/$target.log" >&2
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$target.log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$target.log")
  printf '%-20s %-5s %10s executions (%s/s) in %ss, corpus %s inputs\n' "$target" "$verdict" \
    "${runs:-?}" "${rate:-?}" "$seconds" "$(ls "$corpus/$target" | wc -l)"
done
exit $status
