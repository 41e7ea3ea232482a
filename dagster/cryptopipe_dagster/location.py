"""Definitions built from the engine's asset graph and the environment."""

from __future__ import annotations

import os

from dagster import (
    DailyPartitionsDefinition,
    Definitions,
    PipesSubprocessClient,
    multiprocess_executor,
)
from dotenv import load_dotenv

from cryptopipe_dagster import engine
from cryptopipe_dagster.assets import EXCHANGE_TAG, build_assets
from cryptopipe_dagster.schedules import build_jobs, build_schedules
from cryptopipe_dagster.sensors import run_failure_alert


def build_definitions() -> Definitions:
    # `dagster dev` reads .env itself; `dagster asset materialize` and code servers do not.
    # Variables already set win, and the engine sees the same values through its environment.
    load_dotenv(os.path.join(os.getcwd(), ".env"), override=False)
    engine_assets = engine.load_assets()
    daily = DailyPartitionsDefinition(
        start_date=os.environ.get("CRYPTOPIPE_START_DATE", "2026-01-01"), timezone="UTC"
    )
    ohlcv_job, archived_job, snapshots_job = build_jobs(engine_assets)
    return Definitions(
        assets=build_assets(engine_assets, daily),
        jobs=[job for job in (ohlcv_job, archived_job, snapshots_job) if job is not None],
        schedules=build_schedules(engine_assets, ohlcv_job, archived_job, snapshots_job),
        sensors=[run_failure_alert],
        resources={"pipes_subprocess_client": PipesSubprocessClient()},
        # One step per exchange at a time, so the engine's rate limiter for it is the only one.
        executor=multiprocess_executor.configured(
            {
                "tag_concurrency_limits": [
                    {"key": EXCHANGE_TAG, "value": {"applyLimitPerUniqueValue": True}, "limit": 1}
                ]
            }
        ),
    )

