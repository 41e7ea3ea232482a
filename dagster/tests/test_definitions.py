"""The code location is generated from `cryptopipe assets --json` and matches it exactly."""

from __future__ import annotations

import json
import os
import subprocess

from dagster import AssetKey, DailyPartitionsDefinition

from cryptopipe_dagster import engine
from cryptopipe_dagster.location import build_definitions

# The names of the original specification, which users already type.
SPEC_ASSETS = {
    "extract_binance_ohlcv": "bronze",
    "extract_bybit_tickers": "bronze",
    "extract_gateio_orderbook": "bronze",
    "transform_ohlcv": "silver",
    "transform_tickers": "silver",
    "transform_orderbook": "silver",
    "load_ohlcv_to_postgres": "gold",
    "load_tickers_to_postgres": "gold",
}


def engine_graph() -> list[dict]:
    done = subprocess.run([engine.binary(), "assets", "--json"], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["assets"]


def test_definitions_match_the_engines_asset_graph(engine_config, monkeypatch):
    monkeypatch.setenv("CRYPTOPIPE_START_DATE", "2026-02-01")
    defs = build_definitions()
    graph = defs.resolve_asset_graph()
    expected = engine_graph()
    assert {key.to_user_string() for key in defs.resolve_all_asset_keys()} == {a["key"] for a in expected}
    for asset in expected:
        node = graph.get(AssetKey(asset["key"]))
        assert node.group_name == asset["group"], asset["key"]
        assert {p.to_user_string() for p in node.parent_entity_keys} == set(asset["deps"]), asset["key"]
        assert node.description == asset["description"]
        checks = {c.name for c in graph.get_check_keys_for_assets({node.key})}
        assert checks == set(asset["checks"]), asset["key"]
        if asset["partitioning"] == "daily":
            assert isinstance(node.partitions_def, DailyPartitionsDefinition), asset["key"]
            assert node.partitions_def.start.strftime("%Y-%m-%d") == "2026-02-01"
            assert node.backfill_policy is not None
        else:
            assert node.partitions_def is None, asset["key"]
    for key, group in SPEC_ASSETS.items():
        assert graph.get(AssetKey(key)).group_name == group
    assert {c.name for c in graph.get_check_keys_for_assets({AssetKey("transform_ohlcv")})} >= {
        "ohlcv_no_gaps",
        "ohlcv_no_rejects",
    }


def test_schedules_sensor_and_jobs(engine_config, monkeypatch):
    monkeypatch.setenv("CRYPTOPIPE_SNAPSHOT_CRON", "*/7 * * * *")
    defs = build_definitions()
    assert defs.resolve_schedule_def("snapshots_schedule").cron_schedule == "*/7 * * * *"
    assert defs.resolve_schedule_def("ohlcv_daily_schedule").cron_schedule == "15 0 * * *"
    assert [s.name for s in defs.sensors] == ["cryptopipe_run_failure"]
    assert defs.resolve_job_def("ohlcv_daily").partitions_def is not None
    snapshot_keys = {k.to_user_string() for k in defs.resolve_job_def("snapshots").asset_layer.executable_asset_keys}
    assert "extract_bybit_tickers" in snapshot_keys and "transform_ohlcv" not in snapshot_keys


def test_a_missing_engine_is_a_clear_error(work, monkeypatch):
    monkeypatch.setenv("CRYPTOPIPE_BIN", str(work / "no-such-cryptopipe"))
    try:
        build_definitions()
    except engine.EngineError as error:
        assert "no-such-cryptopipe" in str(error)
    else:
        raise AssertionError("build_definitions() succeeded without an engine")


def test_dotenv_in_the_working_directory_configures_the_code_location(engine_config, work):
    # Variables set in the environment win; .env fills in the rest, as with `dagster dev`.
    (work / ".env").write_text("CRYPTOPIPE_START_DATE=2026-03-01\nCRYPTOPIPE_SNAPSHOT_CRON=*/9 * * * *\n")
    os.environ["CRYPTOPIPE_SNAPSHOT_CRON"] = "*/3 * * * *"
    try:
        defs = build_definitions()
        daily = defs.resolve_asset_graph().get(AssetKey("transform_ohlcv")).partitions_def
        assert daily.start.strftime("%Y-%m-%d") == "2026-03-01"
        assert defs.resolve_schedule_def("snapshots_schedule").cron_schedule == "*/3 * * * *"
    finally:
        os.environ.pop("CRYPTOPIPE_START_DATE", None)
        os.environ.pop("CRYPTOPIPE_SNAPSHOT_CRON", None)
