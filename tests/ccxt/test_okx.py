"""ccxt's okx client against the simulator: it loads the spot markets (its load_markets asks
/api/v5/public/instruments for SPOT, FUTURES, SWAP and OPTION; fetchCurrencies needs an API key,
so ccxt skips it without one), then fetches candles, a ticker, every spot ticker and a book, and
agrees with what the simulator serves."""

from __future__ import annotations

import json
import time
import urllib.request
from decimal import Decimal

import ccxt
import pytest

from conftest import sim_client


@pytest.fixture(scope="module")
def okx(simulator):
    client = sim_client(ccxt.okx, {"rest": simulator.base_url("okx")})
    client.load_markets()
    return client


def sim_json(simulator, path: str) -> dict:
    with urllib.request.urlopen(simulator.base_url("okx") + path, timeout=10) as answer:
        return json.load(answer)


def test_markets_load_from_the_instruments_of_every_type(okx, simulator):
    assert "BTC/USDT" in okx.markets and "ETH/USDT" in okx.markets
    btc = okx.markets["BTC/USDT"]
    assert btc["id"] == "BTC-USDT"
    assert btc["spot"] and btc["active"]
    instruments = sim_json(simulator, "/api/v5/public/instruments?instType=SPOT")["data"]
    assert len(okx.markets) == len(instruments)
    assert okx.fetch_currencies() == {}  # private on OKX: nothing without credentials


def test_ohlcv_matches_the_simulators_candles(okx, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 30) * minute
    candles = okx.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=10)
    assert [c[0] for c in candles] == [since + i * minute for i in range(10)]
    wire = sim_json(
        simulator,
        f"/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&before={since - 1}"
        f"&after={since + 10 * minute}&limit=10",
    )["data"]
    for ours, row in zip(candles, reversed(wire)):
        assert ours[0] == int(row[0])
        assert [Decimal(str(v)) for v in ours[1:6]] == [Decimal(v) for v in row[1:6]]


def test_daily_candles_are_utc_aligned(okx):
    day = 86_400_000
    candles = okx.fetch_ohlcv("BTC/USDT", "1d", limit=3)
    assert candles and all(c[0] % day == 0 for c in candles)


def test_ticker_and_tickers_agree_with_the_simulator(okx, simulator):
    ticker = okx.fetch_ticker("BTC/USDT")
    wire = sim_json(simulator, "/api/v5/market/ticker?instId=BTC-USDT")["data"][0]
    if ticker["timestamp"] == int(wire["ts"]):  # the same second's snapshot
        assert Decimal(str(ticker["last"])) == Decimal(wire["last"])
        assert Decimal(str(ticker["bid"])) == Decimal(wire["bidPx"])
        assert Decimal(str(ticker["baseVolume"])) == Decimal(wire["vol24h"])
    assert ticker["symbol"] == "BTC/USDT"
    assert ticker["bid"] < ticker["ask"]
    tickers = okx.fetch_tickers()
    spot = sim_json(simulator, "/api/v5/market/tickers?instType=SPOT")["data"]
    assert {t["instId"] for t in spot} == {okx.markets[s]["id"] for s in tickers}


def test_order_book_at_depth(okx):
    book = okx.fetch_order_book("BTC/USDT", 25)
    assert len(book["bids"]) == 25 and len(book["asks"]) == 25
    assert book["bids"][0][0] < book["asks"][0][0]
    assert [b[0] for b in book["bids"]] == sorted((b[0] for b in book["bids"]), reverse=True)
    full = okx.fetch_order_book("BTC/USDT", 1000)  # ccxt turns to books-full past 400
    assert len(full["asks"]) == 1000


def test_old_candles_come_from_history_candles(okx, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 3 * 1440) * minute  # past candles' 1440 bars
    candles = okx.fetch_ohlcv("BTC/USDT", "1m", since=since)
    # ccxt switches to history-candles and sends limit=300 (a 51000 would raise BadRequest), but
    # bounds the window (`after`) with its default of 100 candles: 100 come back.
    assert [c[0] for c in candles] == [since + i * minute for i in range(100)]
    with urllib.request.urlopen(f"http://{simulator.address}/_sim/stats", timeout=10) as answer:
        history = json.load(answer)["routes"]["/okx/api/v5/market/history-candles"]
    assert history["total"] >= 1
