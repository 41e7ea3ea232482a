#!/usr/bin/env python3
"""Seeds the fuzz corpora: the recorded exchange responses of ../shared/fixtures/ccxt-static,
responses fetched from the exchange simulator (its base URL as the second argument, optional),
and the project's own configuration and selection examples.

usage: seed_corpus.py CORPUS_DIR [SIMULATOR_URL]
"""
import base64
import gzip
import io
import json
import pathlib
import sys
import urllib.request
import zipfile
import zlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT.parent / "shared" / "fixtures" / "ccxt-static"
# Bitfinex, Bitget, KuCoin and MEXC have no recorded cases: their folders are absent and only
# the simulator seeds them.
FIXTURE_DIRS = {"binance": "binance", "bitfinex": "bitfinex", "bitget": "bitget",
                "bybit": "bybit", "coinbase": "coinbaseexchange", "gateio": "gate",
                "kraken": "kraken", "kucoin": "kucoin", "mexc": "mexc", "okx": "okx"}
SIMULATOR_PATHS = {
    "binance": ["/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5",
                "/binance/api/v3/ticker/24hr?symbols=%5B%22BTCUSDT%22%2C%22ETHUSDT%22%5D",
                "/binance/api/v3/depth?symbol=BTCUSDT&limit=5",
                "/binance/api/v3/klines?symbol=NOPE&interval=1m",
                "/binance/api/v3/aggTrades?symbol=BTCUSDT&limit=5",
                "/binance/fapi/v1/fundingRate?symbol=BTCUSDT&limit=5",
                "/binance/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&limit=5"],
    "bybit": ["/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=5",
              "/bybit/v5/market/tickers?category=spot",
              "/bybit/v5/market/orderbook?category=spot&symbol=BTCUSDT&limit=5",
              "/bybit/v5/market/kline?category=spot&symbol=NOPE&interval=1",
              "/bybit/v5/market/funding/history?category=linear&symbol=BTCUSDT&limit=5",
              "/bybit/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min"
              "&limit=5"],
    "coinbase": ["/coinbase/products/BTC-USDT/candles?granularity=60",
                 "/coinbase/products/stats",
                 "/coinbase/products/BTC-USDT/book?level=2",
                 "/coinbase/products/NOPE-USDT/candles?granularity=60",
                 "/coinbase/products/BTC-USDT/candles?granularity=120",
                 "/coinbase/products"],
    "gateio": ["/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1m&limit=5",
               "/gateio/spot/tickers",
               "/gateio/spot/order_book?currency_pair=BTC_USDT&limit=5",
               "/gateio/spot/candlesticks?currency_pair=NOPE&interval=1m",
               "/gateio/spot/trades?currency_pair=BTC_USDT&limit=5",
               "/gateio/futures/usdt/funding_rate?contract=BTC_USDT&limit=5",
               "/gateio/futures/usdt/contract_stats?contract=BTC_USDT&limit=5",
               "/gateio/futures/usdt/contracts/BTC_USDT"],
    "kraken": ["/kraken/0/public/OHLC?pair=XBTUSDT&interval=1",
               "/kraken/0/public/Ticker?pair=XBTUSDT,ETHUSDT",
               "/kraken/0/public/Depth?pair=XBTUSDT&count=5",
               "/kraken/0/public/OHLC?pair=NOPE&interval=1",
               "/kraken/0/public/OHLC?pair=XBTUSDT&interval=2",
               "/kraken/0/public/AssetPairs"],
    "kucoin": ["/kucoin/api/v1/market/candles?symbol=BTC-USDT&type=1min&startAt=1700000000"
               "&endAt=1700000300",
               "/kucoin/api/v1/market/allTickers",
               "/kucoin/api/v1/market/orderbook/level2_20?symbol=BTC-USDT",
               "/kucoin/api/v1/market/candles?symbol=NOPE-USDT&type=1min",
               "/kucoin/api/v1/market/candles?symbol=BTC-USDT&type=2min",
               "/kucoin/api/v2/symbols"],
    "mexc": ["/mexc/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=5",
             "/mexc/api/v3/ticker/24hr",
             "/mexc/api/v3/ticker/24hr?symbol=BTCUSDT",
             "/mexc/api/v3/depth?symbol=BTCUSDT&limit=5",
             "/mexc/api/v3/klines?symbol=NOPE&interval=1m",
             "/mexc/api/v3/klines?symbol=BTCUSDT&interval=1h"],
    "okx": ["/okx/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&limit=5",
            "/okx/api/v5/market/tickers?instType=SPOT",
            "/okx/api/v5/market/books?instId=BTC-USDT&sz=5",
            "/okx/api/v5/market/history-trades?instId=BTC-USDT&limit=5",
            "/okx/api/v5/market/history-candles?instId=NOPE-USDT&bar=1m",
            "/okx/api/v5/market/history-candles?instId=BTC-USDT&bar=1m&limit=301"],
    "bitfinex": ["/bitfinex/v2/candles/trade:1m:tBTCUST/hist?limit=5&sort=1",
                 "/bitfinex/v2/tickers?symbols=ALL",
                 "/bitfinex/v2/book/tBTCUST/P0?len=25",
                 "/bitfinex/v2/conf/pub:list:pair:exchange",
                 "/bitfinex/v2/candles/trade:1m:tNOPE/hist"],
    "bitget": ["/bitget/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=1min"
               "&endTime=1706630400000&limit=5",
               "/bitget/api/v2/spot/market/tickers",
               "/bitget/api/v2/spot/market/orderbook?symbol=BTCUSDT&type=step0&limit=5",
               "/bitget/api/v2/spot/public/symbols",
               "/bitget/api/v2/spot/market/history-candles?symbol=NOPE&granularity=1min&endTime=1",
               "/bitget/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=1min"
               "&endTime=1706630400000&limit=201"],
}
SELECTIONS = ["*", "extract_binance_ohlcv", "+load_ohlcv_to_postgres", "transform_ohlcv+",
              "*load_tickers_to_postgres", "group:bronze", "extract_bybit_tickers,transform_tickers++",
              "group:silver,load_orderbook_to_postgres*"]
CONFIGS = [
    "lake: file:///tmp/lake\nwarehouse: sqlite:///tmp/w.db\n",
    "exchanges:\n  binance:\n    symbols: [BTC/USDT, ETH/USDT]\n    timeframes: [1m, 1h]\n"
    "  bybit:\n    depth: 50\n    ticker_symbols: all\n  gateio:\n    base_url: http://127.0.0.1:9\n",
    "log_level: debug\nlog_format: json\nconcurrency: 2\nfetch_concurrency: 3\nmax_attempts: 2\n"
    "connect_timeout_ms: 100\nrequest_timeout_ms: 1000\nsilver_compression: 3\n",
]


PIPES_CONTEXTS = [
    {"asset_keys": ["extract_binance_ohlcv"], "partition_key": "2026-11-25", "run_id": "r1",
     "retry_number": 0, "extras": {}, "job_name": "__ASSET_JOB"},
    {"asset_keys": ["transform_ohlcv", "load_ohlcv_to_postgres"], "partition_key": None,
     "partition_key_range": {"start": "2026-11-01", "end": "2026-11-03"},
     "partition_time_window": {"start": "2026-11-01T00:00:00+00:00", "end": "2026-11-04T00:00:00+00:00"},
     "run_id": "r2", "retry_number": 1, "extras": {"partition_range": ["2026-11-01", "2026-11-03"]}},
]


# The CSV of Binance's daily kline archives: milliseconds before 2025, microseconds after, and a
# header line as some of its archives have.
KLINE_CSVS = [
    "1706572800000,43519.34000000,43936.00000000,43171.00000000,43488.71000000,20.55495000,"
    "1706572859999,891428.42858070,3743,10.1,439000.5,0\n",
    "1735689600000000,1,2,0.5,1.5,10,1735689659999999,15,3,1,1,0\r\n",
    "open_time,open,high,low,close,volume,close_time,quote_volume,count,tb,tq,ignore\n"
    "1706572800000,1,1,1,1,0,1706572859999,0,0,0,0,0\n",
]


# The CSV of Binance's daily aggTrades archives.
AGG_TRADE_CSVS = [
    "3379005,94591.79000000,0.00060000,4393013,4393013,1735776000046413,True,True\n",
    "26129,0.01633102,4.70443515,27781,27781,1498793709153,true,true\n",
]


# The CSV of Bybit's daily spot trade files: with the rpi column, before it, and bad lines.
BYBIT_TRADE_CSVS = [
    "id,timestamp,price,volume,side,rpi\n1,1747612800074,106453.8,0.003718,sell,0\n"
    "2,1747612800150,106456.9,0.000500,buy,0\n",
    "id,timestamp,price,volume,side\n1,1696118403019,26965.24,0.000055,buy\n",
    "id,timestamp,price,volume,side,rpi\n9223372036854775807,1,1e5,-0,BUY,1\n0,x\n",
]


def pipes_param(value: dict) -> bytes:
    """A DAGSTER_PIPES_CONTEXT value the way Dagster encodes it: base64 of zlib of JSON."""
    return base64.b64encode(zlib.compress(json.dumps(value).encode()))


def write(directory: pathlib.Path, name: str, data: bytes) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_bytes(data)


def main() -> int:
    corpus = pathlib.Path(sys.argv[1])
    simulator = sys.argv[2] if len(sys.argv) > 2 else None
    for exchange, folder in FIXTURE_DIRS.items():
        target = corpus / f"{exchange}_responses"
        for fixture in sorted((FIXTURES / folder).glob("*.json")):
            response = json.loads(fixture.read_text())["httpResponse"]
            write(target, fixture.stem, json.dumps(response).encode())
        for i, path in enumerate(SIMULATOR_PATHS[exchange] if simulator else []):
            try:
                with urllib.request.urlopen(simulator + path, timeout=10) as answer:
                    body = answer.read()
            except urllib.error.HTTPError as error:
                body = error.read()  # error bodies are worth fuzzing too
            write(target, f"simulator-{i}", body)
    for i, text in enumerate(SELECTIONS):
        write(corpus / "selection", f"seed-{i}", text.encode())
    for i, context in enumerate(PIPES_CONTEXTS):
        write(corpus / "pipes_context", f"encoded-{i}", b"\x01" + pipes_param({"data": context}))
        write(corpus / "pipes_context", f"payload-{i}", b"\x00" + json.dumps(context).encode())
    for i, text in enumerate(CONFIGS):
        write(corpus / "config", f"seed-{i}", text.encode())
    for i, csv in enumerate(KLINE_CSVS):
        write(corpus / "binance_archives", f"csv-{i}", b"\x00" + csv.encode())
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(f"BTCUSDT-1m-2024-01-30-{i}.csv", csv)
        write(corpus / "binance_archives", f"zip-{i}", b"\x01" + packed.getvalue())
    for i, csv in enumerate(AGG_TRADE_CSVS):
        write(corpus / "binance_archives", f"agg-csv-{i}", b"\x02" + csv.encode())
    for i, csv in enumerate(BYBIT_TRADE_CSVS):
        write(corpus / "bybit_archives", f"csv-{i}", b"\x01" + csv.encode())
        write(corpus / "bybit_archives", f"gzip-{i}", b"\x00" + gzip.compress(csv.encode(), mtime=0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
