#!/usr/bin/env python3
"""Writes a curl --config file fetching every page URL named by the extraction manifests under
a lake folder, each into its own file: the same requests cryptopipe made, for curl to replay."""
import json
import pathlib
import sys

lake, out_dir, config = (pathlib.Path(arg) for arg in sys.argv[1:4])
with config.open("w") as conf:
    count = 0
    for manifest in sorted(lake.glob("bronze/*/ohlcv/*/*/dt=*/_extractions/*.json")):
        for page in json.loads(manifest.read_text())["pages"]:
            conf.write(f'url = "{page["url"]}"\noutput = "{out_dir}/{count}.json"\n')
            count += 1
print(count)
