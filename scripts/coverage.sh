#!/usr/bin/env bash
# `make coverage`: line and branch coverage of src/ by the test suites (preset `coverage`,
# which is the asan preset with gcov counters, so this run is also the sanitizer run of those
# tests). Writes build-coverage/coverage.txt (per file) and build-coverage/coverage/index.html,
# prints the totals and every file under 90% of its lines, and fails under 90% of lines in all:
# the specification's promise.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=build-coverage
find "$dir" -name '*.gcda' -delete
# Not the suites that run no code of src/ or run it only as make test already does: the
# simulator's fidelity tests (tools/exchange-sim) and the Dagster tests (Python and the browser;
# the engine's Pipes side is covered by the e2e suite). They are most of CI's time spent twice.
ctest --preset coverage -j "${JOBS:-$(nproc)}" --label-exclude '^(simulator|dagster)$'
mkdir -p "$dir/coverage"
# Branches the compiler adds for exception unwinding are not decisions of ours.
gcovr --root . --filter 'src/' --object-directory "$dir" \
  --exclude-throw-branches --exclude-unreachable-branches --exclude-directories ".*/CompilerIdCXX" \
  --txt "$dir/coverage.txt" --html-details "$dir/coverage/index.html" \
  --json-summary "$dir/coverage-summary.json" --print-summary "$dir"
python3 - "$dir/coverage-summary.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
low = [f for f in summary["files"] if f["line_percent"] < 90]
print(f"files under 90% of lines: {len(low)} of {len(summary['files'])}")
for f in sorted(low, key=lambda f: f["line_percent"]):
    branches = f"{f['branch_percent']:.1f}%" if f["branch_percent"] is not None else "none"
    print(f"  {f['filename']}: lines {f['line_percent']:.1f}%, branches {branches}")
if summary["line_percent"] < 90:
    sys.exit(f"line coverage {summary['line_percent']:.1f}% is under the promised 90%")
PY
