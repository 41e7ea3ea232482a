# Sourced by the benchmarks: starts SeaweedFS (built by scripts/install-s3-server.sh) as an S3
# server on free loopback ports, with one identity whose secret is made up for this run.
#   start_s3_server WORK_DIR
# sets S3_PID, S3_ENDPOINT and exports AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION and
# AWS_ENDPOINT_URL for it; stop_s3_server stops it.

start_s3_server() {
  local work=$1 weed
  weed="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cache/bin/weed"
  [ -x "$weed" ] || { echo "$weed is missing: run scripts/install-s3-server.sh" >&2; return 1; }
  export AWS_ACCESS_KEY_ID=cryptopipe-bench AWS_REGION=us-east-1
  AWS_SECRET_ACCESS_KEY=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
  export AWS_SECRET_ACCESS_KEY
  cat >"$work/s3.json" <<JSON
{"identities": [{"name": "bench", "credentials": [{"accessKey": "$AWS_ACCESS_KEY_ID",
 "secretKey": "$AWS_SECRET_ACCESS_KEY"}], "actions": ["Admin", "Read", "Write", "List"]}]}
JSON
  # Ten distinct free ports: every component's HTTP and gRPC listener.
  local ports
  read -r -a ports < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(10)]
for s in socks: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))')
  mkdir -p "$work/s3-data"
  "$weed" mini -ip=127.0.0.1 -ip.bind=127.0.0.1 -dir="$work/s3-data" -s3.config="$work/s3.json" \
    -master.port="${ports[0]}" -master.port.grpc="${ports[1]}" \
    -volume.port="${ports[2]}" -volume.port.grpc="${ports[3]}" \
    -filer.port="${ports[4]}" -filer.port.grpc="${ports[5]}" \
    -s3.port="${ports[6]}" -s3.port.grpc="${ports[7]}" \
    -admin.port="${ports[8]}" -admin.port.grpc="${ports[9]}" -admin.port.legacy=0 \
    -admin.ui=false -s3.port.iceberg=0 -s3.port.lance=0 -webdav=false -master.telemetry=false \
    >"$work/s3.log" 2>&1 &
  S3_PID=$!
  S3_ENDPOINT="http://127.0.0.1:${ports[6]}"
  export AWS_ENDPOINT_URL=$S3_ENDPOINT
  for _ in $(seq 1 600); do
    if grep -q 'All enabled components are running' "$work/s3.log" 2>/dev/null &&
       curl -s -o /dev/null "$S3_ENDPOINT/"; then
      return 0
    fi
    kill -0 "$S3_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "SeaweedFS did not start:" >&2
  tail -n 20 "$work/s3.log" >&2
  stop_s3_server
  return 1
}

stop_s3_server() {
  if [ -n "${S3_PID:-}" ]; then
    kill "$S3_PID" 2>/dev/null || true
    wait "$S3_PID" 2>/dev/null || true
    S3_PID=""
  fi
}
