"""ccxt's mexc client against the simulator: it loads the spot markets (its load_markets asks
/api/v3/exchangeInfo for spot and /api/v1/contract/detail for swaps; fetchCurrencies needs an
API key, so ccxt skips it without one), then fetches candles, a ticker, every spot ticker and a
book, and agrees with what the simulator serves."""

from __future__ import annotations

import json
import time
import urllib.request
from decimal import Decimal

import ccxt
import pytest

from conftest import sim_client


@pytest.fixture(scope="module")
def mexc(simulator):
    root = simulator.base_url("mexc")
    client = sim_client(ccxt.mexc, {
        "spot": {"public": root, "private": root},
        "contract": {"public": root + "/api/v1/contract", "private": root + "/api/v1/private"},
    })
    client.load_markets()
    return client


def sim_json(simulator, path: str):
    with urllib.request.urlopen(simulator.base_url("mexc") + path, timeout=10) as answer:
        return json.load(answer)


def test_markets_load_from_exchange_info(mexc, simulator):
    assert "BTC/USDT" in mexc.markets and "ETH/USDT" in mexc.markets
    btc = mexc.markets["BTC/USDT"]
    assert btc["id"] == "BTCUSDT"
    assert btc["spot"] and btc["active"]  # status "1" and isSpotTradingAllowed
    listed = sim_json(simulator, "/api/v3/exchangeInfo")["symbols"]
    assert len(mexc.markets) == len(listed)  # no swaps: the contract list is empty
    assert mexc.fetch_currencies() == {}  # private on MEXC: nothing without credentials


def test_ohlcv_matches_the_simulators_candles(mexc, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 30) * minute
    until = since + 9 * minute
    candles = mexc.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=10, params={"until": until})
    assert [c[0] for c in candles] == [since + i * minute for i in range(10)]
    wire = sim_json(simulator, f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={since}"
                               f"&endTime={until + 1}&limit=10")
    for ours, row in zip(candles, wire):
        assert ours[0] == row[0]
        assert [Decimal(str(v)) for v in ours[1:6]] == [Decimal(v) for v in row[1:6]]


def test_hourly_candles_use_the_60m_token(mexc):
    hour = 3_600_000
    candles = mexc.fetch_ohlcv("BTC/USDT", "1h", limit=3)
    assert len(candles) == 3 and all(c[0] % hour == 0 for c in candles)


def test_ticker_and_tickers_agree_with_the_simulator(mexc, simulator):
    ticker = mexc.fetch_ticker("BTC/USDT")
    wire = sim_json(simulator, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    if ticker["timestamp"] == wire["closeTime"]:  # the same second's snapshot
        assert Decimal(str(ticker["last"])) == Decimal(wire["lastPrice"])
        assert Decimal(str(ticker["bid"])) == Decimal(wire["bidPrice"])
        assert Decimal(str(ticker["baseVolume"])) == Decimal(wire["volume"])
        # ccxt reads the fraction as MEXC sends it: times 100 for its percentage.
        assert Decimal(str(ticker["percentage"])) == Decimal(wire["priceChangePercent"]) * 100
    assert ticker["symbol"] == "BTC/USDT"
    assert ticker["bid"] < ticker["ask"]
    tickers = mexc.fetch_tickers()
    spot = sim_json(simulator, "/api/v3/ticker/24hr")
    assert {t["symbol"] for t in spot} == {mexc.markets[s]["id"] for s in tickers}


def test_order_book_at_depth(mexc):
    book = mexc.fetch_order_book("BTC/USDT", 25)
    assert len(book["bids"]) == 25 and len(book["asks"]) == 25
    assert book["bids"][0][0] < book["asks"][0][0]
    assert book["nonce"] is not None and book["timestamp"] is not None
    assert [b[0] for b in book["bids"]] == sorted((b[0] for b in book["bids"]), reverse=True)
