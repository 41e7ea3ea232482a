"""ccxt's kraken client against the simulator's Kraken (/kraken): it loads the asset pairs and
assets (XBT as BTC, XDG as DOGE), and the candles, ticker, tickers and book it parses agree with
what the simulator serves. The simulator's numbers are compared as decimals, from its raw text."""

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
    # ccxt runs without its own pacing here; Kraken's window never ends on a frozen clock.
    simulator = Simulator(tmp_path_factory.mktemp("sim-kraken"), "--now-ms", str(NOW_MS),
                          "--kraken-limit", "1000")
    yield simulator
    simulator.stop()


@pytest.fixture(scope="module")
def client(sim: Simulator):
    base = sim.base_url("kraken")
    exchange = sim_client(ccxt.kraken, {"public": base, "private": base, "zendesk": base})
    exchange.load_markets()
    return exchange


def raw(sim: Simulator, path: str):
    """The simulator's answer under /kraken/0/public, every number kept as its exact decimal."""
    url = sim.base_url("kraken") + "/0/public/" + path
    with urllib.request.urlopen(url, timeout=10) as response:
        body = json.loads(response.read().decode(), parse_float=Decimal, parse_int=Decimal)
    assert body["error"] == []
    return body["result"]


def same(ccxt_number, sim_text) -> bool:
    return Decimal(str(ccxt_number)) == Decimal(str(sim_text))


def test_markets_and_currencies_load(client) -> None:
    market = client.market("BTC/USDT")
    assert market["id"] == "XBTUSDT"
    assert market["base"] == "BTC" and market["baseId"] == "BTC"
    assert market["spot"] and market["active"]
    assert client.market("DOGE/USDT")["id"] == "XDGUSDT"
    assert len([m for m in client.markets.values() if m["quote"] == "USDT"]) == 20
    assert {"BTC", "DOGE", "ETH", "USDT"} <= set(client.currencies)
    assert client.currencies["BTC"]["id"] == "XXBT"
    assert client.currencies["BTC"]["active"]


def test_ohlcv_agrees_with_the_simulator(client, sim: Simulator) -> None:
    now_hour = NOW_MS // HOUR_MS * HOUR_MS
    since = now_hour - 10 * HOUR_MS
    candles = client.fetch_ohlcv("BTC/USDT", "1h", since=since, limit=5)
    assert [c[0] for c in candles] == [since + i * HOUR_MS for i in range(5)]
    rows = raw(sim, f"OHLC?pair=XBTUSDT&interval=60&since={since // 1000 - 1}")["XBTUSDT"]
    for candle, row in zip(candles, rows[:5], strict=True):
        t, open_, high, low, close, _vwap, volume, _count = row
        assert candle[0] == int(t) * 1000
        assert [same(candle[1], open_), same(candle[2], high), same(candle[3], low),
                same(candle[4], close), same(candle[5], volume)] == [True] * 5


def test_ohlcv_without_since_is_the_latest_720(client) -> None:
    candles = client.fetch_ohlcv("BTC/USDT", "1h")
    assert len(candles) == 720
    assert candles[-1][0] == NOW_MS // HOUR_MS * HOUR_MS


def test_ticker_agrees_with_the_simulator(client, sim: Simulator) -> None:
    ticker = client.fetch_ticker("BTC/USDT")
    served = raw(sim, "Ticker?pair=XBTUSDT")["XBTUSDT"]
    assert same(ticker["last"], served["c"][0])
    assert same(ticker["bid"], served["b"][0])
    assert same(ticker["ask"], served["a"][0])
    assert same(ticker["baseVolume"], served["v"][1])
    assert same(ticker["high"], served["h"][1])
    assert same(ticker["open"], served["o"])


def test_tickers_come_from_one_request(client, sim: Simulator) -> None:
    tickers = client.fetch_tickers(["BTC/USDT", "DOGE/USDT"])
    assert set(tickers) == {"BTC/USDT", "DOGE/USDT"}
    served = raw(sim, "Ticker?pair=XBTUSDT,XDGUSDT")
    assert same(tickers["BTC/USDT"]["last"], served["XBTUSDT"]["c"][0])
    assert same(tickers["DOGE/USDT"]["last"], served["XDGUSDT"]["c"][0])
    assert len(client.fetch_tickers()) == 20


def test_order_book_agrees_with_the_simulator(client, sim: Simulator) -> None:
    book = client.fetch_order_book("BTC/USDT", 25)
    served = raw(sim, "Depth?pair=XBTUSDT&count=25")["XBTUSDT"]
    assert len(book["bids"]) == len(served["bids"]) == 25
    for ours, theirs in ((book["bids"], served["bids"]), (book["asks"], served["asks"])):
        assert all(same(a[0], b[0]) and same(a[1], b[1]) for a, b in zip(ours, theirs, strict=True))


def test_an_unknown_pair_is_an_error_in_an_http_200(client) -> None:
    # ccxt lists "EQuery:Unknown asset" and "EQuery:Invalid asset pair" among its exact errors,
    # not this one: it falls through to a plain ExchangeError carrying the body.
    with pytest.raises(ccxt.ExchangeError, match="EQuery:Unknown asset pair"):
        client.publicGetOHLC({"pair": "NOPEUSDT", "interval": 60})
