#include "cryptopipe/transform/ohlcv_transform.h"

#include <algorithm>

#include "cryptopipe/exchanges/binance_archive.h"

namespace cryptopipe::transform {
namespace {

std::vector<Gap> find_gaps(const std::vector<TimestampMs>& accepted, TimestampMs first_expected,
                           TimestampMs expected_until, TimestampMs step) {
  std::vector<Gap> gaps;
  TimestampMs expected = first_expected;
  // Every open time from `expected` up to (not including) `present` is missing. `present` may
  // be off the grid (a day's end for weekly candles), hence the rounding up.
  const auto close_gap_before = [&](TimestampMs present) {
    if (present > expected) {
      const std::int64_t missing = (present - expected + step - 1) / step;
      gaps.push_back({expected, expected + (missing - 1) * step, missing});
    }
  };
  for (const TimestampMs open_time : accepted) {
    if (open_time >= expected_until) break;
    close_gap_before(open_time);
    expected = open_time + step;
  }
  close_gap_before(std::max(expected, expected_until));
  return gaps;
}

}  // namespace

const SilverSchema& ohlcv_schema() {
  static const SilverSchema kSchema = {
      {"exchange"}, {"symbol"}, {"timeframe"}, {"open_time", ColumnType::kTimestampMs},
      price_column("open"), price_column("high"), price_column("low"), price_column("close"),
      amount_column("volume"),
      // Gate and Bybit send no trade count, Gate no quote volume for some markets.
      amount_column("quote_volume", true), {"trade_count", ColumnType::kInt64, true},
      {"is_closed", ColumnType::kBool}};
  return kSchema;
}

const SilverSchema& ohlcv_reject_schema() {
  static const SilverSchema kSchema = {
      {"exchange"}, {"symbol"}, {"timeframe"}, {"bronze_key"}, {"row", ColumnType::kInt64},
      // As the exchange sent it (ms), which may be off the grid or outside the day; NULL
      // when the row was too malformed to have one.
      {"open_time", ColumnType::kInt64, true}, {"reason"}};
  return kSchema;
}

OhlcvSeriesTransformer::OhlcvSeriesTransformer(const lake::ObjectStore& lake,
                                               const exchanges::Exchange& exchange)
    : lake_(lake), exchange_(exchange) {}

void OhlcvSeriesTransformer::reject(const SeriesInput& input, const std::string& key,
                                    std::size_t row_index, const exchanges::RawCandle& row,
                                    RejectReason reason, SeriesStats& stats,
                                    SilverParquetWriter& rejects) {
  ++stats.rejects;
  ++stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  rejects.text(input.series.exchange)
      .text(unified_)
      .text(input.series.timeframe)
      .text(key)
      .integer(static_cast<std::int64_t>(row_index))
      .integer(row.malformed.empty() ? std::optional<std::int64_t>(row.open_time) : std::nullopt)
      .text(to_string(reason))
      .end_row();
}

SeriesStats OhlcvSeriesTransformer::run(const SeriesInput& input, SilverParquetWriter& rows,
                                        SilverParquetWriter& rejects) {
  SeriesStats stats;
  accepted_.clear();
  const TimestampMs step = input.timeframe.duration_ms();
  const TimestampMs day_start = input.day.start_ms();
  const TimestampMs day_end = input.day.end_ms();
  unified_ = input.series.symbol.unified();

  for (const BronzePage& page : input.pages) {
    lake_.read(page.key, body_);
    stats.bytes_in += static_cast<std::int64_t>(body_.size());
    if (page.slice) {
      exchanges::parse_kline_archive_slice(body_, *page.slice, csv_, page_rows_);
    } else if (page.archive) {
      exchanges::parse_kline_archive(body_, csv_, page_rows_);
    } else {
      exchange_.parse_ohlcv(body_, page_rows_);
    }
    // A rejected row is named by its place in the file: a month's day starts within it.
    const auto first_row = static_cast<std::size_t>(page.slice ? page.slice->first_row : 0);
    page_order_.clear();
    for (std::size_t index = 0; index < page_rows_.size(); ++index) {
      const exchanges::RawCandle& row = page_rows_[index];
      // Candles after the day that a venue sends unasked are not the day's, nor wrong.
      if (row.malformed.empty() && row.open_time >= day_end && exchange_.ohlcv_runs_to_now()) {
        continue;
      }
      if (auto reason = validate_candle(row, input.timeframe, day_start, day_end)) {
        reject(input, page.key, first_row + index, row, *reason, stats, rejects);
        continue;
      }
      page_order_.push_back(index);
    }
    // A page whose candles come out of order loses none of them; among repeats of one open time
    // the first sent is kept.
    std::stable_sort(page_order_.begin(), page_order_.end(), [this](std::size_t a, std::size_t b) {
      return page_rows_[a].open_time < page_rows_[b].open_time;
    });
    for (const std::size_t index : page_order_) {
      const exchanges::RawCandle& row = page_rows_[index];
      // Pages are fetched forward in time, so accepted open times only ever grow; an earlier
      // one can only come from a later page.
      if (!accepted_.empty() && row.open_time <= accepted_.back()) {
        const bool seen = std::binary_search(accepted_.begin(), accepted_.end(), row.open_time);
        reject(input, page.key, first_row + index, row,
               seen ? RejectReason::kDuplicate : RejectReason::kOutOfOrder, stats, rejects);
        continue;
      }
      const bool closed = row.open_time + step <= page.requested_at && row.closed.value_or(true);
      const auto unfit = rows.text(input.series.exchange)
                             .text(unified_)
                             .text(input.series.timeframe)
                             .timestamp(row.open_time)
                             .decimal(row.open)
                             .decimal(row.high)
                             .decimal(row.low)
                             .decimal(row.close)
                             .decimal(row.volume)
                             .decimal(row.quote_volume)
                             .integer(row.trade_count)
                             .boolean(closed)
                             .end_row();
      if (unfit) {
        reject(input, page.key, first_row + index, row, RejectReason::kDecimalOutOfRange, stats, rejects);
        continue;
      }
      accepted_.push_back(row.open_time);
      if (!closed) ++stats.open_rows;
      ++stats.rows;
    }
  }

  const TimestampMs aligned = input.timeframe.align(day_start);
  const TimestampMs first_expected = aligned < day_start ? aligned + step : aligned;
  stats.gaps = find_gaps(accepted_, first_expected, std::min(input.expected_until, day_end), step);
  for (const Gap& gap : stats.gaps) stats.missing += gap.missing;
  return stats;
}

}  // namespace cryptopipe::transform
