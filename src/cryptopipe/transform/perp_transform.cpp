#include "cryptopipe/transform/perp_transform.h"

#include <algorithm>
#include <cstdlib>

#include "cryptopipe/core/decimal.h"

namespace cryptopipe::transform {
namespace {

// A point of the day, its texts copied out of the parser's buffers.
struct DayPoint {
  TimestampMs ts = 0;
  std::string value, value2;
  std::size_t page = 0;
  std::int64_t row = 0;
};

// The slots of [day start, covered) with no point: funding slots take a point within the
// tolerance, sampling times only an exact one.
void count_missing(const std::vector<TimestampMs>& times, TimestampMs day_start,
                   TimestampMs last_slot_end, TimestampMs tolerance, PerpSeriesStats& stats) {
  auto next = times.begin();
  for (TimestampMs slot = day_start; slot < last_slot_end; slot += stats.interval_ms) {
    ++stats.expected;
    while (next != times.end() && *next < slot - tolerance) ++next;
    if (next != times.end() && std::llabs(*next - slot) <= tolerance) continue;
    ++stats.missing;
    if (!stats.missing_ranges.empty() &&
        stats.missing_ranges.back().last + stats.interval_ms == slot) {
      stats.missing_ranges.back().last = slot;
      ++stats.missing_ranges.back().points;
    } else if (stats.missing_ranges.size() < kMaxReportedMissingRanges) {
      stats.missing_ranges.push_back({slot, slot, 1});
    }
  }
}

}  // namespace

std::string_view dataset_name(PerpDataset dataset) {
  return dataset == PerpDataset::kFunding ? "funding" : "open_interest";
}

const SilverSchema& perp_schema(PerpDataset dataset) {
  static const SilverSchema kFunding = {{"exchange"},
                                        {"symbol"},
                                        {"funding_time", ColumnType::kTimestampMs},
                                        amount_column("funding_rate"),
                                        price_column("mark_price", true)};
  static const SilverSchema kOpenInterest = {{"exchange"},
                                             {"symbol"},
                                             {"period"},
                                             {"ts", ColumnType::kTimestampMs},
                                             amount_column("open_interest"),
                                             amount_column("open_interest_value", true)};
  return dataset == PerpDataset::kFunding ? kFunding : kOpenInterest;
}

const SilverSchema& perp_reject_schema() {
  static const SilverSchema kSchema = {{"exchange"}, {"symbol"}, {"bronze_key"},
                                       {"row", ColumnType::kInt64}, {"reason"}};
  return kSchema;
}

std::string_view to_string(PerpRejectReason reason) {
  switch (reason) {
    case PerpRejectReason::kMalformed: return "malformed";
    case PerpRejectReason::kInvalidDecimal: return "invalid_decimal";
    case PerpRejectReason::kNegative: return "negative";
    case PerpRejectReason::kConflictingDuplicate: return "conflicting_duplicate";
    case PerpRejectReason::kDecimalOutOfRange: return "decimal_out_of_range";
  }
  return "unknown";
}

PerpSeriesTransformer::PerpSeriesTransformer(const lake::ObjectStore& lake,
                                             const exchanges::Exchange& exchange,
                                             PerpDataset dataset)
    : lake_(lake), exchange_(exchange), dataset_(dataset) {}

PerpSeriesStats PerpSeriesTransformer::run(const PerpSeriesInput& input, SilverParquetWriter& rows,
                                           SilverParquetWriter& rejects) {
  PerpSeriesStats stats;
  const bool funding = dataset_ == PerpDataset::kFunding;
  const std::string unified = input.symbol.unified();
  const TimestampMs day_start = input.day.start_ms();
  const TimestampMs day_end = input.day.end_ms();
  const auto reject = [&](PerpRejectReason reason, std::size_t page, std::int64_t row) {
    ++stats.rejects;
    ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
    rejects.text(input.exchange)
        .text(unified)
        .text(input.pages[page])
        .integer(row)
        .text(to_string(reason))
        .end_row();
  };

  std::vector<DayPoint> day;
  for (std::size_t page = 0; page < input.pages.size(); ++page) {
    lake_.read(input.pages[page], body_);
    stats.bytes_in += static_cast<std::int64_t>(body_.size());
    if (funding) {
      exchange_.parse_funding(body_, points_);
    } else {
      exchange_.parse_open_interest(body_, points_);
    }
    for (std::size_t row = 0; row < points_.size(); ++row) {
      const exchanges::RawPerpPoint& point = points_[row];
      if (!point.malformed.empty()) {
        reject(PerpRejectReason::kMalformed, page, static_cast<std::int64_t>(row));
        continue;
      }
      if (point.ts < day_start || point.ts >= day_end) {
        ++stats.outside_day;
        continue;
      }
      day.push_back({point.ts, std::string(point.value), std::string(point.value2), page,
                     static_cast<std::int64_t>(row)});
    }
  }
  std::stable_sort(day.begin(), day.end(),
                   [](const DayPoint& a, const DayPoint& b) { return a.ts < b.ts; });

  std::vector<TimestampMs> times;
  for (std::size_t i = 0; i < day.size(); ++i) {
    const DayPoint& point = day[i];
    if (!times.empty() && times.back() == point.ts) {
      const DayPoint& kept = day[i - 1];
      if (kept.value == point.value && kept.value2 == point.value2) {
        ++stats.duplicates;
      } else {
        reject(PerpRejectReason::kConflictingDuplicate, point.page, point.row);
      }
      continue;
    }
    // A rejected point is accounted for, not missing.
    times.push_back(point.ts);
    // Contracts become base here, after the copies were recognised by the venue's own text.
    std::string value = point.value;
    if (!input.contract_size.empty() && is_decimal(value)) {
      value = multiply_decimals(value, input.contract_size).value_or("");
    }
    if (!is_decimal(value) || (!point.value2.empty() && !is_decimal(point.value2))) {
      reject(PerpRejectReason::kInvalidDecimal, point.page, point.row);
      continue;
    }
    const bool negative =
        funding ? !point.value2.empty() &&
                      (is_negative_decimal(point.value2) || is_zero_decimal(point.value2))
                : is_negative_decimal(value) ||
                      (!point.value2.empty() && is_negative_decimal(point.value2));
    if (negative) {
      reject(PerpRejectReason::kNegative, point.page, point.row);
      continue;
    }
    rows.text(input.exchange).text(unified);
    if (!funding) rows.text(input.period->name());
    const auto unfit = rows.timestamp(point.ts).decimal(value).decimal(point.value2).end_row();
    if (unfit) {
      reject(PerpRejectReason::kDecimalOutOfRange, point.page, point.row);
      continue;
    }
    ++stats.rows;
  }

  // An event is published at its time, a sample once its period is over.
  TimestampMs tolerance = 0;
  TimestampMs publication_delay = 0;
  if (funding) {
    stats.interval_ms = kNominalFundingIntervalMs;
    for (std::size_t i = 1; i < times.size(); ++i) {
      // Whole minutes: a few ms of stamping delay must not make the slots drift.
      const TimestampMs spacing =
          (times[i] - times[i - 1] + kMillisPerMinute / 2) / kMillisPerMinute * kMillisPerMinute;
      if (spacing > kFundingSlotToleranceMs) stats.interval_ms = std::min(stats.interval_ms, spacing);
    }
    tolerance = kFundingSlotToleranceMs;
    publication_delay = kFundingSlotToleranceMs;
  } else {
    stats.interval_ms = input.period->duration_ms();
    publication_delay = stats.interval_ms;
  }
  const TimestampMs last_slot_end =
      std::min(day_end, input.covered_until - publication_delay + 1);
  count_missing(times, day_start, last_slot_end, tolerance, stats);
  return stats;
}

}  // namespace cryptopipe::transform
