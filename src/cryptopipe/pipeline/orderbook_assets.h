#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// Order books are snapshots like tickers: each materialization takes one book per configured
// symbol, `depth` levels per side, filed under the UTC day it was taken (`day`).

// bronze: one book request per symbol, each stored byte for byte, then an extraction manifest.
AssetResult extract_orderbook(RunContext& context, const std::string& exchange, const UtcDay& day);

// silver: the newest books of every configured exchange that day → one row per level, rejects
// with reasons, and the checks (sorted, not crossed, full depth).
// Exchanges in `left_out` (whose extraction failed in this run) are not read.
AssetResult transform_orderbook(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out = {});

// gold: the newest silver levels of the day upserted into table orderbook_levels.
AssetResult load_orderbook(RunContext& context, const UtcDay& day);

}  // namespace cryptopipe::pipeline
