#include <algorithm>
#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"

namespace cryptopipe::pipeline {
namespace {

struct SeriesExtraction {
  nlohmann::json pages = nlohmann::json::array();
  std::string archive_refused;  // why the venue's archive of the day was not used
  std::int64_t rows = 0;
  std::int64_t objects = 0;
  TimestampMs last_requested_at = 0;
};

// Reads a kline archive just fetched, before it is kept: a zip that does not open is refused
// like one that fails its checksum, and never reaches the lake. Errors name the file.
void read_fetched_klines(const exchanges::ArchiveFile& file, std::string& csv,
                         std::vector<exchanges::RawCandle>& rows) {
  try {
    exchanges::parse_kline_archive(file.file.body, csv, rows);
  } catch (const Error& e) {
    throw Error(e.kind(), std::string(e.what()) + " (GET " + file.file.url + ")");
  }
}

// The month's kline archive holding `day`, fetched, read (where each day's lines are) and kept
// in the lake; null when it is not published.
std::shared_ptr<const SharedArchive> fetch_month(RunContext& context,
                                                 exchanges::BinanceArchive& archive,
                                                 const lake::SeriesId& series,
                                                 const Timeframe& timeframe, const UtcDay& day) {
  std::optional<exchanges::ArchiveFile> file = archive.monthly_klines(series.symbol, timeframe, day);
  if (!file) return nullptr;
  std::vector<exchanges::ArchiveDaySlice> days;
  try {
    days = exchanges::index_kline_archive_days(file->file.body, day.first_of_month().start_ms());
  } catch (const Error& e) {
    throw Error(e.kind(), std::string(e.what()) + " (GET " + file->file.url + ")");
  }
  auto month = std::make_shared<SharedArchive>();
  month->key = store_archive(context, lake::bronze_month_prefix(series, day), 0, *file);
  for (const exchanges::ArchiveDaySlice& slice : days) {
    month->days[UtcDay::containing(slice.day).to_string()] = slice;
  }
  // Its provenance stays with the run; its megabytes do not (assigning an empty string would
  // keep them reserved).
  std::string().swap(file->file.body);
  month->file = std::move(*file);
  return month;
}

// A finished day without a daily file (Binance's daily archives begin years after its monthly
// ones) comes from its month's file once the month is over: fetched and kept once per run, the
// manifest of each of its days naming it and where the day's lines are in it.
std::optional<SeriesExtraction> extract_from_month(RunContext& context,
                                                   exchanges::BinanceArchive& archive,
                                                   const lake::SeriesId& series,
                                                   const Timeframe& timeframe, const UtcDay& day) {
  if (context.clock().now_ms() < day.first_of_next_month().start_ms()) return std::nullopt;
  bool stored_here = false;
  const std::shared_ptr<const SharedArchive> month =
      context.shared_archives().get(lake::bronze_month_prefix(series, day), [&] {
        stored_here = true;
        return fetch_month(context, archive, series, timeframe, day);
      });
  if (!month) return std::nullopt;
  const auto found = month->days.find(day.to_string());
  const exchanges::ArchiveDaySlice slice = found == month->days.end()
                                               ? exchanges::ArchiveDaySlice{.day = day.start_ms()}
                                               : found->second;
  SeriesExtraction result;
  result.objects = stored_here ? 1 : 0;
  result.rows = slice.rows;
  nlohmann::json page =
      archive_page_record(month->key, month->file, static_cast<std::size_t>(slice.rows));
  page["period"] = "month";
  page["slice"] = {{"from", slice.from}, {"to", slice.to}, {"first_row", slice.first_row}};
  result.pages.push_back(std::move(page));
  result.last_requested_at = month->file.file.requested_at;
  return result;
}

// A finished day the venue has archived comes from its archive: one verified file instead of
// a page per thousand candles. Nothing when it has none (not published yet, or no archives);
// an archive that fails its checksum, or does not open, is set aside with a warning in the
// manifest (`archive_refused`) and the day comes by REST like any other.
std::optional<SeriesExtraction> extract_from_archive(RunContext& context,
                                                     const lake::SeriesId& series,
                                                     const Timeframe& timeframe,
                                                     const UtcDay& day, std::string& refused) {
  if (context.clock().now_ms() < day.end_ms() ||
      !exchanges::BinanceArchive::has_kline_archives(timeframe)) {
    return std::nullopt;
  }
  const std::unique_ptr<exchanges::BinanceArchive> archive = context.kline_archive(series.exchange);
  if (!archive) return std::nullopt;
  std::vector<exchanges::RawCandle> rows;
  std::string csv;
  try {
    std::optional<exchanges::ArchiveFile> file =
        archive->daily_klines(series.symbol, timeframe, day);
    if (!file) return extract_from_month(context, *archive, series, timeframe, day);
    read_fetched_klines(*file, csv, rows);
    const std::string key =
        store_archive(context, lake::bronze_partition_prefix(series, day), 0, *file);
    SeriesExtraction result;
    result.pages.push_back(archive_page_record(key, *file, rows.size()));
    result.rows = static_cast<std::int64_t>(rows.size());
    result.objects = 1;
    result.last_requested_at = file->file.requested_at;
    return result;
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kBadPayload) throw;
    refused = refuse_archive(context, series, day, e);
    return std::nullopt;
  }
}

SeriesExtraction extract_series(RunContext& context, exchanges::Exchange& exchange,
                                const lake::SeriesId& series, const Timeframe& timeframe,
                                const UtcDay& day) {
  SeriesExtraction result;
  if (std::optional<SeriesExtraction> archived =
          extract_from_archive(context, series, timeframe, day, result.archive_refused)) {
    archived->archive_refused = std::move(result.archive_refused);
    return std::move(*archived);
  }
  const TimestampMs step = timeframe.duration_ms();
  const TimestampMs aligned = timeframe.align(day.start_ms());
  TimestampMs cursor = aligned < day.start_ms() ? aligned + step : aligned;
  // Never ask for candles that cannot exist yet.
  const TimestampMs until = std::min(day.end_ms(), timeframe.align(context.clock().now_ms()) + step);
  const TimestampMs max_window = exchange.max_ohlcv_limit() * step;
  std::vector<exchanges::RawCandle> rows;

  // Windows of at most one page each, oldest first: every exchange then answers the whole window
  // (which part of a wider one Bybit sends is undocumented), and no candle falls between two
  // pages or into both.
  for (int sequence = 0; cursor < until; ++sequence) {
    const TimestampMs window_end = std::min(day.end_ms(), cursor + max_window) - 1;
    const auto candles = static_cast<int>((window_end - cursor) / step + 1);
    exchanges::RawResponse raw =
        exchange.fetch_ohlcv(series.symbol, timeframe, cursor, window_end, candles);
    const std::string key =
        store_raw_response(context, lake::bronze_partition_prefix(series, day), sequence, raw);
    ++result.objects;
    result.last_requested_at = raw.requested_at;
    try {
      exchange.parse_ohlcv(raw.body, rows);
    } catch (const Error& e) {
      throw Error(e.kind(), std::string(e.what()) + " (GET " + raw.url + ", kept as " + key + ")");
    }
    result.pages.push_back(page_record(key, raw, rows.size()));
    result.rows += static_cast<std::int64_t>(rows.size());
    cursor += static_cast<TimestampMs>(candles) * step;
  }
  return result;
}

ExtractionRecord extract_and_record(RunContext& context, exchanges::Exchange& exchange,
                                const lake::SeriesId& series, const Timeframe& timeframe,
                                const UtcDay& day) {
  const TimestampMs started = context.clock().now_ms();
  SeriesExtraction extraction = extract_series(context, exchange, series, timeframe, day);
  const TimestampMs step = timeframe.duration_ms();
  const TimestampMs expected_until =
      std::min(day.end_ms(), timeframe.align(extraction.last_requested_at) + step);
  ExtractionRecord record;
  record.manifest_key = lake::extraction_manifest_key(series, day, context.run_id());
  record.manifest = {{"run_id", context.run_id()},
                     {"exchange", series.exchange},
                     {"dataset", "ohlcv"},
                     {"symbol", series.symbol.unified()},
                     {"timeframe", series.timeframe},
                     {"partition", day.to_string()},
                     {"started_at", format_iso8601(started)},
                     {"completed_at", format_iso8601(context.clock().now_ms())},
                     {"expected_until", expected_until},
                     {"rows", extraction.rows},
                     {"pages", extraction.pages}};
  if (!extraction.archive_refused.empty()) {
    record.manifest["archive_refused"] = extraction.archive_refused;
  }
  record.rows = extraction.rows;
  record.objects = extraction.objects + 1;
  record.summary = {{"symbol", series.symbol.unified()},
                    {"timeframe", series.timeframe},
                    {"rows", extraction.rows},
                    {"pages", extraction.pages.size()},
                    {"manifest", record.manifest_key}};
  context.logger().info("extracted series", {{"exchange", series.exchange},
                                             {"symbol", series.symbol.unified()},
                                             {"timeframe", series.timeframe},
                                             {"partition", day.to_string()},
                                             {"rows", extraction.rows},
                                             {"pages", extraction.pages.size()}});
  return record;
}

}  // namespace

void require_within_history(const ExchangeConfig& exchange, const UtcDay& day, TimestampMs now) {
  const int cap = exchanges::find_exchange(exchange.name).ohlcv_history_candles;
  if (cap <= 0) return;
  for (const Timeframe& timeframe : exchange.timeframes) {
    const TimestampMs step = timeframe.duration_ms();
    const TimestampMs aligned = timeframe.align(day.start_ms());
    const TimestampMs first = aligned < day.start_ms() ? aligned + step : aligned;
    // The cap counts the candle still open now.
    const TimestampMs earliest = timeframe.align(now) - static_cast<TimestampMs>(cap - 1) * step;
    if (first >= earliest) continue;
    throw Error(ErrorKind::kInvalidInput,
                exchange.name + " serves only its " + std::to_string(cap) + " most recent " +
                    std::string(timeframe.name()) + " candles (from " + format_iso8601(earliest) +
                    " on): partition " + day.to_string() +
                    " is out of its reach; choose a later day or a longer timeframe");
  }
}

AssetResult extract_ohlcv(RunContext& context, const std::string& exchange_name,
                          const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  require_within_history(settings, day, context.clock().now_ms());
  std::vector<std::pair<lake::SeriesId, Timeframe>> series;
  for (const Symbol& symbol : settings.symbols) {
    for (const Timeframe& timeframe : settings.timeframes) {
      series.push_back({{exchange_name, "ohlcv", symbol, std::string(timeframe.name())}, timeframe});
    }
  }

  AssetResult result = extract_and_commit(
      context, exchange_name, series.size(),
      [&](std::size_t i, exchanges::Exchange& exchange) {
        return extract_and_record(context, exchange, series[i].first, series[i].second, day);
      },
      "series");
  result.metadata["lake_prefix"] = "bronze/" + exchange_name + "/ohlcv/";
  return result;
}

}  // namespace cryptopipe::pipeline
