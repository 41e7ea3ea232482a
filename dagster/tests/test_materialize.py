"""Real Dagster materializing through the C++ engine and Dagster Pipes, against the simulator."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
from datetime import datetime, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from dagster import (
    AssetKey,
    DagsterInstance,
    build_run_status_sensor_context,
    build_schedule_context,
    materialize,
)

from conftest import BUILD, Simulator, days_ago, write_config, yesterday
from cryptopipe_dagster.location import build_definitions
from cryptopipe_dagster.sensors import run_failure_alert


def event_text(instance: DagsterInstance, run_id: str) -> str:
    return "\n".join(str(entry) for entry in instance.all_logs(run_id))


def test_whole_graph_for_one_partition(engine_config, work):
    defs = build_definitions()
    day = yesterday()
    with DagsterInstance.ephemeral() as instance:
        result = materialize(
            list(defs.assets), partition_key=day, resources=defs.resources, instance=instance
        )
        assert result.success

        materialized = {
            e.asset_key.to_user_string(): e.materialization.metadata
            for e in result.get_asset_materialization_events()
        }
        assert set(materialized) == {k.to_user_string() for a in defs.assets for k in a.keys}
        ohlcv = materialized["transform_ohlcv"]
        # Three exchanges x two symbols x 24 hourly candles of one day.
        assert ohlcv["rows"].value == 144
        assert ohlcv["dagster/row_count"].value == 144
        assert ohlcv["rejects"].value == 0
        assert isinstance(ohlcv["seconds"].value, float)
        assert ohlcv["silver_bytes"].value > 0
        assert materialized["extract_binance_ohlcv"]["objects"].value > 0
        assert materialized["load_ohlcv_to_postgres"]["inserted"].value == 144

        checks = {
            (c.asset_key.to_user_string(), c.check_name): c
            for c in result.get_asset_check_evaluations()
        }
        assert checks[("transform_ohlcv", "ohlcv_no_gaps")].passed
        assert checks[("transform_ohlcv", "ohlcv_no_rejects")].passed
        assert ("transform_tickers", "tickers_bid_not_above_ask") in checks
        assert ("transform_orderbook", "orderbook_not_crossed") in checks

        # The engine's milestones reached Dagster's event log as it ran.
        assert "materialized asset=transform_ohlcv" in event_text(instance, result.run_id)

    with sqlite3.connect(work / "warehouse.db") as db:
        (rows,) = db.execute(
            "SELECT count(*) FROM ohlcv WHERE open_time >= ? AND open_time < ?", (day, day + "~")
        ).fetchone()
        (audit_run,) = db.execute(
            "SELECT run_id FROM run_audit WHERE asset = 'transform_ohlcv'"
        ).fetchone()
    assert rows == 144
    assert audit_run.endswith(result.run_id)


def test_every_venue_the_engine_supports_materializes_through_dagster(work, monkeypatch):
    """Each venue of `cryptopipe exchanges` gets its extract assets in the code location, and a
    day of its hourly candles goes through bronze, silver and gold under Dagster."""
    listed = subprocess.run([str(BUILD / "cryptopipe"), "exchanges", "--json"],
                            capture_output=True, text=True, check=True)
    venues = tuple(venue["name"] for venue in json.loads(listed.stdout))
    assert len(venues) >= 3
    sim = Simulator(work)
    try:
        config = write_config(work, sim, venues=venues, symbols="[BTC/USDT]")
        monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(config))
        defs = build_definitions()
        keys = {k.to_user_string() for a in defs.assets for k in a.keys}
        for venue in venues:
            assert {f"extract_{venue}_{d}" for d in ("ohlcv", "tickers", "orderbook")} <= keys
        ohlcv_chain = [a for a in defs.assets
                       if any("ohlcv" in k.to_user_string() for k in a.keys)]
        day = yesterday()
        with DagsterInstance.ephemeral() as instance:
            result = materialize(ohlcv_chain, partition_key=day, resources=defs.resources,
                                 instance=instance)
            assert result.success
    finally:
        sim.stop()
    with sqlite3.connect(work / "warehouse.db") as db:
        counts = dict(db.execute(
            "SELECT exchange, count(*) FROM ohlcv WHERE timeframe = '1h' AND is_closed = 1 "
            "AND open_time >= ? AND open_time < ? GROUP BY exchange", (day, day + "~")))
    assert counts == {venue: 24 for venue in venues}


def test_trades_materialize_through_dagster_with_their_checks(work, monkeypatch):
    """Trades assets exist for the venues given trade_symbols, join the daily job, and a day of
    trades reaches gold with the contiguity check evaluated in Dagster: Binance's and Gate's by
    REST, Bybit's from its archive site."""
    sim = Simulator(work)
    try:
        config = write_config(work, sim, venues=("binance", "gateio", "bybit", "okx"),
                              symbols="[BTC/USDT]", trade_venues=("binance", "gateio", "bybit"),
                              archive_venues=("bybit",))
        monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(config))
        defs = build_definitions()
        keys = {k.to_user_string() for a in defs.assets for k in a.keys}
        assert {"extract_binance_trades", "extract_gateio_trades", "extract_bybit_trades",
                "transform_trades", "load_trades_to_postgres"} <= keys
        assert "extract_okx_trades" not in keys
        daily_job = defs.get_job_def("ohlcv_daily")
        assert AssetKey("load_trades_to_postgres") in daily_job.asset_layer.executable_asset_keys
        trades_chain = [a for a in defs.assets
                        if any("trades" in k.to_user_string() for k in a.keys)]
        day = days_ago(2)  # Bybit's file of yesterday is not published yet
        with DagsterInstance.ephemeral() as instance:
            result = materialize(trades_chain, partition_key=day, resources=defs.resources,
                                 instance=instance)
            assert result.success
            checks = {c.check_name: c for c in result.get_asset_check_evaluations()
                      if c.asset_key == AssetKey("transform_trades")}
            assert checks["trades_contiguous"].passed
            assert checks["trades_no_rejects"].passed
    finally:
        sim.stop()
    with sqlite3.connect(work / "warehouse.db") as db:
        counts = dict(db.execute("SELECT exchange, count(*) FROM trades GROUP BY exchange"))
    # The simulator trades one market the same way on every venue.
    assert set(counts) == {"binance", "gateio", "bybit"}
    assert counts["binance"] == counts["gateio"] == counts["bybit"] > 1000


def test_a_day_whose_files_are_not_out_yet_waits_for_its_own_schedule(work, monkeypatch):
    """Bybit's trade files appear a day after their day: the daily job leaves its extract out and
    lands the other venues' trades with Bybit's listed as awaiting publication; the archived
    days' job, scheduled for two days back, extracts them and transforms the day again."""
    sim = Simulator(work)
    try:
        config = write_config(work, sim, venues=("binance", "bybit"), symbols="[BTC/USDT]",
                              trade_venues=("binance", "bybit"), archive_venues=("bybit",))
        monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(config))
        defs = build_definitions()
        daily = {k.to_user_string() for k in
                 defs.resolve_job_def("ohlcv_daily").asset_layer.executable_asset_keys}
        archived = {k.to_user_string() for k in
                    defs.resolve_job_def("archived_daily").asset_layer.executable_asset_keys}
        assert "extract_bybit_trades" not in daily
        assert {"extract_binance_trades", "transform_trades", "load_trades_to_postgres"} <= daily
        assert archived == {"extract_bybit_trades", "transform_trades", "load_trades_to_postgres"}

        schedule = defs.resolve_schedule_def("archived_daily_schedule")
        assert schedule.cron_schedule == "15 0 * * *"
        tick = datetime(2026, 12, 4, 0, 15, tzinfo=timezone.utc)
        requests = schedule.evaluate_tick(build_schedule_context(
            scheduled_execution_time=tick, repository_def=defs.get_repository_def()))
        assert [r.partition_key for r in requests.run_requests] == ["2026-12-02"]

        day = yesterday()
        trades_of_day = [a for a in defs.assets
                         if any(k.to_user_string() in daily and "trades" in k.to_user_string()
                                for k in a.keys)]
        with DagsterInstance.ephemeral() as instance:
            result = materialize(trades_of_day, partition_key=day, resources=defs.resources,
                                 instance=instance)
            assert result.success
            transform = [m for m in result.asset_materializations_for_node("transform_trades")]
            pending = transform[0].metadata["awaiting_publication"].value
            assert pending == [{"exchange": "bybit", "symbol": "BTC/USDT"}]
    finally:
        sim.stop()
    with sqlite3.connect(work / "warehouse.db") as db:
        counts = dict(db.execute("SELECT exchange, count(*) FROM trades GROUP BY exchange"))
    assert set(counts) == {"binance"}


def test_perpetuals_materialize_through_dagster_with_their_checks(work, monkeypatch):
    """Funding and open-interest assets exist for the venues given perp_symbols, join the daily
    job, and a day reaches gold with the completeness checks evaluated in Dagster; the three
    venues agree on every value (the simulator runs one perpetual)."""
    sim = Simulator(work)
    venues = ("binance", "bybit", "gateio")
    try:
        config = write_config(work, sim, venues=venues, symbols="[BTC/USDT]", perp_venues=venues)
        monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(config))
        defs = build_definitions()
        keys = {k.to_user_string() for a in defs.assets for k in a.keys}
        for dataset in ("funding", "open_interest"):
            assert {f"extract_{venue}_{dataset}" for venue in venues} <= keys
            assert {f"transform_{dataset}", f"load_{dataset}_to_postgres"} <= keys
        daily_job = defs.get_job_def("ohlcv_daily")
        assert AssetKey("load_funding_to_postgres") in daily_job.asset_layer.executable_asset_keys
        chain = [a for a in defs.assets
                 if any("funding" in k.to_user_string() or "open_interest" in k.to_user_string()
                        for k in a.keys)]
        with DagsterInstance.ephemeral() as instance:
            result = materialize(chain, partition_key=yesterday(), resources=defs.resources,
                                 instance=instance)
            assert result.success
            checks = {c.check_name: c for c in result.get_asset_check_evaluations()}
            for name in ("funding_complete", "funding_no_rejects", "open_interest_complete",
                         "open_interest_no_rejects"):
                assert checks[name].passed, name
    finally:
        sim.stop()
    with sqlite3.connect(work / "warehouse.db") as db:
        funding = db.execute("SELECT exchange, funding_time, funding_rate FROM funding_rates "
                             "ORDER BY exchange, funding_time").fetchall()
        open_interest = db.execute("SELECT exchange, ts, open_interest FROM open_interest "
                                   "ORDER BY exchange, ts").fetchall()
    by_venue = {venue: [(t, Decimal(r)) for e, t, r in funding if e == venue] for venue in venues}
    assert len(by_venue["binance"]) == 3
    assert by_venue["binance"] == by_venue["bybit"] == by_venue["gateio"]
    samples = {venue: [(t, Decimal(v)) for e, t, v in open_interest if e == venue]
               for venue in venues}
    assert len(samples["binance"]) == 288
    assert samples["binance"] == samples["bybit"] == samples["gateio"]


def test_a_failing_exchange_fails_the_run_with_the_engines_error(work, monkeypatch):
    failing = Simulator(work, "--error-rate", "1")
    try:
        monkeypatch.setenv("CRYPTOPIPE_CONFIG", str(write_config(work, failing, max_attempts=1)))
        defs = build_definitions()
        with DagsterInstance.ephemeral() as instance:
            extract = [a for a in defs.assets if AssetKey("extract_binance_ohlcv") in a.keys]
            result = materialize(
                extract,
                partition_key=yesterday(),
                resources=defs.resources,
                instance=instance,
                raise_on_error=False,
            )
            assert not result.success
            assert result.get_asset_materialization_events() == []
            text = event_text(instance, result.run_id)
            # The C++ error, as the engine worded it, reached Dagster (closed's exception and the
            # engine's own error record).
            assert "extract_binance_ohlcv failed: transient error:" in text
            assert "/binance/api/v3/klines" in text

            # The failure sensor logs the run and posts it to the configured webhook.
            received = []

            class Hook(BaseHTTPRequestHandler):
                def do_POST(self):
                    received.append(self.rfile.read(int(self.headers["Content-Length"])))
                    self.send_response(204)
                    self.end_headers()

                def log_message(self, *args):
                    pass

            server = HTTPServer(("127.0.0.1", 0), Hook)
            thread = threading.Thread(target=server.handle_request)
            thread.start()
            monkeypatch.setenv("CRYPTOPIPE_ALERT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/hook")
            run = instance.get_run_by_id(result.run_id)
            context = build_run_status_sensor_context(
                sensor_name="cryptopipe_run_failure",
                dagster_event=result.get_run_failure_event(),
                dagster_instance=instance,
                dagster_run=run,
            ).for_run_failure()
            run_failure_alert(context)
            thread.join(timeout=10)
            server.server_close()
            assert len(received) == 1
            assert result.run_id.encode() in received[0]
    finally:
        failing.stop()


def start_dagster_cli(*args: str, cwd: Path) -> subprocess.Popen:
    dagster = Path(sys.executable).parent / "dagster"
    return subprocess.Popen(
        [str(dagster), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def dagster_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return finish(start_dagster_cli(*args, cwd=cwd))


def bronze_days(work: Path) -> set[str]:
    return {
        part[3:]
        for path in (work / "lake" / "bronze" / "binance" / "ohlcv").rglob("*.json")
        for part in path.parts
        if part.startswith("dt=")
    }


def test_dagster_asset_materialize_from_the_command_line(engine_config, work):
    day = yesterday()
    done = dagster_cli(
        "asset", "materialize", "-m", "cryptopipe_dagster.definitions",
        "--select", "extract_binance_ohlcv", "--partition", day, cwd=work,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert bronze_days(work) == {day}


def test_a_partition_range_runs_in_one_engine_process(engine_config, work):
    first, last = days_ago(3), days_ago(2)
    done = dagster_cli(
        "asset", "materialize", "-m", "cryptopipe_dagster.definitions",
        "--select", "extract_binance_ohlcv", "--partition-range", f"{first}...{last}", cwd=work,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert bronze_days(work) == {first, last}
    assert done.stderr.count('"msg":"run started"') == 1  # one engine process for both days


def test_two_dagster_runs_of_one_partition_at_once_both_succeed(engine_config, work):
    """A schedule firing while a backfill of the same day runs (issue 11): each Dagster run's
    engine processes store pages under keys of their own, and both runs converge on one gold."""
    day = yesterday()
    args = ("asset", "materialize", "-m", "cryptopipe_dagster.definitions",
            "--select", "*load_ohlcv_to_postgres", "--partition", day)
    runs = [start_dagster_cli(*args, cwd=work) for _ in range(2)]
    for done in [finish(run) for run in runs]:
        assert done.returncode == 0, done.stdout + done.stderr
        assert "already exists" not in done.stderr

    with sqlite3.connect(work / "warehouse.db") as db:
        (rows,) = db.execute(
            "SELECT count(*) FROM ohlcv WHERE open_time >= ? AND open_time < ?", (day, day + "~")
        ).fetchone()
        audit = db.execute("SELECT run_id, asset, status FROM run_audit").fetchall()
    assert rows == 144  # three exchanges x two symbols x 24 hourly candles, loaded by both runs
    assert {status for _, _, status in audit} == {"success"}
    # Engine run ids are {start}-{Dagster run id}: two Dagster runs, each with all five assets.
    dagster_runs = {run_id.split("-", 1)[1] for run_id, _, _ in audit}
    assert len(dagster_runs) == 2
    assert len(audit) == 2 * 5

    manifests = sorted((work / "lake" / "bronze").rglob("_extractions/*.json"))
    assert len(manifests) == 2 * 3 * 2  # two runs x three exchanges x two series
    pages = set()
    for manifest in manifests:
        content = json.loads(manifest.read_text())
        for page in content["pages"]:
            assert f"-{content['run_id']}-" in page["key"], (manifest, page["key"])
            assert (work / "lake" / page["key"]).is_file(), page["key"]
            pages.add(page["key"])
    assert len(pages) == sum(len(json.loads(m.read_text())["pages"]) for m in manifests)
