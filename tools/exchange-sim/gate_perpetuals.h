#pragma once

#include <httplib.h>

#include "sim_clock.h"

namespace exchange_sim::gate {

// GET /futures/usdt/funding_rate: contract (BTC_USDT), limit [1, 1000] default 100, from, to
// (seconds, inclusive). Newest first: the newest `limit` events in [from, to or now].
void answer_funding_rate(const httplib::Request& request, httplib::Response& response,
                         const SimClock& clock);

// GET /futures/usdt/contract_stats: contract, from (seconds), interval (5m 15m 30m 1h 4h 1d,
// default 5m), limit [1, 100] default 30. Oldest first from `from`, else the latest `limit`.
// open_interest counts contracts; open_interest_usd is a JSON number, as Gate prints it.
void answer_contract_stats(const httplib::Request& request, httplib::Response& response,
                           const SimClock& clock);

// GET /futures/usdt/contracts/{contract}: the contract's description, quanto_multiplier
// included.
void answer_contract(const httplib::Request& request, httplib::Response& response,
                     const SimClock& clock);

// GET /futures/usdt/contracts: every contract's description, one per USDT market.
void answer_contracts(const httplib::Request& request, httplib::Response& response,
                      const SimClock& clock);

}  // namespace exchange_sim::gate
