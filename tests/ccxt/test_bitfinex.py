"""ccxt's bitfinex client (API v2) against the simulator: load_markets asks /v2/conf for the
spot and futures pair infos and the margin pairs (fetchMarkets) and for eleven currency lists
and maps (fetchCurrencies), then candles, a ticker, tickers and a book (ccxt's default R0, raw
orders), and its values agree with what the simulator serves."""

from __future__ import annotations

import json
import time
import urllib.request
from decimal import Decimal

import ccxt
import pytest

from conftest import sim_client


@pytest.fixture(scope="module")
def bitfinex(simulator):
    url = simulator.base_url("bitfinex")
    client = sim_client(ccxt.bitfinex, {"public": url, "v1": url, "private": url})
    client.load_markets()
    return client


def sim_json(simulator, path: str):
    with urllib.request.urlopen(simulator.base_url("bitfinex") + path, timeout=10) as answer:
        return json.load(answer)


def test_markets_and_currencies_load_from_conf(bitfinex, simulator):
    pairs = sim_json(simulator, "/v2/conf/pub:list:pair:exchange")[0]
    assert len(bitfinex.markets) == len(pairs)
    btc = bitfinex.markets["BTC/USDT"]
    assert btc["id"] == "tBTCUST" and btc["spot"] and btc["margin"]
    assert bitfinex.markets["DOGE/USDT"]["id"] == "tDOGE:UST"
    assert bitfinex.markets["ATOM/USDT"]["id"] == "tATOUST"  # ccxt maps ATO to ATOM
    assert "USDT" in bitfinex.currencies and "BTC" in bitfinex.currencies
    assert bitfinex.currencies["USDT"]["id"] == "UST"


def test_ohlcv_matches_the_simulators_candles(bitfinex, simulator):
    minute = 60_000
    since = (int(time.time() * 1000) // minute - 30) * minute
    candles = bitfinex.fetch_ohlcv("BTC/USDT", "1m", since=since, limit=10)
    assert [c[0] for c in candles] == [since + i * minute for i in range(10)]
    wire = sim_json(
        simulator, f"/v2/candles/trade:1m:tBTCUST/hist?start={since}&limit=10&sort=1"
    )
    for ours, row in zip(candles, wire):
        # ccxt: [t, open, high, low, close, volume]; Bitfinex: [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]
        assert ours[0] == row[0]
        assert [Decimal(str(v)) for v in ours[1:6]] == [
            Decimal(str(row[i])) for i in (1, 3, 4, 2, 5)
        ]


def test_ticker_and_tickers_agree_with_the_simulator(bitfinex, simulator):
    ticker = bitfinex.fetch_ticker("BTC/USDT")
    assert ticker["symbol"] == "BTC/USDT"
    assert ticker["bid"] < ticker["ask"]
    assert ticker["low"] <= ticker["last"] <= ticker["high"]
    tickers = bitfinex.fetch_tickers()
    # symbols=ALL: every pair, and the funding tickers, which ccxt keeps under their ids.
    assert {s for s in tickers if "/" in s} == set(bitfinex.markets)
    assert {s for s in tickers if "/" not in s} == {"fUSD", "fUST"}
    some = bitfinex.fetch_tickers(["BTC/USDT", "LINK/USDT"])
    assert set(some) == {"BTC/USDT", "LINK/USDT"}
    wire = sim_json(simulator, "/v2/tickers?symbols=tLINK:UST")[0]
    if Decimal(str(some["LINK/USDT"]["last"])) == Decimal(str(wire[7])):  # the same second
        assert Decimal(str(some["LINK/USDT"]["baseVolume"])) == Decimal(str(wire[8]))
        assert Decimal(str(some["LINK/USDT"]["percentage"])) == Decimal(str(wire[6])) * 100


def test_order_book_at_depth(bitfinex):
    book = bitfinex.fetch_order_book("BTC/USDT", 25)
    assert len(book["bids"]) == 25 and len(book["asks"]) == 25
    assert book["bids"][0][0] < book["asks"][0][0]
    assert [b[0] for b in book["bids"]] == sorted((b[0] for b in book["bids"]), reverse=True)
    aggregated = bitfinex.fetch_order_book("BTC/USDT", 100, {"precision": "P0"})
    assert len(aggregated["asks"]) == 100
    prices = [b[0] for b in aggregated["bids"]]
    assert prices == sorted(set(prices), reverse=True)  # one level per price, best first
