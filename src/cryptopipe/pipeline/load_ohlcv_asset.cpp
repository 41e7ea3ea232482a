#include <nlohmann/json.hpp>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/bronze.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/transform/ohlcv_transform.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::pipeline {
namespace {

std::optional<std::int64_t> parse_count(std::string_view text, const std::string& key) {
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') {
      throw Error(ErrorKind::kBadPayload, "silver table " + key + " has a bad trade_count '" +
                                              std::string(text) + "'");
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

}  // namespace

AssetResult load_ohlcv(RunContext& context, const UtcDay& day) {
  const lake::ObjectStore& lake = context.lake();
  const std::string manifest_key = latest_silver_manifest(lake, "ohlcv", day);
  const std::string data_key = silver_data_key(lake, manifest_key);

  transform::SilverParquetReader reader(lake, data_key, transform::ohlcv_schema());
  std::vector<std::string_view> fields;
  const auto next_row = [&](warehouse::OhlcvRow& row) {
    if (!reader.next(fields)) return false;
    row = {.exchange = fields[0],
           .symbol = fields[1],
           .timeframe = fields[2],
           .open_time = fields[3],
           .open = fields[4],
           .high = fields[5],
           .low = fields[6],
           .close = fields[7],
           .volume = fields[8],
           .quote_volume = fields[9],
           .trade_count = parse_count(fields[10], data_key),
           .is_closed = fields[11] == "true"};
    return true;
  };

  const std::unique_ptr<warehouse::Warehouse> warehouse = context.open_warehouse();
  const warehouse::LoadStats stats = warehouse->upsert_ohlcv(next_row);
  return loaded(context, day, *warehouse, stats, manifest_key, "ohlcv");
}

}  // namespace cryptopipe::pipeline
