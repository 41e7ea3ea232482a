"""Jobs and schedules: the OHLCV partition shortly after UTC midnight, snapshots every few minutes."""

from __future__ import annotations

import os

from dagster import (
    AssetSelection,
    ScheduleDefinition,
    build_schedule_from_partitioned_job,
    define_asset_job,
)

from cryptopipe_dagster import engine


def build_jobs(engine_assets: list[engine.EngineAsset]) -> tuple:
    """The OHLCV job (daily assets, one partition per run) and the snapshot job."""
    daily_keys = [a.key for a in engine_assets if a.partitioning == "daily"]
    snapshot_keys = [a.key for a in engine_assets if a.partitioning != "daily"]
    ohlcv = define_asset_job(
        "ohlcv_daily",
        selection=AssetSelection.assets(*daily_keys),
        description="Every daily asset (OHLCV, and trades, funding and open interest where configured) for one UTC day",
    )
    snapshots = define_asset_job(
        "snapshots",
        selection=AssetSelection.assets(*snapshot_keys),
        description="One tickers and order-book snapshot of every exchange",
    )
    return ohlcv, snapshots


def build_schedules(ohlcv, snapshots) -> list[ScheduleDefinition]:
    # Each tick targets the day that just ended; the delay lets exchanges close its last candle.
    ohlcv_schedule = build_schedule_from_partitioned_job(
        ohlcv,
        name="ohlcv_daily_schedule",
        hour_of_day=0,
        minute_of_hour=int(os.environ.get("CRYPTOPIPE_OHLCV_SCHEDULE_MINUTE", "15")),
    )
    snapshot_schedule = ScheduleDefinition(
        name="snapshots_schedule",
        job=snapshots,
        cron_schedule=os.environ.get("CRYPTOPIPE_SNAPSHOT_CRON", "*/5 * * * *"),
        execution_timezone="UTC",
    )
    return [ohlcv_schedule, snapshot_schedule]
