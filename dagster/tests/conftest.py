"""Fixtures: the exchange simulator on a free loopback port, and an engine configuration
(file lake, SQLite warehouse, Binance, Bybit and Gate.io pointed at the simulator) in a
scratch folder, exported the way a deployment exports it: through the environment."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "pysupport"))
from processes import BUILD, Simulator  # noqa: E402,F401 (Simulator: for the tests)


def yesterday() -> str:
    return (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")


def days_ago(n: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=n)).strftime("%Y-%m-%d")


def write_config(work: Path, simulator: Simulator, max_attempts: int = 6,
                 venues: tuple[str, ...] = ("binance", "bybit", "gateio"),
                 symbols: str = "[BTC/USDT, ETH/USDT]",
                 trade_venues: tuple[str, ...] = (),
                 perp_venues: tuple[str, ...] = (),
                 archive_venues: tuple[str, ...] = ()) -> Path:
    exchanges = "".join(
        f"  {name}:\n    base_url: {simulator.base_url(name)}\n"
        f"    symbols: {symbols}\n    timeframes: [1h]\n    depth: 5\n"
        + (f"    trade_symbols: [BTC/USDT]\n" if name in trade_venues else "")
        + (f"    perp_symbols: [BTC/USDT:USDT]\n" if name in perp_venues else "")
        + (f"    archive_url: {simulator.base_url(name + '-data')}\n" if name in archive_venues else "")
        for name in venues
    )
    config = work / "cryptopipe.yaml"
    config.write_text(
        f"lake: file://{work / 'lake'}\nwarehouse: sqlite://{work / 'warehouse.db'}\n"
        f"log_format: json\nhttp:\n  max_attempts: {max_attempts}\n"
        f"exchanges:\n{exchanges}"
    )
    return config


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The engine reads .env from its working directory: a scratch one keeps the checkout's out.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CRYPTOPIPE_BIN", str(BUILD / "cryptopipe"))
    for name in list(os.environ):
        if name.startswith("CRYPTOPIPE_") and name not in ("CRYPTOPIPE_BIN", "CRYPTOPIPE_BUILD_DIR"):
            monkeypatch.delenv(name)
    return tmp_path


@pytest.fixture
def simulator(work: Path):
    sim = Simulator(work)
    yield sim
    sim.stop()


@pytest.fixture
def engine_config(work: Path, simulator: Simulator, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = write_config(work, simulator)
    monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(config))
    return config


def wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
