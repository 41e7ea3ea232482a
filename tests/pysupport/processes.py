"""What the Python test suites (dagster/tests, tests/readers) share: the build they run, the
exchange simulator on a free loopback port, and stopping a child process for good."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The binaries of the build that runs the tests (ctest sets it: build/ or build-coverage/).
BUILD = Path(os.environ.get("CRYPTOPIPE_BUILD_DIR", ROOT / "build"))


def stop_process(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Simulator:
    """cryptopipe-exchange-sim on a free loopback port, its log in work/sim.log."""

    def __init__(self, work: Path, *flags: str) -> None:
        binary = BUILD / "cryptopipe-exchange-sim"
        if not binary.exists():
            raise RuntimeError(f"{binary} is missing: build it (ninja cryptopipe-exchange-sim)")
        self.log_path = work / "sim.log"
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            [str(binary), "--port", "0", *flags], stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        line = self.process.stdout.readline()
        if not line.startswith("listening on "):
            self.stop()
            raise RuntimeError(f"the simulator did not start: {line!r}, see {self.log_path}")
        self.address = line.split()[-1]

    def base_url(self, exchange: str) -> str:
        return f"http://{self.address}/{exchange}"

    def stop(self) -> None:
        stop_process(self.process)
        self.log.close()
