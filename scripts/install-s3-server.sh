#!/usr/bin/env bash
# Builds the S3 server the tests and benchmarks start on loopback: SeaweedFS's `weed` (its S3
# gateway), at a pinned version, from the Go module proxy, into .cache/bin/weed inside the clone.
# Idempotent: does nothing when that version is already built. Go's module and build caches
# stay in .cache/ too, so nothing is kept outside the clone.
set -euo pipefail
cd "$(dirname "$0")/.."

module=github.com/seaweedfs/seaweedfs
# SeaweedFS tags releases without semantic versions, so the module proxy knows them by
# pseudo-version; this one is the commit of 2026-11-09.
version=v0.0.0-20261109003541-7506e5f91cd6

root="$PWD/.cache"
binary="$root/bin/weed"
stamp="$binary.version"
if [ -x "$binary" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then
  exit 0
fi

go_cmd=$(command -v go || true)
if [ -z "$go_cmd" ] && [ -x /usr/local/go/bin/go ]; then go_cmd=/usr/local/go/bin/go; fi
if [ -z "$go_cmd" ]; then
  echo "install-s3-server: Go is needed to build SeaweedFS (https://go.dev/doc/install)" >&2
  exit 1
fi

export GOPATH="$root/go" GOCACHE="$root/go-build" GOFLAGS=-modcacherw
echo "building SeaweedFS $version into $binary (once per clone)"
start=$(date +%s)
# `go install module@version` refuses modules whose go.mod has replace directives, as
# SeaweedFS's has: download the module, then build inside it so its go.mod applies.
dir=$("$go_cmd" mod download -json "$module@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
mkdir -p "$root/bin"
(cd "$dir" && "$go_cmd" build -trimpath -ldflags "-s -w" -o "$binary.tmp" ./weed)
mv "$binary.tmp" "$binary"
echo "$version" > "$stamp"
# The compiled packages are of no further use (the module sources stay for a version bump).
rm -rf "$GOCACHE"
echo "SeaweedFS built in $(( $(date +%s) - start )) s"
