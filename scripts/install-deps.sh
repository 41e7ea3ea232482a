#!/usr/bin/env bash
# Installs the Debian packages the engine, its tests and its benchmarks build against.
# postgresql-15 is the server the tests and benchmarks start on loopback (never the system
# cluster). Idempotent: does nothing when every package is already present, runs `apt-get update` at most once.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config curl python3
  libcurl4-openssl-dev libsimdjson-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev
  libsqlite3-dev sqlite3 zlib1g-dev libzstd-dev zstd libssl-dev openssl libcpp-httplib-dev
  libgtest-dev libgmock-dev libbenchmark-dev libpugixml-dev awscli
  libpq-dev postgresql-15 postgresql-client-15
  clang-14 libclang-rt-14-dev gcovr
)

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
