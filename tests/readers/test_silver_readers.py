"""Independent readers of the silver layer: DuckDB (its Python package, and its httpfs extension
for the S3 lake) and pyarrow read the Parquet tables cryptopipe writes and find exactly the rows
the warehouse (gold) holds, with the types the manifest names.

One materialization per lake (session fixtures in conftest.py): a folder lake, then an S3 lake on
SeaweedFS. Gold holds decimals as their shortest exact text and times as ISO-8601 text; the
readers' values are compared with those exactly."""

from __future__ import annotations

import json
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from conftest import DEPTH, EXTENSION_DIR, S3_BUCKET, S3_PREFIX, SYMBOLS, Run, duckdb_connection

STR, TS, DEC28, DEC38, INT, BOOL = "str", "ts", "dec28", "dec38", "int", "bool"
ARROW = {STR: pa.string(), TS: pa.timestamp("ms", tz="UTC"), DEC28: pa.decimal128(28, 12),
         DEC38: pa.decimal128(38, 18), INT: pa.int64(), BOOL: pa.bool_()}
DUCKDB = {STR: "VARCHAR", TS: "TIMESTAMP WITH TIME ZONE", DEC28: "DECIMAL(28,12)",
          DEC38: "DECIMAL(38,18)", INT: "BIGINT", BOOL: "BOOLEAN"}
SCALE = {DEC28: 12, DEC38: 18}


@dataclass(frozen=True)
class Dataset:
    name: str
    gold_table: str
    key: tuple[str, ...]
    columns: tuple[tuple[str, str, bool], ...]  # (name, kind, nullable), in the file's order

    @property
    def names(self) -> list[str]:
        return [c[0] for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(n, ARROW[k], nullable=nullable) for n, k, nullable in self.columns])


OHLCV = Dataset("ohlcv", "ohlcv", ("exchange", "symbol", "timeframe", "open_time"), (
    ("exchange", STR, False), ("symbol", STR, False), ("timeframe", STR, False),
    ("open_time", TS, False), ("open", DEC28, False), ("high", DEC28, False),
    ("low", DEC28, False), ("close", DEC28, False), ("volume", DEC38, False),
    ("quote_volume", DEC38, True), ("trade_count", INT, True), ("is_closed", BOOL, False)))
TICKERS = Dataset("tickers", "tickers", ("exchange", "symbol", "ts"), (
    ("exchange", STR, False), ("symbol", STR, False), ("ts", TS, False),
    ("ts_source", STR, False), ("last", DEC28, False), ("bid", DEC28, True),
    ("bid_size", DEC38, True), ("ask", DEC28, True), ("ask_size", DEC38, True),
    ("open", DEC28, True), ("high", DEC28, True), ("low", DEC28, True),
    ("base_volume", DEC38, True), ("quote_volume", DEC38, True),
    ("change_percent", DEC28, True)))
ORDERBOOK = Dataset("orderbook", "orderbook_levels", ("exchange", "symbol", "ts", "side", "level"), (
    ("exchange", STR, False), ("symbol", STR, False), ("ts", TS, False),
    ("ts_source", STR, False), ("sequence", INT, True), ("side", STR, False),
    ("level", INT, False), ("price", DEC28, False), ("amount", DEC38, False)))
DATASETS = (OHLCV, TICKERS, ORDERBOOK)
by_name = pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)

# Candles of one closed UTC day per series.
CANDLES_PER_DAY = {"1m": 1440, "1h": 24}


# --- canonical values: the reader's and gold's, made comparable -------------------------------

def shortest(value: Decimal) -> str:
    """The shortest exact text of a decimal, as gold writes it: no exponent, no trailing zeros."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def iso_ms(value: datetime) -> str:
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0), repr(value)
    assert value.microsecond % 1000 == 0, f"{value!r} is finer than a millisecond"
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def from_reader(kind: str, value):
    """A reader's value -> comparable form; checks its Python type on the way."""
    if value is None:
        return None
    if kind == STR:
        assert type(value) is str, repr(value)
        return value
    if kind == TS:
        assert isinstance(value, datetime), repr(value)
        return iso_ms(value)
    if kind in SCALE:
        assert isinstance(value, Decimal), repr(value)
        # The column's scale, as decimal(p, s) carries it: no float went through.
        assert value.as_tuple().exponent == -SCALE[kind], repr(value)
        return (value, shortest(value))
    if kind == INT:
        assert type(value) is int, repr(value)
        return value
    assert type(value) is bool, repr(value)
    return value


def from_gold(kind: str, value):
    """A gold (SQLite) value -> comparable form: Decimal(text) and the text itself."""
    if value is None:
        return None
    if kind in (STR, TS):
        assert type(value) is str, repr(value)
        return value
    if kind in SCALE:
        assert type(value) is str, repr(value)
        return (Decimal(value), value)
    if kind == INT:
        return value
    assert value in (0, 1), repr(value)
    return bool(value)


def key_of(dataset: Dataset, row: dict) -> tuple:
    return tuple(row[k] for k in dataset.key)


def keyed(dataset: Dataset, rows: list[dict], convert) -> dict[tuple, tuple]:
    table = {}
    for row in rows:
        values = {n: convert(k, row[n]) for n, k, _ in dataset.columns}
        key = key_of(dataset, values)
        assert key not in table, f"{dataset.name}: key {key} twice"
        table[key] = tuple(values[n] for n in dataset.names)
    return table


def gold_rows(run: Run, dataset: Dataset) -> list[dict]:
    names = dataset.names
    quoted = ", ".join(f'"{n}"' for n in names)
    return [dict(zip(names, r)) for r in run.gold(f"SELECT {quoted} FROM {dataset.gold_table}")]


def assert_same_rows(dataset: Dataset, reader_rows: list[dict], gold: list[dict]) -> None:
    got = keyed(dataset, reader_rows, from_reader)
    want = keyed(dataset, gold, from_gold)
    assert len(got) == len(reader_rows)
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    assert not missing and not extra, (
        f"{dataset.name}: {len(missing)} gold rows not read (first {missing[:3]}), "
        f"{len(extra)} rows read that gold lacks (first {extra[:3]})")
    differ = [(k, n, got[k][i], want[k][i]) for k in sorted(want)
              for i, n in enumerate(dataset.names) if got[k][i] != want[k][i]]
    assert not differ, f"{dataset.name}: {len(differ)} values differ, first (key, column, read, gold): {differ[:5]}"


# --- where the engine put the files ------------------------------------------------------------

PART = re.compile(r"dt=(\d{4}-\d{2}-\d{2})/run=([^/]+)/")


@dataclass
class Written:
    data: Path
    manifest: dict
    dt: date
    run: str


def written(run: Run, dataset: Dataset) -> Written:
    """The one data file of the dataset in the lake (one run), and its manifest."""
    files = sorted((run.lake_dir / "silver" / dataset.name).rglob("*.parquet"))
    assert [f.name for f in files] == [f"{dataset.name}.parquet"], files
    relative = files[0].relative_to(run.lake_dir).as_posix()
    match = PART.search(relative)
    assert match, relative
    manifest = json.loads((files[0].parent / "_manifest.json").read_text())
    return Written(files[0], manifest, date.fromisoformat(match.group(1)), match.group(2))


def expected_dt(run: Run, dataset: Dataset, manifest: dict) -> date:
    # Candles go to the requested day; a snapshot (tickers, order book) to the day it was taken.
    if dataset is OHLCV:
        assert manifest["partition"] == run.partition
    return date.fromisoformat(manifest["partition"])


def manifest_type(t: pa.DataType) -> str:
    """pyarrow's type as the manifest's "types" spells it."""
    if pa.types.is_string(t):
        return "string"
    if pa.types.is_timestamp(t):
        return f"timestamp[{t.unit}, {t.tz}]"
    if pa.types.is_decimal(t):
        return f"decimal({t.precision},{t.scale})"
    if pa.types.is_int64(t):
        return "int64"
    if pa.types.is_boolean(t):
        return "bool"
    return str(t)


def rows_expected(run: Run, dataset: Dataset) -> int:
    if dataset is OHLCV:  # yesterday: every candle closed, none missing
        return len(SYMBOLS) * sum(CANDLES_PER_DAY.values())
    if dataset is TICKERS:
        return len(SYMBOLS)
    return len(SYMBOLS) * 2 * DEPTH  # both sides, DEPTH levels each


# --- DuckDB on the folder lake -----------------------------------------------------------------

def duckdb_rows(con, glob: str) -> tuple[list[dict], list[tuple[str, str]]]:
    relation = f"read_parquet('{glob}', hive_partitioning = true)"
    types = [(r[0], r[1]) for r in con.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
    cursor = con.execute(f"SELECT * FROM {relation}")
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()], types


@by_name
def test_duckdb_reads_the_gold_rows_from_the_folder_lake(duck, folder_run: Run, dataset: Dataset):
    files = written(folder_run, dataset)
    rows, types = duckdb_rows(duck, f"{folder_run.lake_dir}/silver/{dataset.name}/**/*.parquet")

    # Every column with its type, then the Hive partition columns it discovered.
    assert types == [(n, DUCKDB[k]) for n, k, _ in dataset.columns] + [("dt", "DATE"), ("run", "VARCHAR")]
    assert len(rows) == files.manifest["rows"] == rows_expected(folder_run, dataset) > 0
    dt = expected_dt(folder_run, dataset, files.manifest)
    assert files.dt == dt
    assert files.run == files.manifest["run_id"] == folder_run.run_id
    assert {(r["dt"], r["run"]) for r in rows} == {(dt, folder_run.run_id)}
    assert all(type(r["dt"]) is date for r in rows)
    assert_same_rows(dataset, rows, gold_rows(folder_run, dataset))


# --- pyarrow on the folder lake ----------------------------------------------------------------

HIVE = ds.partitioning(pa.schema([("dt", pa.date32()), ("run", pa.string())]), flavor="hive")


@by_name
def test_pyarrow_dataset_reads_the_gold_rows(folder_run: Run, dataset: Dataset):
    files = written(folder_run, dataset)
    # Hive partitioning; _manifest.json is skipped as every "_" file is.
    data = ds.dataset(folder_run.lake_dir / "silver" / dataset.name, format="parquet",
                      partitioning=HIVE)
    assert [Path(f).name for f in data.files] == [f"{dataset.name}.parquet"]
    table = data.to_table()
    assert table.schema.names == dataset.names + ["dt", "run"]
    rows = table.to_pylist()
    assert len(rows) == files.manifest["rows"] == rows_expected(folder_run, dataset)
    assert {(r["dt"], r["run"]) for r in rows} == {
        (expected_dt(folder_run, dataset, files.manifest), folder_run.run_id)}
    assert_same_rows(dataset, rows, gold_rows(folder_run, dataset))
    # The file alone, with every page's CRC checked, gives the same rows.
    single = pq.read_table(files.data, page_checksum_verification=True)
    assert single.to_pylist() == table.drop_columns(["dt", "run"]).to_pylist()


@by_name
def test_pyarrow_schema_has_the_exact_types(folder_run: Run, dataset: Dataset):
    files = written(folder_run, dataset)
    schema = pq.read_schema(files.data)
    want = dataset.arrow_schema()
    assert [(f.name, str(f.type), f.nullable) for f in schema] == \
           [(f.name, str(f.type), f.nullable) for f in want]
    assert schema.equals(want, check_metadata=False)


@by_name
def test_file_metadata_zstd_and_dictionary_encoded_strings(folder_run: Run, dataset: Dataset):
    metadata = pq.ParquetFile(written(folder_run, dataset).data).metadata
    assert metadata.num_rows == rows_expected(folder_run, dataset)
    assert metadata.num_row_groups >= 1
    kinds = {n: k for n, k, _ in dataset.columns}
    strings = 0
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        assert [group.column(c).path_in_schema for c in range(group.num_columns)] == dataset.names
        for c in range(group.num_columns):
            chunk = group.column(c)
            assert chunk.compression == "ZSTD", (chunk.path_in_schema, chunk.compression)
            if kinds[chunk.path_in_schema] == STR:
                strings += 1
                assert chunk.has_dictionary_page, chunk.path_in_schema
                assert "RLE_DICTIONARY" in chunk.encodings, (chunk.path_in_schema, chunk.encodings)
    assert strings >= 3


@by_name
def test_pages_carry_crc_checksums(folder_run: Run, dataset: Dataset, tmp_path: Path):
    """A byte flipped in any column's last data page is caught by its page CRC."""
    source = written(folder_run, dataset).data
    pristine = source.read_bytes()
    metadata = pq.ParquetFile(source).metadata
    group = metadata.row_group(metadata.num_row_groups - 1)
    for c in range(group.num_columns):
        chunk = group.column(c)
        start = chunk.dictionary_page_offset if chunk.has_dictionary_page else chunk.data_page_offset
        broken = bytearray(pristine)
        broken[start + chunk.total_compressed_size - 1] ^= 0xFF
        copy = tmp_path / f"{chunk.path_in_schema}.parquet"
        copy.write_bytes(bytes(broken))
        with pytest.raises(OSError, match="CRC checksum verification failed"):
            pq.read_table(copy, page_checksum_verification=True)


# --- manifests and rejects -----------------------------------------------------------------------

@by_name
def test_manifest_matches_what_pyarrow_reports(folder_run: Run, dataset: Dataset):
    files = written(folder_run, dataset)
    manifest = files.manifest
    schema = pq.read_schema(files.data)
    lake = folder_run.lake_dir
    assert manifest["format"] == "parquet"
    assert manifest["dataset"] == dataset.name
    assert manifest["data_key"] == files.data.relative_to(lake).as_posix()
    assert manifest["columns"] == schema.names == dataset.names
    assert manifest["types"] == {f.name: manifest_type(f.type) for f in schema}
    assert manifest["rows"] == pq.ParquetFile(files.data).metadata.num_rows
    assert manifest["run_id"] == files.run
    assert manifest["partition"] == files.dt.isoformat()
    assert manifest["rejects_key"] == (
        f"silver/{dataset.name}_rejects/dt={files.dt.isoformat()}/run={files.run}/rejects.parquet")


@by_name
def test_rejects_table_reads_with_its_own_schema(duck, folder_run: Run, dataset: Dataset):
    files = written(folder_run, dataset)
    manifest = files.manifest
    path = folder_run.lake_dir / manifest["rejects_key"]
    table = pq.read_table(path, page_checksum_verification=True)
    assert {f.name: manifest_type(f.type) for f in table.schema} == manifest["reject_types"]
    assert "reason" in table.schema.names and "bronze_key" in table.schema.names
    assert table.num_rows == manifest["rejects"]
    reasons = Counter(table.column("reason").to_pylist())
    assert dict(reasons) == manifest["reject_reasons"]
    if dataset is OHLCV:
        # The simulator sends 1% of the candles twice: the second copy is a reject.
        assert table.num_rows > 0 and set(reasons) == {"duplicate"}
        kept = {(r[0], r[1], r[2]) for r in
                folder_run.gold("SELECT symbol, timeframe, open_time FROM ohlcv")}
        for reject in table.to_pylist():
            assert reject["bronze_key"].startswith("bronze/binance/ohlcv/"), reject
            opened = datetime.fromtimestamp(reject["open_time"] / 1000, tz=timezone.utc)
            assert (reject["symbol"], reject["timeframe"], iso_ms(opened)) in kept, reject
    # DuckDB reads it too, partition columns included.
    glob = f"{folder_run.lake_dir}/silver/{dataset.name}_rejects/**/*.parquet"
    count, runs = duck.execute(
        f"SELECT count(*), list(DISTINCT run) FROM read_parquet('{glob}', hive_partitioning = true)"
    ).fetchone()
    assert count == manifest["rejects"]
    assert runs == ([files.run] if count else None)  # list() of no rows is NULL
    described = duck.execute(
        f"DESCRIBE SELECT * FROM read_parquet('{glob}', hive_partitioning = false)").fetchall()
    assert [r[0] for r in described] == table.schema.names


# --- DuckDB with httpfs on the S3 lake ---------------------------------------------------------

@pytest.fixture(scope="module")
def s3_duck(s3_server):
    con = duckdb_connection()
    con.execute("LOAD httpfs")
    host = s3_server.endpoint.removeprefix("http://")
    # The read-only identity: reading the lake needs no more.
    con.execute(
        "CREATE SECRET lake (TYPE s3, KEY_ID ?, SECRET ?, REGION 'us-east-1', ENDPOINT ?, "
        "URL_STYLE 'path', USE_SSL false)".replace("?", "'{}'").format(
            s3_server.reader_key, s3_server.reader_secret, host))
    yield con
    con.close()


def test_httpfs_comes_from_the_wheel_not_the_network(s3_duck):
    loaded, path = s3_duck.execute(
        "SELECT loaded, install_path FROM duckdb_extensions() WHERE extension_name = 'httpfs'"
    ).fetchone()
    assert loaded
    assert Path(path).is_relative_to(EXTENSION_DIR), path
    assert Path(path).is_file()
    assert s3_duck.execute("SELECT current_setting('autoinstall_known_extensions')").fetchone() == (False,)


@by_name
def test_duckdb_httpfs_reads_the_gold_rows_from_the_s3_lake(s3_duck, s3_run: Run, dataset: Dataset):
    root = f"s3://{S3_BUCKET}/{S3_PREFIX}/silver/{dataset.name}"
    manifests = s3_duck.execute(
        f"SELECT filename, content FROM read_text('{root}/*/*/_manifest.json')").fetchall()
    assert len(manifests) == 1, manifests
    manifest = json.loads(manifests[0][1])
    match = PART.search(manifests[0][0])
    assert match, manifests[0][0]
    assert manifest["run_id"] == match.group(2) == s3_run.run_id
    assert manifests[0][0] == f"s3://{S3_BUCKET}/{S3_PREFIX}/{manifest['data_key'].rsplit('/', 1)[0]}/_manifest.json"

    rows, types = duckdb_rows(s3_duck, f"{root}/**/*.parquet")
    assert types == [(n, DUCKDB[k]) for n, k, _ in dataset.columns] + [("dt", "DATE"), ("run", "VARCHAR")]
    assert len(rows) == manifest["rows"] == rows_expected(s3_run, dataset) > 0
    dt = expected_dt(s3_run, dataset, manifest)
    assert match.group(1) == dt.isoformat()
    assert {(r["dt"], r["run"]) for r in rows} == {(dt, s3_run.run_id)}
    assert_same_rows(dataset, rows, gold_rows(s3_run, dataset))
