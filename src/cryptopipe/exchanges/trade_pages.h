#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/exchange.h"

// What the venues' public-trade clients share: a page put oldest first, the trades a page
// continues from, and the errors that end a paging that cannot go on.
namespace cryptopipe::exchanges {

// Throws Error(kInvalidInput) naming `exchange` unless [start, end) holds at least a
// millisecond from the epoch on: a paging over nothing would have no first request.
void require_trade_range(std::string_view exchange, TimestampMs start, TimestampMs end);

// Negative, zero or positive as trade id `a` is below, equal to or above `b`: ids of digits
// compare as numbers (the shorter is the smaller), others as text.
int compare_trade_ids(std::string_view a, std::string_view b);

// Negative, zero or positive as trade `a` comes before, with or after `b` in the market's
// history: by sequence where both have one, else by time, then by id.
int compare_trades(const RawTrade& a, const RawTrade& b);

// Reverses a page the venue sent newest first (Gate, OKX), judged by its first and last
// readable trades; a page already oldest first (Binance) is left as it is.
void put_oldest_first(std::vector<RawTrade>& trades);

// The first and the last trade of a page that is not malformed; nullptr where none is.
const RawTrade* first_readable(const std::vector<RawTrade>& trades);
const RawTrade* last_readable(const std::vector<RawTrade>& trades);

// Error(kBadPayload) for a page after which `exchange` would ask again for what it just had
// (`what` says which request and why), or could not tell where to go on: paging stops there
// instead of looping. The caller adds the URL of the page.
Error stalled_paging(std::string_view exchange, const std::string& what);

}  // namespace cryptopipe::exchanges
