#!/usr/bin/env bash
# Installs Debian packages, by profile:
#   install-deps.sh engine   the compiler and the libraries the engine and the simulator build
#                            against, and sqlite3 (the demo shows warehouse rows with it): what
#                            `make demo` needs, nothing more; Arrow/Parquet C++ and the DuckDB
#                            shell (the demo reads silver with it), which Debian does not
#                            package, come from scripts/install-arrow.sh and install-duckdb.sh;
#   install-deps.sh all      (the default) the engine's, plus what the tests and benchmarks start
#                            or build with: GoogleTest, PostgreSQL 15 (a server the tests start on
#                            loopback, never the system cluster), the AWS CLI, clang for fuzzing,
#                            gcovr, the zstd and openssl tools.
# Idempotent: does nothing when every package is already present, runs `apt-get update` at most
# once.
set -euo pipefail

profile=${1:-all}
engine=(
  build-essential cmake ninja-build pkg-config
  libcurl4-openssl-dev libzip-dev libsimdjson-dev nlohmann-json3-dev libcli11-dev libyaml-cpp-dev
  libsqlite3-dev sqlite3 zlib1g-dev libzstd-dev libssl-dev libcpp-httplib-dev libpugixml-dev
  libpq-dev
)
tests=(
  curl unzip python3 zstd openssl libgtest-dev libgmock-dev libbenchmark-dev awscli
  postgresql-15 postgresql-client-15 clang-14 libclang-rt-14-dev gcovr
)
case "$profile" in
  engine) packages=("${engine[@]}") ;;
  all) packages=("${engine[@]}" "${tests[@]}") ;;
  *) echo "install-deps.sh: unknown profile '$profile': engine or all" >&2; exit 2 ;;
esac

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

install_from_pypi() { "$(dirname "$0")/install-arrow.sh" && "$(dirname "$0")/install-duckdb.sh"; }

if [ "${#missing[@]}" -eq 0 ]; then
  install_from_pypi
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi

echo "installing: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
install_from_pypi
