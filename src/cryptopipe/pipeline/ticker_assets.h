#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// Tickers are snapshots: each materialization appends one, filed under the UTC day it was
// taken (`day`).

// bronze: one bulk tickers request for the exchange's configured symbols, stored byte for
// byte, then an extraction manifest naming it and the markets that were asked for.
AssetResult extract_tickers(RunContext& context, const std::string& exchange, const UtcDay& day);

// silver: the newest snapshot of every configured exchange that day → validated tickers,
// rejects with reasons, data-quality checks, a manifest written last.
// Exchanges in `left_out` (whose extraction failed in this run) are not read.
AssetResult transform_tickers(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out = {});

// gold: the newest silver tickers of the day upserted into table tickers in one transaction.
AssetResult load_tickers(RunContext& context, const UtcDay& day);

}  // namespace cryptopipe::pipeline
