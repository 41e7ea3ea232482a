"""Jobs and schedules: the daily partition shortly after UTC midnight, the days of sources that
publish late (Bybit's trade files) once they are out, snapshots every few minutes."""

from __future__ import annotations

import os
from datetime import timedelta

from dagster import (
    AssetSelection,
    RunRequest,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    build_schedule_from_partitioned_job,
    define_asset_job,
    schedule,
)

from cryptopipe_dagster import engine


def _published_late(engine_assets: list[engine.EngineAsset]) -> list[str]:
    """The daily assets whose source publishes late, and every daily asset downstream of them."""
    late = {a.key for a in engine_assets if a.publication_lag_days > 0}
    for asset in engine_assets:  # in topological order: dependencies come first
        if asset.partitioning == "daily" and late & set(asset.deps):
            late.add(asset.key)
    return [a.key for a in engine_assets if a.key in late]


def build_jobs(engine_assets: list[engine.EngineAsset]) -> tuple:
    """The daily job (one partition per run: every daily asset but the extracts of sources that
    publish late), the job of those late days (None when there are none) and the snapshot job."""
    late_extracts = {a.key for a in engine_assets if a.publication_lag_days > 0}
    daily_keys = [a.key for a in engine_assets
                  if a.partitioning == "daily" and a.key not in late_extracts]
    snapshot_keys = [a.key for a in engine_assets if a.partitioning != "daily"]
    ohlcv = define_asset_job(
        "ohlcv_daily",
        selection=AssetSelection.assets(*daily_keys),
        description="Every daily asset (OHLCV, and trades, funding and open interest where "
        "configured) for one UTC day, but the extracts of sources that publish late",
    )
    late = _published_late(engine_assets)
    archived = define_asset_job(
        "archived_daily",
        selection=AssetSelection.assets(*late),
        description="The days of sources that publish a day late (Bybit's trade files), with "
        "what is built from them, once they are out",
    ) if late else None
    snapshots = define_asset_job(
        "snapshots",
        selection=AssetSelection.assets(*snapshot_keys),
        description="One tickers and order-book snapshot of every exchange",
    )
    return ohlcv, archived, snapshots


def build_schedules(engine_assets: list[engine.EngineAsset], ohlcv, archived,
                    snapshots) -> list[ScheduleDefinition]:
    minute = int(os.environ.get("CRYPTOPIPE_OHLCV_SCHEDULE_MINUTE", "15"))
    # Each tick targets the day that just ended; the delay lets exchanges close its last candle.
    ohlcv_schedule = build_schedule_from_partitioned_job(
        ohlcv,
        name="ohlcv_daily_schedule",
        hour_of_day=0,
        minute_of_hour=minute,
    )
    snapshot_schedule = ScheduleDefinition(
        name="snapshots_schedule",
        job=snapshots,
        cron_schedule=os.environ.get("CRYPTOPIPE_SNAPSHOT_CRON", "*/5 * * * *"),
        execution_timezone="UTC",
    )
    schedules = [ohlcv_schedule, snapshot_schedule]
    if archived is not None:
        # The day its files are surely out: the longest publication lag before the day that
        # just ended (Bybit's trade files appear a day or so after their day).
        days_back = 1 + max(a.publication_lag_days for a in engine_assets)

        @schedule(name="archived_daily_schedule", job=archived,
                  cron_schedule=f"{minute} 0 * * *", execution_timezone="UTC")
        def archived_schedule(context: ScheduleEvaluationContext):
            day = (context.scheduled_execution_time - timedelta(days=days_back)).strftime("%Y-%m-%d")
            return RunRequest(run_key=day, partition_key=day)

        schedules.append(archived_schedule)
    return schedules
