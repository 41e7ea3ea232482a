// How Kraken's public REST API talks: {"error": [...], "result": {...}} envelopes whose errors
// come with HTTP 200, its asset codes (XBT, XDG, the X/Z-prefixed legacy ids) and pair names.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "markets.h"

namespace exchange_sim::kraken {

// Thrown by the parameter checks below; route handlers turn it into Kraken's error answer, an
// HTTP 200 {"error":["<code>"]}.
class Rejection : public std::runtime_error {
 public:
  explicit Rejection(const std::string& code) : std::runtime_error(code) {}
};

inline constexpr std::string_view kUnknownPair = "EQuery:Unknown asset pair";
inline constexpr std::string_view kInvalidArguments = "EGeneral:Invalid arguments";
inline constexpr std::string_view kTooManyRequests = "EGeneral:Too many requests";
inline constexpr std::string_view kRateLimitExceeded = "EAPI:Rate limit exceeded";
inline constexpr std::string_view kInternalError = "EGeneral:Internal error";
inline constexpr std::string_view kTemporaryLockout = "EGeneral:Temporary lockout";

// Sets status and a compact JSON body (the charset: see gate_protocol.h's answer_json).
void answer_json(httplib::Response& response, int status, std::string body);
// {"error":["<code>"]} with `status` (Kraken's own errors come with 200).
void answer_error(httplib::Response& response, std::string_view code, int status = 200);
// {"error":[],"result":<result_json>}.
void answer_result(httplib::Response& response, const std::string& result_json);

// The asset's code in wsname and altname: BTC is XBT, DOGE XDG, every other code its own.
std::string asset_code(std::string_view asset);
// The asset's id, the key of /Assets and the base/quote of /AssetPairs: the legacy assets keep
// their X (crypto) or Z (fiat) prefix, XXBT, XETH, ZUSD; others are their code, USDT, SOL.
std::string asset_id(std::string_view asset);
// XBTUSDT: the pair's altname.
std::string altname(const Market& market);
// The pair's key in every result: the ids run together (XXBTZUSD) when both assets are legacy,
// the altname otherwise.
std::string pair_key(const Market& market);
// The market a `pair` parameter names: its key, its altname, or base and quote run together as
// every other venue spells them (BTCUSDT); nullptr for anything else.
const Market* find_pair(std::string_view name);

// How many decimals a tick or lot of `step` units has: 0.1 has one.
int step_decimals(std::int64_t step);
// A price or quantity at the decimals of `step` (its tick or lot): Kraken prints fixed
// decimals, 43437.5 on a 0.1 tick, 18.75430110 at eight.
std::string format_at_step(std::int64_t units, std::int64_t step);

}  // namespace exchange_sim::kraken
