"""One Dagster asset per engine asset, each run as its own `cryptopipe materialize` process.

Why one process per asset rather than a multi-asset per layer: a layer mixes daily and
snapshot assets (Dagster wants one partitions definition per multi-asset), one failed process
discards every result it would have reported, and separate steps give each asset its own
status, logs, retries and re-execution in the UI. The engine's per-exchange rate limit holds
because at most one step per exchange runs at a time (the `cryptopipe/exchange` tag, limited in
the executor in definitions.py).
"""

from dagster import (
    AssetCheckSpec,
    AssetExecutionContext,
    AssetsDefinition,
    AssetSpec,
    BackfillPolicy,
    PartitionsDefinition,
    PipesSubprocessClient,
    multi_asset,
)

from cryptopipe_dagster import engine

EXCHANGE_TAG = "cryptopipe/exchange"


def pipes_extras(context: AssetExecutionContext) -> dict:
    """What the engine cannot read from the Pipes context by itself.

    A single-run backfill of a partition range leaves Dagster's partition fields empty, so the
    range travels as the `partition_range` extra; the engine materializes every day of it.
    """
    if context.has_partition_key or not context.has_partition_key_range:
        return {}
    key_range = context.partition_key_range
    return {"partition_range": {"start": key_range.start, "end": key_range.end}}


def build_asset(asset: engine.EngineAsset, daily: PartitionsDefinition) -> AssetsDefinition:
    partitions_def = daily if asset.partitioning == "daily" else None

    @multi_asset(
        name=asset.key,
        specs=[
            AssetSpec(
                asset.key,
                deps=list(asset.deps),
                description=asset.description,
                group_name=asset.group,
                kinds={"cpp"},
            )
        ],
        check_specs=[AssetCheckSpec(name, asset=asset.key) for name in asset.checks],
        partitions_def=partitions_def,
        backfill_policy=BackfillPolicy.single_run() if partitions_def else None,
        op_tags={EXCHANGE_TAG: asset.exchange} if asset.exchange else None,
    )
    def materialize(context: AssetExecutionContext, pipes_subprocess_client: PipesSubprocessClient):
        invocation = pipes_subprocess_client.run(
            context=context,
            command=[engine.binary(), "materialize"],
            extras=pipes_extras(context),
        )
        yield from invocation.get_results()

    return materialize


def build_assets(
    engine_assets: list[engine.EngineAsset], daily: PartitionsDefinition
) -> list[AssetsDefinition]:
    return [build_asset(asset, daily) for asset in engine_assets]
