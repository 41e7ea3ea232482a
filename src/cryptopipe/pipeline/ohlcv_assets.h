#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// bronze: pages through the exchange's candles for every configured symbol and timeframe of
// the day, stores each response byte for byte with its provenance, then an extraction manifest
// per series naming the pages. A series without its manifest is an incomplete extraction and
// is ignored downstream.
AssetResult extract_ohlcv(RunContext& context, const std::string& exchange, const UtcDay& day);

// silver: the latest complete extraction of every configured series → validated candles,
// rejects with reasons, gaps, and a manifest naming the bronze sources (written last).
// Exchanges in `left_out` (whose extraction failed in this run) are not read.
AssetResult transform_ohlcv(RunContext& context, const UtcDay& day,
                        const std::set<std::string>& left_out = {});

// gold: the latest silver table of the day upserted into the warehouse in one transaction.
AssetResult load_ohlcv(RunContext& context, const UtcDay& day);

}  // namespace cryptopipe::pipeline
