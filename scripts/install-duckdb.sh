#!/usr/bin/env bash
# The DuckDB command-line shell, into .cache/bin/duckdb of the checkout: `make demo` shows the
# silver Parquet tables through it, and the README's query runs with it. Debian 12 packages no
# DuckDB; the duckdb-cli wheel on PyPI carries DuckDB's own release binary (the same version as
# the Python package the readers' tests use, 1.4.4).
# Idempotent: does nothing when the pinned version is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.4.4
dest=.cache/bin
if [ -x "$dest/duckdb" ] && [ "$(cat "$dest/duckdb.version" 2>/dev/null)" = "$version" ]; then exit 0; fi

case "$(uname -m)" in
  x86_64) platform=manylinux2014_x86_64 ;;
  aarch64) platform=manylinux2014_aarch64 ;;
  *) echo "install-duckdb.sh: no duckdb-cli wheel for $(uname -m)" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
/usr/bin/python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" \
  --platform "$platform" --cache-dir "$PWD/.cache/pip" "duckdb-cli==$version"
mkdir -p "$dest"
python3 - "$(ls "$work"/duckdb_cli-"$version"-*.whl)" "$dest/duckdb" "$version" <<'PY'
import shutil, sys, zipfile
wheel, out, version = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, \
        archive.open(f"duckdb_cli-{version}.data/scripts/duckdb") as binary, \
        open(out, "wb") as target:
    shutil.copyfileobj(binary, target)
PY
chmod +x "$dest/duckdb"
echo "$version" >"$dest/duckdb.version"
echo "DuckDB $("$dest/duckdb" --version | cut -d' ' -f1) in $dest/duckdb"
