#include <algorithm>
#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"

namespace cryptopipe::pipeline {
namespace {

struct SeriesExtraction {
  nlohmann::json pages = nlohmann::json::array();
  std::int64_t rows = 0;
  std::int64_t objects = 0;
  TimestampMs last_requested_at = 0;
};

SeriesExtraction extract_series(RunContext& context, exchanges::Exchange& exchange,
                                const lake::SeriesId& series, const Timeframe& timeframe,
                                const UtcDay& day) {
  SeriesExtraction result;
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

}  // namespace

AssetResult extract_ohlcv(RunContext& context, const std::string& exchange_name,
                          const UtcDay& day) {
  const ExchangeConfig& settings = context.exchange_config(exchange_name);
  const std::unique_ptr<exchanges::Exchange> exchange = context.connect(exchange_name);
  AssetResult result;
  nlohmann::json series_meta = nlohmann::json::array();

  for (const Symbol& symbol : settings.symbols) {
    for (const Timeframe& timeframe : settings.timeframes) {
      const lake::SeriesId series{exchange_name, "ohlcv", symbol, std::string(timeframe.name())};
      const TimestampMs started = context.clock().now_ms();
      SeriesExtraction extraction = extract_series(context, *exchange, series, timeframe, day);
      const TimestampMs step = timeframe.duration_ms();
      const TimestampMs expected_until =
          std::min(day.end_ms(), timeframe.align(extraction.last_requested_at) + step);
      const std::string manifest_key = lake::extraction_manifest_key(series, day, context.run_id());
      const nlohmann::json manifest = {
          {"run_id", context.run_id()},
          {"exchange", exchange_name},
          {"dataset", "ohlcv"},
          {"symbol", symbol.unified()},
          {"timeframe", series.timeframe},
          {"partition", day.to_string()},
          {"started_at", format_iso8601(started)},
          {"completed_at", format_iso8601(context.clock().now_ms())},
          {"expected_until", expected_until},
          {"rows", extraction.rows},
          {"pages", extraction.pages}};
      context.lake().put(manifest_key, manifest.dump(2), {{"content-type", "application/json"}});
      result.objects += extraction.objects + 1;
      result.rows += extraction.rows;
      series_meta.push_back({{"symbol", symbol.unified()},
                             {"timeframe", series.timeframe},
                             {"rows", extraction.rows},
                             {"pages", extraction.objects},
                             {"manifest", manifest_key}});
      context.logger().info("extracted series", {{"exchange", exchange_name},
                                                 {"symbol", symbol.unified()},
                                                 {"timeframe", series.timeframe},
                                                 {"partition", day.to_string()},
                                                 {"rows", extraction.rows},
                                                 {"pages", extraction.objects}});
    }
  }
  result.metadata = {{"series", series_meta},
                     {"lake_prefix", "bronze/" + exchange_name + "/ohlcv/"}};
  return result;
}

}  // namespace cryptopipe::pipeline
