# Sourced by the demo and the benchmarks: starts the exchange simulator on a free loopback port.
#   start_simulator BUILD_DIR WORK_DIR [simulator flags...]
# sets SIM_PID and SIM_ADDRESS (127.0.0.1:PORT); stop_simulator kills it.

start_simulator() {
  local build=$1 work=$2
  shift 2
  "$build/cryptopipe-exchange-sim" --port 0 "$@" >"$work/sim.out" 2>"$work/sim.log" &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$work/sim.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  SIM_ADDRESS=$(sed -n 's/^listening on //p' "$work/sim.out" | head -n 1)
  if [ -z "$SIM_ADDRESS" ]; then
    echo "the exchange simulator did not start:" >&2
    cat "$work/sim.log" >&2
    return 1
  fi
}

stop_simulator() {
  if [ -n "${SIM_PID:-}" ]; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=""
  fi
}
