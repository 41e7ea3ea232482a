"""ccxt's coinbaseexchange client against the simulator's Coinbase Exchange (/coinbase): it loads
the products and currencies, and the candles, ticker, tickers and book it parses agree with what
the simulator serves. The simulator's numbers are compared as decimals, from its raw text."""

from __future__ import annotations

import json
import urllib.request
from decimal import Decimal

import ccxt
import pytest
from conftest import sim_client
from processes import Simulator

HOUR_MS = 3_600_000
NOW_MS = 1_706_640_000_000  # 2024-01-30T18:40:00Z: the simulator's clock stands still


@pytest.fixture(scope="module")
def sim(tmp_path_factory: pytest.TempPathFactory):
    # A frozen clock makes every answer describe the same second; ccxt runs without its own
    # pacing here, and nothing refills Coinbase's bucket on a frozen clock: a deep one.
    simulator = Simulator(tmp_path_factory.mktemp("sim-coinbase"), "--now-ms", str(NOW_MS),
                          "--coinbase-burst", "1000")
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def client(sim: Simulator):
    base = sim.base_url("coinbase")
    exchange = sim_client(ccxt.coinbaseexchange, {"public": base, "private": base})
    exchange.load_markets()
    return exchange


def raw(sim: Simulator, path: str) -> str:
    with urllib.request.urlopen(sim.base_url("coinbase") + path, timeout=10) as response:
        return response.read().decode()


def as_decimals(text: str):
    """The simulator's JSON with every number kept as its exact decimal."""
    return json.loads(text, parse_float=Decimal, parse_int=Decimal)


def same(ccxt_number, sim_text) -> bool:
    return Decimal(str(ccxt_number)) == Decimal(str(sim_text))


def test_markets_and_currencies_load(client) -> None:
    market = client.market("BTC/USDT")
    assert market["id"] == "BTC-USDT"
    assert market["spot"] and market["active"]
    assert len([m for m in client.markets.values() if m["quote"] == "USDT"]) == 20
    assert {"BTC", "ETH", "USDT"} <= set(client.currencies)
    assert client.currencies["BTC"]["active"]


def test_ohlcv_agrees_with_the_simulator(client, sim: Simulator) -> None:
    now_hour = NOW_MS // HOUR_MS * HOUR_MS
    since = now_hour - 10 * HOUR_MS
    candles = client.fetch_ohlcv("BTC/USDT", "1h", since=since, limit=5)
    assert [c[0] for c in candles] == [since + i * HOUR_MS for i in range(5)]
    rows = as_decimals(
        raw(sim, f"/products/BTC-USDT/candles?granularity=3600&start={since // 1000}"
                 f"&end={(since + 4 * HOUR_MS) // 1000}")
    )
    rows.reverse()  # newest first on the wire
    for candle, row in zip(candles, rows, strict=True):
        t, low, high, open_, close, volume = row
        assert candle[0] == int(t) * 1000
        assert [same(candle[1], open_), same(candle[2], high), same(candle[3], low),
                same(candle[4], close), same(candle[5], volume)] == [True] * 5


def test_ticker_agrees_with_the_simulator(client, sim: Simulator) -> None:
    ticker = client.fetch_ticker("BTC/USDT")
    stats = as_decimals(raw(sim, "/products/stats"))["BTC-USDT"]["stats_24hour"]
    assert same(ticker["last"], stats["last"])
    assert same(ticker["baseVolume"], stats["volume"])
    assert ticker["timestamp"] == NOW_MS
    book = as_decimals(raw(sim, "/products/BTC-USDT/book?level=1"))
    assert same(ticker["bid"], book["bids"][0][0])
    assert same(ticker["ask"], book["asks"][0][0])


def test_tickers_come_from_one_request(client, sim: Simulator) -> None:
    tickers = client.fetch_tickers(["BTC/USDT", "ETH/USDT"])
    assert set(tickers) == {"BTC/USDT", "ETH/USDT"}
    lines = as_decimals(raw(sim, "/products/spark-lines"))
    for symbol, product in (("BTC/USDT", "BTC-USDT"), ("ETH/USDT", "ETH-USDT")):
        newest = lines[product][0]  # [t, low, high, open, close], newest first
        assert same(tickers[symbol]["last"], newest[4])


def test_order_book_agrees_with_the_simulator(client, sim: Simulator) -> None:
    book = client.fetch_order_book("BTC/USDT")
    served = as_decimals(raw(sim, "/products/BTC-USDT/book?level=2"))
    assert len(book["bids"]) == len(served["bids"]) == 1000
    assert book["nonce"] == served["sequence"]
    for ours, theirs in ((book["bids"], served["bids"]), (book["asks"], served["asks"])):
        assert all(same(a[0], b[0]) and same(a[1], b[1]) for a, b in zip(ours, theirs, strict=True))
