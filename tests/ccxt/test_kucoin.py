"""ccxt's kucoin client against the simulator: it loads the spot markets (its load_markets asks
/api/v2/symbols and, for the fee coefficients, /api/v1/market/allTickers; the contract markets
live on another host and are left out with options fetchMarkets.types = ['spot']) and the public
currencies (/api/v3/currencies), then fetches candles, a ticker, every ticker and books at 20 and
100, and agrees with what the simulator serves."""

from __future__ import annotations

import json
import time
import urllib.request
from decimal import Decimal

import ccxt
import pytest

from conftest import sim_client


@pytest.fixture(scope="module")
def kucoin(simulator):
    base = simulator.base_url("kucoin")
    client = sim_client(ccxt.kucoin, {"public": base, "private": base},
                        fetchMarkets={"types": ["spot"]})
    client.load_markets()
    return client


def sim_json(simulator, path: str) -> dict:
    with urllib.request.urlopen(simulator.base_url("kucoin") + path, timeout=10) as answer:
        return json.load(answer)


def test_markets_and_currencies_load(kucoin, simulator):
    btc = kucoin.markets["BTC/USDT"]
    assert btc["id"] == "BTC-USDT"
    assert btc["spot"] and btc["active"]
    symbols = sim_json(simulator, "/api/v2/symbols")["data"]
    assert len(kucoin.markets) == len(symbols)
    currencies = kucoin.fetch_currencies()
    assert "USDT" in currencies and "BTC" in currencies


def test_ohlcv_matches_the_simulators_candles(kucoin, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 30) * minute
    candles = kucoin.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=10)
    assert [c[0] for c in candles] == [since + i * minute for i in range(10)]
    wire = sim_json(
        simulator,
        f"/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt={since // 1000}"
        f"&endAt={since // 1000 + 600}",
    )["data"]
    for ours, row in zip(candles, reversed(wire)):
        assert ours[0] == int(row[0]) * 1000
        # ccxt's [o, h, l, c, v] from KuCoin's [o, c, h, l, v]
        expected = [row[1], row[3], row[4], row[2], row[5]]
        assert [Decimal(str(v)) for v in ours[1:6]] == [Decimal(v) for v in expected]


def test_ticker_and_tickers_agree_with_the_simulator(kucoin, simulator):
    ticker = kucoin.fetch_ticker("BTC/USDT")
    wire = sim_json(simulator, "/api/v1/market/stats?symbol=BTC-USDT")["data"]
    if ticker["timestamp"] == wire["time"]:  # the same second's snapshot
        assert Decimal(str(ticker["last"])) == Decimal(wire["last"])
        assert Decimal(str(ticker["bid"])) == Decimal(wire["buy"])
        assert Decimal(str(ticker["baseVolume"])) == Decimal(wire["vol"])
    assert ticker["symbol"] == "BTC/USDT"
    assert ticker["bid"] < ticker["ask"]
    tickers = kucoin.fetch_tickers()
    every = sim_json(simulator, "/api/v1/market/allTickers")["data"]["ticker"]
    assert {t["symbol"] for t in every} == {kucoin.markets[s]["id"] for s in tickers}


def test_order_books_at_20_and_100(kucoin):
    book = kucoin.fetch_order_book("BTC/USDT", 20)
    assert len(book["bids"]) == 20 and len(book["asks"]) == 20
    assert book["bids"][0][0] < book["asks"][0][0]
    assert book["nonce"] is not None  # the sequence
    deep = kucoin.fetch_order_book("BTC/USDT", 100)
    assert len(deep["asks"]) == 100
    assert [b[0] for b in deep["bids"]] == sorted((b[0] for b in deep["bids"]), reverse=True)
