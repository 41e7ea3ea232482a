"""Fixtures of the ccxt tests: the real ccxt client (tests/ccxt/requirements.lock) pointed at the
exchange simulator, as a check that the simulator speaks each venue's API well enough for a
standard client: it loads the venue's spot markets (and currencies where they are public) and
parses candles, tickers and books the simulator serves. One file per venue: test_<venue>.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from processes import Simulator  # noqa: E402


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory):
    sim = Simulator(tmp_path_factory.mktemp("sim"))
    yield sim
    sim.stop()


def sim_client(exchange_class, api_urls: dict, **options):
    """A ccxt client whose `urls['api']` are replaced by `api_urls` (the simulator's), so that
    no request can leave the machine; rate limiting off (the simulator's own limits apply)."""
    client = exchange_class({"enableRateLimit": False, "timeout": 10_000, "options": options})
    client.urls["api"] = api_urls
    return client
