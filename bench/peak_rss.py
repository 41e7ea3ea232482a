#!/usr/bin/env python3
"""Runs a command and prints its peak resident set size (MiB) and wall time on stderr."""
import resource
import subprocess
import sys
import time

start = time.monotonic()
completed = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
elapsed = time.monotonic() - start
peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(f"{peak_kib / 1024:.1f} {elapsed:.2f} {completed.returncode}")
sys.exit(0)
