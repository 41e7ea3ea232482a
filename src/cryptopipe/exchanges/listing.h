#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/net/http_client.h"
#include "cryptopipe/net/rate_limiter.h"

namespace cryptopipe::exchanges {

// Throws Error(kInvalidInput) naming every symbol the listing lacks, or lists with a status
// other than `trading_status` (delisted, halted), and where the listing came from.
void require_listed(std::string_view exchange, const std::vector<Symbol>& symbols,
                    const Listing& listing, std::string_view trading_status,
                    const std::string& source_url);

// A response header holding an integer (Retry-After, weight counters); nullopt when absent or
// not an integer.
std::optional<std::int64_t> header_int(const net::HttpResponse& response,
                                       const std::string& lower_case_name);

// Corrects the limiter from a response's window headers (Bybit's X-Bapi-Limit-*, Gate's
// X-Gate-RateLimit-*): when `remaining_header` says nothing is left, requests wait until the
// time in `reset_header` (ms since the epoch). Absent headers change nothing.
void hold_when_spent(net::RateLimiter& limiter, const net::HttpResponse& response,
                     const std::string& remaining_header, const std::string& reset_header);

}  // namespace cryptopipe::exchanges
