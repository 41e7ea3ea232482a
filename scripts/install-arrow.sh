#!/usr/bin/env bash
# Apache Arrow and Parquet C++ for the engine's silver layer, into .cache/arrow/ of the checkout:
#   .cache/arrow/include/{arrow,parquet}/   the headers
#   .cache/arrow/lib/lib{arrow,parquet}.so  the libraries (the binaries find them by RPATH)
#
# Debian 12 packages no Arrow, and Apache's own APT repository is not among the registries this
# project may use; the pyarrow wheel on PyPI ships the very C++ libraries Arrow releases, built
# with the C++11 ABI and depending only on glibc and libstdc++, with their headers. Only the
# C++ part is taken: nothing of Python is linked. A machine with Arrow installed as a CMake
# package does not need this (CMakeLists.txt prefers find_package(Parquet)).
# Idempotent: does nothing when the pinned version is in place.
set -euo pipefail
cd "$(dirname "$0")/.."

version=25.0.1
soversion=2500
dest=.cache/arrow
if [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$version" ]; then exit 0; fi

case "$(uname -m)" in
  x86_64) platform=manylinux_2_28_x86_64 ;;
  aarch64) platform=manylinux_2_28_aarch64 ;;
  *) echo "install-arrow.sh: no pyarrow wheel for $(uname -m); install Arrow C++ instead" >&2; exit 2 ;;
esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The libraries are the same in every CPython build of the wheel; 3.11 is pinned so that the
# download does not depend on which interpreter runs pip.
/usr/bin/python3 -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" \
  --platform "$platform" --python-version 3.11 --cache-dir "$PWD/.cache/pip" "pyarrow==$version"
wheel=$(ls "$work"/pyarrow-"$version"-*.whl)
python3 - "$wheel" "$work/unpacked" <<'PY'
import sys, zipfile
wheel, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(("pyarrow/include/arrow/", "pyarrow/include/parquet/")) or \
           name.split("/")[-1].startswith(("libarrow.so.", "libparquet.so.")):
            archive.extract(name, out)
PY

rm -rf "$dest"
mkdir -p "$dest/lib"
mv "$work/unpacked/pyarrow/include" "$dest/include"
for lib in arrow parquet; do
  mv "$work/unpacked/pyarrow/lib$lib.so.$soversion" "$dest/lib/"
  ln -s "lib$lib.so.$soversion" "$dest/lib/lib$lib.so"
done
echo "$version" >"$dest/VERSION"
echo "Arrow/Parquet C++ $version (from the pyarrow wheel) in $dest"
