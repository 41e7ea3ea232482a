#pragma once

#include <optional>
#include <string_view>

#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/exchange.h"

namespace cryptopipe::transform {

// Why a candle row was rejected. Each is kept in the silver rejects table by its name.
enum class RejectReason {
  kMalformedRow,         // not a row of the expected shape (wrong arity or field types)
  kInvalidDecimal,       // a price or amount that is not an exact decimal
  kMisalignedOpenTime,   // open time not on a timeframe boundary
  kOutsidePartition,     // open time outside the partition's UTC day
  kCloseTimeMismatch,    // close time != open time + timeframe - 1 ms
  kNonPositivePrice,     // open, high, low or close <= 0
  kHighBelowLow,         // high < low
  kOpenOutsideRange,     // open not within [low, high]
  kCloseOutsideRange,    // close not within [low, high]
  kNegativeVolume,       // base or quote volume < 0
  kNegativeTradeCount,   // trade count < 0
  kDuplicate,            // an open time already accepted for this series
  kOutOfOrder,           // an open time earlier than one already accepted
  kDecimalOutOfRange,    // a decimal with more digits than its silver column holds
};

std::string_view to_string(RejectReason reason);
inline constexpr int kRejectReasonCount = static_cast<int>(RejectReason::kDecimalOutOfRange) + 1;

// The row-level checks (everything but duplicates and ordering, which need the series).
// Partition is [partition_start, partition_end).
std::optional<RejectReason> validate_candle(const exchanges::RawCandle& row,
                                            const Timeframe& timeframe,
                                            TimestampMs partition_start,
                                            TimestampMs partition_end);

}  // namespace cryptopipe::transform
