#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// Throws Error(kInvalidInput) naming the venue's cap when the exchange serves too few recent
// candles (ExchangeDescriptor::ohlcv_history_candles) for a configured timeframe to reach the
// first candle of `day` at time `now` (ms): such a partition can never be extracted.
void require_within_history(const ExchangeConfig& exchange, const UtcDay& day, TimestampMs now);

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
