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
    case RejectReason::kDecimalOutOfRange: return "decimal_out_of_range";
  }
  return "unknown";
}

std::optional<RejectReason> validate_candle(const exchanges::RawCandle& row,
                                            const Timeframe& timeframe,
                                            TimestampMs partition_start,
                                            TimestampMs partition_end) {
  if (!row.malformed.empty()) return RejectReason::kMalformedRow;
  const auto open = DecimalView::parse(row.open);
  const auto high = DecimalView::parse(row.high);
  const auto low = DecimalView::parse(row.low);
  const auto close = DecimalView::parse(row.close);
  const auto volume = DecimalView::parse(row.volume);
  const auto quote_volume =
      row.quote_volume.empty() ? volume : DecimalView::parse(row.quote_volume);
  if (!open || !high || !low || !close || !volume || !quote_volume) {
    return RejectReason::kInvalidDecimal;
  }
  if (!timeframe.is_aligned(row.open_time)) return RejectReason::kMisalignedOpenTime;
  if (row.open_time < partition_start || row.open_time >= partition_end) {
    return RejectReason::kOutsidePartition;
  }
  if (row.close_time && *row.close_time != row.open_time + timeframe.duration_ms() - 1) {
    return RejectReason::kCloseTimeMismatch;
  }
  if (open->sign() <= 0 || high->sign() <= 0 || low->sign() <= 0 || close->sign() <= 0) {
    return RejectReason::kNonPositivePrice;
  }
  if (high->compare(*low) < 0) return RejectReason::kHighBelowLow;
  const auto within_range = [&](const DecimalView& price) {
    return price.compare(*low) >= 0 && price.compare(*high) <= 0;
  };
  if (!within_range(*open)) return RejectReason::kOpenOutsideRange;
  if (!within_range(*close)) return RejectReason::kCloseOutsideRange;
  if (volume->sign() < 0 || quote_volume->sign() < 0) return RejectReason::kNegativeVolume;
  if (row.trade_count && *row.trade_count < 0) return RejectReason::kNegativeTradeCount;
  return std::nullopt;
}

}  // namespace cryptopipe::transform
