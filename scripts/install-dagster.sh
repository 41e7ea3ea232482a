#!/usr/bin/env bash
# Installs the Dagster side, by profile:
#   install-dagster.sh ui    what `make dev` needs: Debian's python3-venv, then .venv/ in the
#                            checkout with the Python packages pinned in dagster/requirements.lock
#                            and the code location itself (editable); reinstalled only when the
#                            lock or pyproject changes;
#   install-dagster.sh all   (the default) that, plus what the browser test needs: Debian's
#                            chromium (its headless browser), nodejs with npm when npm is missing,
#                            and dagster/browser/node_modules: playwright-core from
#                            package-lock.json (npm ci), which drives Debian's chromium and never
#                            downloads a browser of its own; and in the same .venv the
#                            silver readers' tests' packages (DuckDB with its httpfs extension,
#                            pyarrow), pinned in tests/readers/requirements.lock, and the ccxt
#                            client of the ccxt tests (tests/ccxt/requirements.lock).
# Idempotent: .venv/.installed holds the hash of the locks last installed (with the readers'
# lock for `all`), so `ui` after `all` installs nothing and `all` after `ui` adds the readers.
# pip's and npm's download caches live in .cache/ inside the checkout, nowhere else.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

profile=${1:-all}
case "$profile" in
  ui) packages=(python3-venv) ;;
  all)
    packages=(python3-venv chromium)
    command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
    ;;
  *) echo "install-dagster.sh: unknown profile '$profile': ui or all" >&2; exit 2 ;;
esac
missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# Debian's interpreter, not whatever python3 is first on PATH: the lock is made for it.
python=${CRYPTOPIPE_PYTHON:-/usr/bin/python3}
stamp=.venv/.installed
code_location=$(cat dagster/requirements.lock dagster/pyproject.toml | sha256sum | cut -d' ' -f1)
with_readers=$(cat dagster/requirements.lock dagster/pyproject.toml tests/readers/requirements.lock \
                 tests/ccxt/requirements.lock | sha256sum | cut -d' ' -f1)
requirements=(-r dagster/requirements.lock)
if [ "$profile" = all ]; then
  requirements+=(-r tests/readers/requirements.lock)
  wanted=$with_readers
  accepted=("$with_readers")
else
  wanted=$code_location
  accepted=("$code_location" "$with_readers")  # what `all` installed includes what `ui` needs
fi
up_to_date=no
installed=$(cat "$stamp" 2>/dev/null || true)
for hash in "${accepted[@]}"; do
  if [ "$installed" = "$hash" ]; then up_to_date=yes; fi
done
if [ ! -x .venv/bin/python ] || [ "$up_to_date" != yes ]; then
  start=$(date +%s.%N)
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  pip=(.venv/bin/pip install --quiet --disable-pip-version-check --require-virtualenv
       --cache-dir "$PWD/.cache/pip")
  # One resolution over both locks, so that pip refuses locks that disagree.
  "${pip[@]}" "${requirements[@]}"
  "${pip[@]}" --no-deps -e dagster
  if [ "$profile" = all ]; then "${pip[@]}" --no-deps -r tests/ccxt/requirements.lock; fi
  echo "$wanted" >"$stamp"
  awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "pip install of the Dagster code location: %.1f s\n", e - s }'
fi

[ "$profile" = all ] || exit 0
if [ ! -d dagster/browser/node_modules/playwright-core ] ||
   [ dagster/browser/package-lock.json -nt dagster/browser/node_modules/.package-lock.json ]; then
  (cd dagster/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
    --loglevel=error --cache "$PWD/../../.cache/npm")
fi
