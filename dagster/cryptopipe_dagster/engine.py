"""Where the cryptopipe binary is and what its asset graph looks like.

The graph is never written here: it comes from `cryptopipe assets --json`, so the code
location always matches the engine's configuration.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

# A checkout keeps the engine in build/ beside dagster/.
_CHECKOUT_BINARY = Path(__file__).resolve().parents[2] / "build" / "cryptopipe"


class EngineError(RuntimeError):
    """The engine could not be found or could not describe its assets."""


@dataclass(frozen=True)
class EngineAsset:
    key: str
    group: str
    deps: tuple[str, ...]
    partitioning: str  # "daily" (UTC days) or "snapshot"
    description: str
    checks: tuple[str, ...]
    exchange: str | None
    # The source publishes a finished day this many days after it ends (Bybit's trade files).
    publication_lag_days: int = 0


def binary() -> str:
    """CRYPTOPIPE_BIN, else the checkout's build/cryptopipe, else `cryptopipe` on PATH."""
    configured = os.environ.get("CRYPTOPIPE_BIN")
    if configured:
        return configured
    if _CHECKOUT_BINARY.is_file():
        return str(_CHECKOUT_BINARY)
    found = shutil.which("cryptopipe")
    if found:
        return found
    raise EngineError(
        "cannot find the cryptopipe binary: set CRYPTOPIPE_BIN, build it (make build) "
        "or put it on PATH"
    )


def load_assets() -> list[EngineAsset]:
    """Runs `cryptopipe assets --json` and reads the graph (in topological order)."""
    command = [binary(), "assets", "--json"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    except OSError as error:
        raise EngineError(f"cannot run {command[0]}: {error}") from error
    if done.returncode != 0:
        raise EngineError(
            f"{' '.join(command)} exited with {done.returncode}: {done.stderr.strip()}"
        )
    graph = json.loads(done.stdout)
    return [
        EngineAsset(
            key=asset["key"],
            group=asset["group"],
            deps=tuple(asset["deps"]),
            partitioning=asset["partitioning"],
            description=asset["description"],
            checks=tuple(asset["checks"]),
            exchange=asset.get("exchange"),
            publication_lag_days=asset.get("publication_lag_days", 0),
        )
        for asset in graph["assets"]
    ]
