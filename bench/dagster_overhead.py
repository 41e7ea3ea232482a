"""The cost Dagster adds: one OHLCV partition (extract, transform, load) materialized by
`cryptopipe materialize` standalone and through Dagster (materialize() in-process, Pipes),
alternately, in fresh lakes and warehouses, against the same simulator.

usage: .venv/bin/python bench/dagster_overhead.py CRYPTOPIPE_BIN SIM_ADDRESS WORK_DIR [ROUNDS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

SYMBOLS = "BTC/USDT, ETH/USDT, BNB/USDT, SOL/USDT, XRP/USDT, ADA/USDT, DOGE/USDT, TRX/USDT, LTC/USDT, DOT/USDT"
SELECTION = ["extract_binance_ohlcv", "transform_ohlcv", "load_ohlcv_to_postgres"]


def write_config(folder: Path, address: str) -> Path:
    folder.mkdir(parents=True)
    config = folder / "cryptopipe.yaml"
    config.write_text(
        f"lake: file://{folder / 'lake'}\nwarehouse: sqlite://{folder / 'warehouse.db'}\n"
        f"log_level: warn\nexchanges:\n  binance:\n    base_url: http://{address}/binance\n"
        f"    symbols: [{SYMBOLS}]\n    timeframes: [1m]\n"
    )
    return config


def main() -> None:
    binary, address, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    day = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    os.environ["CRYPTOPIPE_BIN"] = binary
    os.environ["CRYPTOPIPE_CONFIG"] = str(write_config(work / "graph", address))

    from dagster import DagsterInstance, materialize

    from cryptopipe_dagster.location import build_definitions

    defs = build_definitions()
    assets = [a for a in defs.assets if any(k.to_user_string() in SELECTION for k in a.keys)]
    standalone, dagster, events, engine = [], [], [], []
    # The engine's run summaries (its stdout, which Dagster forwards) stay out of the report.
    report = os.dup(1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)
    with DagsterInstance.ephemeral() as instance:
        for round_ in range(rounds):
            config = write_config(work / f"standalone-{round_}", address)
            start = time.perf_counter()
            subprocess.run(
                [binary, "--config", str(config), "materialize", "--select", ",".join(SELECTION),
                 "--partition", day],
                check=True, stdout=subprocess.DEVNULL,
            )
            standalone.append(time.perf_counter() - start)

            os.environ["CRYPTOPIPE_CONFIG"] = str(write_config(work / f"dagster-{round_}", address))
            start = time.perf_counter()
            result = materialize(assets, partition_key=day, resources=defs.resources, instance=instance)
            dagster.append(time.perf_counter() - start)
            assert result.success
            events.append(len(instance.all_logs(result.run_id)))
            engine.append(sum(e.materialization.metadata["seconds"].value
                              for e in result.get_asset_materialization_events()))

    sys.stdout.flush()
    os.dup2(report, 1)
    ours, theirs = statistics.median(dagster), statistics.median(standalone)
    print(f"one OHLCV partition ({day}, 10 symbols x 1m = 14,400 candles; extract, transform, load), "
          f"median of {rounds}")
    print(f"  cryptopipe materialize standalone (one process):   {theirs:7.2f} s")
    print(f"  Dagster materialize() through Pipes (3 processes): {ours:7.2f} s")
    print(f"  ratio Dagster/standalone: {ours / theirs:.2f}x; Dagster adds {ours - theirs:.2f} s per partition")
    print(f"  inside the Dagster run, the assets' own work: {statistics.median(engine):.2f} s; "
          f"{statistics.median(events):.0f} Dagster events per run (Pipes messages included)")


if __name__ == "__main__":
    main()
