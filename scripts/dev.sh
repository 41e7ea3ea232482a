#!/usr/bin/env bash
# `make dev`: the exchange simulator on a free loopback port and `dagster dev` on
# http://localhost:3000 with the code location pointed at it (Binance, Bybit and Gate.io), so
# the UI works offline: open it, click "Materialize all". Ctrl-C stops both.
#   DAGSTER_PORT (default 3000), CRYPTOPIPE_DEV_DATA (default ./data: lake, warehouse and
#   DAGSTER_HOME with the run history, kept between sessions).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/simulator.sh
build=$(realpath "${BUILD_DIR:-build}")
data=$(realpath -m "${CRYPTOPIPE_DEV_DATA:-data}")
port=${DAGSTER_PORT:-3000}
work=$(mktemp -d)
dagster_pid=""
# dagster dev runs in a process group of its own (webserver, daemon, code servers): Ctrl-C
# lets it shut them down, and whatever is left after 20 s is killed.
cleanup() {
  if [ -n "$dagster_pid" ]; then
    kill -INT -- "-$dagster_pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 -- "-$dagster_pid" 2>/dev/null || break
      sleep 0.2
    done
    kill -KILL -- "-$dagster_pid" 2>/dev/null || true
  fi
  stop_simulator
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_simulator "$build" "$work"
echo "exchange simulator listening on $SIM_ADDRESS (standing in for Binance, Bybit and Gate.io)"

mkdir -p "$data/dagster_home"
{
  echo "lake: file://$data/lake"
  echo "warehouse: sqlite://$data/warehouse.db"
  echo "exchanges:"
  for exchange in binance bybit gateio; do
    echo "  $exchange:"
    echo "    base_url: http://$SIM_ADDRESS/$exchange"
  done
} >"$work/cryptopipe.yaml"
[ -f "$data/dagster_home/dagster.yaml" ] || printf 'telemetry:\n  enabled: false\n' >"$data/dagster_home/dagster.yaml"

export CRYPTOPIPE_CONFIG="$work/cryptopipe.yaml"
export CRYPTOPIPE_BIN="$build/cryptopipe"
export DAGSTER_HOME="$data/dagster_home"
echo "Dagster UI: http://localhost:$port (lake, warehouse and run history in $data)"
setsid .venv/bin/dagster dev -m cryptopipe_dagster.definitions -h 127.0.0.1 -p "$port" &
dagster_pid=$!
wait "$dagster_pid"
