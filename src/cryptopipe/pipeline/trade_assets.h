#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"

namespace cryptopipe::pipeline {

// Throws Error(kInvalidInput) naming the venue's reach when it serves only its recent days of
// trades (ExchangeDescriptor::trades_history_days) and `day` began before them at time `now`.
void require_trades_within_history(const ExchangeConfig& exchange, const UtcDay& day,
                                   TimestampMs now);

// bronze: pages through the public trades of every configured trade symbol of the exchange
// over the day, as the venue pages (by id, time or page number), stores each response byte
// for byte with its provenance, then an extraction manifest per market naming the pages and
// the oldest trade of each. A market without its manifest is an incomplete extraction.
AssetResult extract_trades(RunContext& context, const std::string& exchange, const UtcDay& day);

// silver: the latest complete extraction of every configured market → the day's trades,
// de-duplicated and validated, rejects with reasons, proven trade-number gaps (venues that
// number trades) or the longest silences (the others), and a manifest written last.
// Exchanges in `left_out` (whose extraction failed in this run) are not read.
AssetResult transform_trades(RunContext& context, const UtcDay& day,
                             const std::set<std::string>& left_out = {});

// gold: the latest silver trades of the day upserted into table trades in one transaction.
AssetResult load_trades(RunContext& context, const UtcDay& day);

}  // namespace cryptopipe::pipeline
