"""ccxt's bitget client against the simulator: it loads the spot markets (its load_markets asks
/api/v2/spot/public/symbols and /api/v2/margin/currencies for spot, and the public
/api/v2/spot/public/coins for the currencies), then fetches candles (recent ones from
/market/candles, old ones from /market/history-candles), a ticker, every spot ticker and a book,
and agrees with what the simulator serves."""

from __future__ import annotations

import json
import time
import urllib.request
from decimal import Decimal

import ccxt
import pytest

from conftest import sim_client

API_GROUPS = ("spot", "mix", "user", "p2p", "broker", "margin", "common", "tax", "convert",
              "copy", "earn", "uta")


@pytest.fixture(scope="module")
def bitget(simulator):
    base = simulator.base_url("bitget")
    # Spot only: the default also asks the futures contracts, which the simulator does not serve.
    client = sim_client(ccxt.bitget, {group: base for group in API_GROUPS},
                        fetchMarkets={"types": ["spot"]})
    client.load_markets()
    return client


def sim_json(simulator, path: str) -> dict:
    with urllib.request.urlopen(simulator.base_url("bitget") + path, timeout=10) as answer:
        return json.load(answer)


def test_markets_and_currencies_load(bitget, simulator):
    assert "BTC/USDT" in bitget.markets and "ETH/USDT" in bitget.markets
    btc = bitget.markets["BTC/USDT"]
    assert btc["id"] == "BTCUSDT"
    assert btc["spot"] and btc["active"]
    symbols = sim_json(simulator, "/api/v2/spot/public/symbols")["data"]
    assert len(bitget.markets) == len(symbols)
    coins = sim_json(simulator, "/api/v2/spot/public/coins")["data"]
    assert set(bitget.currencies) == {c["coin"] for c in coins}


def test_recent_ohlcv_matches_the_simulators_candles(bitget, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 30) * minute
    candles = bitget.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=10)
    assert [c[0] for c in candles] == [since + i * minute for i in range(10)]
    wire = sim_json(
        simulator,
        "/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=1min"
        f"&endTime={since + 10 * minute}&limit=10",
    )["data"]
    for ours, row in zip(candles, wire):
        assert ours[0] == int(row[0])
        assert [Decimal(str(v)) for v in ours[1:6]] == [Decimal(v) for v in row[1:6]]


def test_daily_candles_are_utc_aligned(bitget):
    day = 86_400_000
    candles = bitget.fetch_ohlcv("BTC/USDT", "1d", limit=3)
    assert len(candles) == 3 and all(c[0] % day == 0 for c in candles)


def test_old_candles_come_from_history_candles(bitget, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 40 * 1440) * minute  # past the month of /candles
    candles = bitget.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=50)
    assert [c[0] for c in candles] == [since + i * minute for i in range(50)]
    with urllib.request.urlopen(f"http://{simulator.address}/_sim/stats", timeout=10) as answer:
        routes = json.load(answer)["routes"]
    assert routes["/bitget/api/v2/spot/market/history-candles"]["total"] >= 1


def test_ticker_and_tickers_agree_with_the_simulator(bitget, simulator):
    ticker = bitget.fetch_ticker("BTC/USDT")
    wire = sim_json(simulator, "/api/v2/spot/market/tickers?symbol=BTCUSDT")["data"][0]
    if ticker["timestamp"] == int(wire["ts"]):  # the same second's snapshot
        assert Decimal(str(ticker["last"])) == Decimal(wire["lastPr"])
        assert Decimal(str(ticker["bid"])) == Decimal(wire["bidPr"])
        assert Decimal(str(ticker["baseVolume"])) == Decimal(wire["baseVolume"])
        assert Decimal(str(ticker["percentage"])) == Decimal(wire["change24h"]) * 100
    assert ticker["symbol"] == "BTC/USDT"
    assert ticker["bid"] < ticker["ask"]
    tickers = bitget.fetch_tickers()
    spot = sim_json(simulator, "/api/v2/spot/market/tickers")["data"]
    assert {t["symbol"] for t in spot} == {bitget.markets[s]["id"] for s in tickers}


def test_order_book_at_depth(bitget):
    book = bitget.fetch_order_book("BTC/USDT", 25)
    assert len(book["bids"]) == 25 and len(book["asks"]) == 25
    assert book["bids"][0][0] < book["asks"][0][0]
    assert [b[0] for b in book["bids"]] == sorted((b[0] for b in book["bids"]), reverse=True)
