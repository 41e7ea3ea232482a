"""The code location: `dagster dev -m cryptopipe_dagster.definitions`."""

from cryptopipe_dagster.location import build_definitions

defs = build_definitions()
