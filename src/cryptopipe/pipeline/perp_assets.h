#pragma once

#include <set>
#include <string>

#include "cryptopipe/core/time.h"
#include "cryptopipe/pipeline/run_context.h"
#include "cryptopipe/transform/perp_transform.h"

namespace cryptopipe::pipeline {

// Throws Error(kInvalidInput) naming the venue's reach when it serves only its recent days of
// open interest (ExchangeDescriptor::open_interest_history_days) and `day` began before them.
void require_open_interest_within_history(const ExchangeConfig& exchange, const UtcDay& day,
                                          TimestampMs now);

// bronze: the day's funding events or open-interest samples of every configured perpetual of
// the exchange, by time windows each one request serves, every response stored byte for byte
// (and, where the venue counts open interest in contracts, the contract's description), then
// an extraction manifest per market.
AssetResult extract_perp(RunContext& context, transform::PerpDataset dataset,
                         const std::string& exchange, const UtcDay& day);

// silver: the latest complete extraction of every configured perpetual → the day's points,
// de-duplicated and validated, rejects with reasons, the expected points that are missing,
// and a manifest written last. Exchanges in `left_out` are not read.
AssetResult transform_perp(RunContext& context, transform::PerpDataset dataset, const UtcDay& day,
                           const std::set<std::string>& left_out = {});

// gold: the latest silver points of the day upserted into funding_rates / open_interest.
AssetResult load_perp(RunContext& context, transform::PerpDataset dataset, const UtcDay& day);

}  // namespace cryptopipe::pipeline
