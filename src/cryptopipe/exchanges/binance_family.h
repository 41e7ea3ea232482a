#pragma once

#include <simdjson.h>

#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/json_text.h"
#include "cryptopipe/exchanges/rest_session.h"

// What Binance spot v3 and the venues modelled on it (MEXC spot v3) answer alike: klines rows
// [openTime, o, h, l, c, v, closeTime, quoteVolume, ...], 24hr ticker objects (an array, or one
// object for `symbol=`), depth {lastUpdateId, bids, asks} and {code, msg} error bodies with
// 429 (Retry-After in seconds) and 418 (IP ban). Each venue keeps its own paths, weights,
// limits and the fields where it differs.
namespace cryptopipe::exchanges::binance_family {

// "code -1121: Invalid symbol." from a {code, msg} body, or the body itself (cut at 200 bytes).
std::string describe_error_body(const std::string& body);

// Turns a non-200 answer into an Error naming `exchange`: 429 kRateLimited and 418 kBanned,
// both for Retry-After seconds (1 s where absent), 5xx kTransient, anything else kPermanent.
void check_response(std::string_view exchange, const RawResponse& raw,
                    const net::HttpResponse& response);

// A klines body into `rows` (replaced), oldest first as the venues send them. A row with fewer
// than `min_fields` fields, or whose times or trade count (field 8, where sent) are not
// integers, is kept with `malformed` set; throws Error(kBadPayload) when the body is not an
// array (an error object included).
void parse_klines(std::string_view exchange, std::string& body, std::size_t min_fields,
                  std::vector<RawCandle>& rows);

// Reads what a venue adds to one ticker entry beyond `fields` (MEXC's fractional change).
using TickerExtra = std::function<void(simdjson::dom::element entry, RawTicker& ticker)>;

// A 24hr ticker body into `tickers` (replaced): `fields` of every entry, closeTime as ts, then
// `extra` on each entry that could be read. Throws Error(kBadPayload) for a body that is
// neither an array nor one ticker object.
void parse_tickers(std::string_view exchange, std::string& body,
                   std::span<const TickerTextField> fields, const TickerExtra& extra,
                   std::vector<RawTicker>& tickers);

// A depth body into `book` (replaced): lastUpdateId as the sequence and, where the venue sends
// one (MEXC), timestamp as ts. Throws Error(kBadPayload) for an error body or a wrong shape.
void parse_depth(std::string_view exchange, std::string& body, RawBook& book);

}  // namespace cryptopipe::exchanges::binance_family
