"""cryptopipe's Dagster code location: the engine's asset graph, run through Dagster Pipes."""
