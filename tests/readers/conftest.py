"""Fixtures of the silver readers' tests: the exchange simulator, SeaweedFS as an S3 server on
loopback, one `cryptopipe materialize` per lake (a folder, then a bucket), and DuckDB connections
that load the httpfs extension from the duckdb-ext-httpfs wheel (never from the network)."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "pysupport"))
from processes import BUILD, ROOT, Simulator, stop_process  # noqa: E402
WEED = ROOT / ".cache" / "bin" / "weed"
SYMBOLS = ("BTC/USDT", "ETH/USDT")
TIMEFRAMES = ("1m", "1h")
DEPTH = 5  # order-book levels per side
S3_BUCKET = "readers-lake"
S3_PREFIX = "crypto/silver-test"

# What configures the engine or points it at an AWS profile: none of it reaches the runs but
# what a fixture sets.
_ENGINE_ENV = re.compile(
    r"^(CRYPTOPIPE_.*|AWS_.*|HOME|CURL_CA_BUNDLE|SSL_CERT_FILE|http_proxy|https_proxy|"
    r"HTTP_PROXY|HTTPS_PROXY|no_proxy|NO_PROXY|all_proxy|ALL_PROXY)$"
)


def yesterday_utc() -> str:
    return (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")


def free_ports(count: int) -> list[int]:
    """`count` distinct ports free on 127.0.0.1 now: all bound at once, then released."""
    socks = [socket.socket() for _ in range(count)]
    try:
        for s in socks:
            s.bind(("127.0.0.1", 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()


class S3Server:
    """SeaweedFS (`weed mini`) on free loopback ports, as scripts/s3-server.sh and
    tests/support/s3_server.cpp start it: an admin identity for the engine, a read-only one for
    the readers, both with secrets made up for this run."""

    NAMES = ("master", "master.grpc", "volume", "volume.grpc", "filer", "filer.grpc", "s3",
             "s3.grpc", "admin", "admin.grpc")

    def __init__(self, work: Path) -> None:
        if not WEED.exists():
            raise RuntimeError(f"{WEED} is missing: run scripts/install-s3-server.sh")
        self.work = work
        self.access_key, self.secret_key = "cryptopipe-admin", "secret-" + secrets.token_hex(12)
        self.reader_key, self.reader_secret = "cryptopipe-reader", "secret-" + secrets.token_hex(12)
        (work / "s3.json").write_text(json.dumps({"identities": [
            {"name": "admin", "credentials": [{"accessKey": self.access_key,
                                               "secretKey": self.secret_key}],
             "actions": ["Admin", "Read", "Write", "List", "Tagging"]},
            {"name": "reader", "credentials": [{"accessKey": self.reader_key,
                                                "secretKey": self.reader_secret}],
             "actions": ["Read", "List"]},
        ]}))
        self.process = None
        errors = []
        for _ in range(3):  # a port taken between free_ports() and the bind: try new ones
            try:
                self._start()
                return
            except RuntimeError as e:
                errors.append(str(e))
        raise RuntimeError("SeaweedFS did not start in 3 tries:\n" + "\n".join(errors))

    def _start(self) -> None:
        ports = dict(zip(self.NAMES, free_ports(len(self.NAMES))))
        self.port = ports["s3"]
        data = self.work / f"s3-data-{self.port}"
        data.mkdir()
        self.log_path = self.work / f"weed-{self.port}.log"
        args = [str(WEED), "mini", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-dir={data}",
                f"-s3.config={self.work / 's3.json'}"]
        args += [f"-{name}.port={ports[name]}".replace(".grpc.port", ".port.grpc")
                 for name in self.NAMES]
        args += ["-admin.port.legacy=0", "-admin.ui=false", "-s3.port.iceberg=0",
                 "-s3.port.lance=0", "-webdav=false", "-master.telemetry=false"]
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT,
                                            stdin=subprocess.DEVNULL, cwd=self.work)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"SeaweedFS exited: {self.log_path.read_text()[-2000:]}")
            if "All enabled components are running" in self.log_path.read_text():
                try:
                    urllib.request.urlopen(self.endpoint + "/", timeout=2)
                    return
                except urllib.error.HTTPError:
                    return  # an anonymous request is refused: the gateway answers
                except OSError:
                    pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"SeaweedFS not up within 60 s: {self.log_path.read_text()[-2000:]}")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def engine_env(self) -> dict[str, str]:
        none = str(self.work / "no-such-file")
        return {"AWS_ACCESS_KEY_ID": self.access_key, "AWS_SECRET_ACCESS_KEY": self.secret_key,
                "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": self.endpoint,
                "AWS_CONFIG_FILE": none, "AWS_SHARED_CREDENTIALS_FILE": none}

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None


@dataclass
class Run:
    """One `cryptopipe materialize --select '*'` and where it wrote."""

    work: Path
    lake_url: str  # file:///... or s3://bucket/prefix
    warehouse: Path
    partition: str  # the requested day (the candles' partition)
    run_id: str
    output: str

    @property
    def lake_dir(self) -> Path:
        assert self.lake_url.startswith("file://"), self.lake_url
        return Path(self.lake_url[len("file://"):])

    @property
    def reader_root(self) -> str:
        """The lake's root as DuckDB names it: a folder or s3://bucket/prefix."""
        return str(self.lake_dir) if self.lake_url.startswith("file://") else self.lake_url

    def gold(self, sql: str) -> list[tuple]:
        with sqlite3.connect(f"file:{self.warehouse}?mode=ro", uri=True) as db:
            return db.execute(sql).fetchall()


def materialize(work: Path, simulator: Simulator, lake_url: str, *, create_bucket: bool = False,
                env: dict[str, str] | None = None) -> Run:
    work.mkdir(parents=True, exist_ok=True)
    warehouse = work / "warehouse.db"
    config = work / "cryptopipe.yaml"
    config.write_text(
        f"lake: {lake_url}\n"
        + ("lake_create_bucket: true\n" if create_bucket else "")
        + f"warehouse: sqlite://{warehouse}\nlog_format: json\n"
        f"exchanges:\n  binance:\n    base_url: {simulator.base_url('binance')}\n"
        f"    symbols: [{', '.join(SYMBOLS)}]\n    timeframes: [{', '.join(TIMEFRAMES)}]\n"
        f"    depth: {DEPTH}\n"
    )
    partition = yesterday_utc()
    run_env = {k: v for k, v in os.environ.items() if not _ENGINE_ENV.match(k)}
    run_env.update(env or {})
    # The engine reads .env from its working directory: the scratch folder has none.
    result = subprocess.run(
        [str(BUILD / "cryptopipe"), "--config", str(config), "materialize", "--select", "*",
         "--partition", partition],
        cwd=work, env=run_env, capture_output=True, text=True, timeout=240,
    )
    context = f"exit {result.returncode}\nstdout:\n{result.stdout}\nstderr:\n{result.stderr[-4000:]}"
    assert result.returncode == 0, context
    match = re.search(r"^run (\S+): ", result.stdout, re.MULTILINE)
    assert match, context
    return Run(work, lake_url, warehouse, partition, match.group(1), result.stdout)


@pytest.fixture(scope="session")
def simulator(tmp_path_factory: pytest.TempPathFactory):
    # 1% of the candles sent twice: the ohlcv rejects table gets rows ("duplicate").
    sim = Simulator(tmp_path_factory.mktemp("sim"), "--duplicate-rate", "0.01", "--seed", "7")
    yield sim
    sim.stop()


@pytest.fixture(scope="session")
def folder_run(tmp_path_factory: pytest.TempPathFactory, simulator: Simulator) -> Run:
    work = tmp_path_factory.mktemp("folder-lake")
    return materialize(work, simulator, f"file://{work / 'lake'}")


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory):
    server = S3Server(tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_run(tmp_path_factory: pytest.TempPathFactory, simulator: Simulator,
           s3_server: S3Server) -> Run:
    work = tmp_path_factory.mktemp("s3-lake")
    return materialize(work, simulator, f"s3://{S3_BUCKET}/{S3_PREFIX}", create_bucket=True,
                       env=s3_server.engine_env())


# DuckDB's extensions: those of the duckdb-ext-httpfs wheel, in this interpreter's site-packages.
EXTENSION_DIR = Path(sysconfig.get_paths()["platlib"]) / "duckdb_ext" / "extensions"


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that never installs nor autoloads an extension (no download)."""
    con = duckdb.connect(config={
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "extension_directory": str(EXTENSION_DIR),
    })
    con.execute("SET TimeZone = 'UTC'")
    return con


@pytest.fixture(scope="module")
def duck():
    con = duckdb_connection()
    yield con
    con.close()
