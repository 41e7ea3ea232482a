#include "cryptopipe/transform/ohlcv_validation.h"

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::transform {

std::string_view to_string(RejectReason reason) {
  switch (reason) {
    case RejectReason::kMalformedRow: return "malformed_row";
    case RejectReason::kInvalidDecimal: return "invalid_decimal";
    case RejectReason::kMisalignedOpenTime: return "misaligned_open_time";
    case RejectReason::kOutsidePartition: return "outside_partition";
    case RejectReason::kCloseTimeMismatch: return "close_time_mismatch";
    case RejectReason::kNonPositivePrice: return "non_positive_price";
    case RejectReason::kHighBelowLow: return "high_below_low";
    case RejectReason::kOpenOutsideRange: return "open_outside_range";
    case RejectReason::kCloseOutsideRange: return "close_outside_range";
    case RejectReason::kNegativeVolume: return "negative_volume";
    case RejectReason::kNegativeTradeCount: return "negative_trade_count";
    case RejectReason::kDuplicate: return "duplicate";
    case RejectReason::kOutOfOrder: return "out_of_order";
  }
  return "unknown";
}

namespace {

bool is_positive(std::string_view value) {
  return !is_negative_decimal(value) && !is_zero_decimal(value);
}

bool within(std::string_view value, std::string_view low, std::string_view high) {
  return compare_decimal(value, low) >= 0 && compare_decimal(value, high) <= 0;
}

}  // namespace

std::optional<RejectReason> validate_candle(const exchanges::RawCandle& row,
                                            const Timeframe& timeframe,
                                            TimestampMs partition_start,
                                            TimestampMs partition_end) {
  if (!row.malformed.empty()) return RejectReason::kMalformedRow;
  if (!is_decimal(row.open) || !is_decimal(row.high) || !is_decimal(row.low) ||
      !is_decimal(row.close) || !is_decimal(row.volume) ||
      (!row.quote_volume.empty() && !is_decimal(row.quote_volume))) {
    return RejectReason::kInvalidDecimal;
  }
  if (!timeframe.is_aligned(row.open_time)) return RejectReason::kMisalignedOpenTime;
  if (row.open_time < partition_start || row.open_time >= partition_end) {
    return RejectReason::kOutsidePartition;
  }
  if (row.close_time && *row.close_time != row.open_time + timeframe.duration_ms() - 1) {
    return RejectReason::kCloseTimeMismatch;
  }
  if (!is_positive(row.open) || !is_positive(row.high) || !is_positive(row.low) ||
      !is_positive(row.close)) {
    return RejectReason::kNonPositivePrice;
  }
  if (compare_decimal(row.high, row.low) < 0) return RejectReason::kHighBelowLow;
  if (!within(row.open, row.low, row.high)) return RejectReason::kOpenOutsideRange;
  if (!within(row.close, row.low, row.high)) return RejectReason::kCloseOutsideRange;
  if (is_negative_decimal(row.volume) ||
      (!row.quote_volume.empty() && is_negative_decimal(row.quote_volume))) {
    return RejectReason::kNegativeVolume;
  }
  if (row.trade_count && *row.trade_count < 0) return RejectReason::kNegativeTradeCount;
  return std::nullopt;
}

}  // namespace cryptopipe::transform
