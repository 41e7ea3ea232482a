// transform_ohlcv (parse + normalize + validate + write Parquet silver) against its limit, a
// plain simdjson DOM parse of the same bronze files, read from the same lake. Both sides are
// timed in one process, interleaved, best of N, so that the ratio survives a noisy machine.
// Then silver's size per candle against the zstd CSV that silver was before Parquet, rebuilt
// here from the same bronze rows as that writer wrote them (the exchange's text, one file a day).
#include <simdjson.h>
#include <zstd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/lake/file_store.h"
#include "cryptopipe/lake/keys.h"
#include "cryptopipe/pipeline/config.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/pipeline/run_context.h"

namespace {

using namespace cryptopipe;
using SteadyClock = std::chrono::steady_clock;

struct Args {
  std::string lake;
  std::vector<Symbol> symbols;
  std::vector<Timeframe> timeframes;
  UtcDay from = UtcDay::parse("2026-01-01");
  UtcDay to = UtcDay::parse("2026-01-01");
  int repeat = 5;
  int level = pipeline::Config{}.silver_compression;
};

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Args parse_args(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    if (flag == "--lake") {
      args.lake = value;
    } else if (flag == "--symbols") {
      for (const auto& s : split(value)) args.symbols.push_back(Symbol::parse(s));
    } else if (flag == "--timeframes") {
      for (const auto& t : split(value)) args.timeframes.push_back(Timeframe::parse(t));
    } else if (flag == "--from") {
      args.from = UtcDay::parse(value);
    } else if (flag == "--to") {
      args.to = UtcDay::parse(value);
    } else if (flag == "--level") {
      args.level = std::stoi(value);
    } else if (flag == "--repeat") {
      args.repeat = std::stoi(value);
    } else {
      throw Error(ErrorKind::kInvalidInput, "unknown flag " + flag);
    }
  }
  if (args.lake.empty() || args.symbols.empty() || args.timeframes.empty()) {
    throw Error(ErrorKind::kInvalidInput,
                "usage: transform_throughput --lake DIR --symbols A/B,C/D --timeframes 1m "
                "--from DAY --to DAY [--repeat N]");
  }
  return args;
}

struct BronzePage {
  std::string key;
  std::string symbol;
  std::string timeframe;
  std::string day;
};

std::vector<BronzePage> bronze_pages(const lake::ObjectStore& store, const Args& args) {
  std::vector<BronzePage> pages;
  for (UtcDay day = args.from; day <= args.to; day = day.next()) {
    for (const Symbol& symbol : args.symbols) {
      for (const Timeframe& tf : args.timeframes) {
        const lake::SeriesId series{"binance", "ohlcv", symbol, std::string(tf.name())};
        const auto manifests = store.list(lake::extraction_manifest_prefix(series, day));
        if (manifests.empty()) throw Error(ErrorKind::kNotFound, "no extraction for " + day.to_string());
        const nlohmann::json manifest = nlohmann::json::parse(store.read(manifests.back()));
        for (const auto& page : manifest.at("pages")) {
          pages.push_back({page.at("key"), symbol.unified(), std::string(tf.name()), day.to_string()});
        }
      }
    }
  }
  return pages;
}

// The bytes the zstd CSV silver took for the same candles: its header, then per candle
// exchange,symbol,timeframe,ISO open time,the six decimals as sent,trade count,is_closed;
// one zstd frame (with checksum) per day at the same level.
std::size_t csv_silver_bytes(const lake::ObjectStore& store, const std::vector<BronzePage>& pages,
                             int level) {
  std::map<std::string, std::string> days;
  simdjson::dom::parser parser;
  Iso8601Appender iso;
  std::string body;
  for (const BronzePage& page : pages) {
    std::string& csv = days[page.day];
    if (csv.empty()) {
      csv = "exchange,symbol,timeframe,open_time,open,high,low,close,volume,quote_volume,"
            "trade_count,is_closed\n";
    }
    store.read(page.key, body);
    body.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    for (const simdjson::dom::element row : parser.parse(body.data(), body.size(), false).get_array()) {
      const simdjson::dom::array fields = row.get_array();
      csv += "binance," + page.symbol + "," + page.timeframe + ",";
      iso.append(csv, fields.at(0).get_int64());
      for (const std::size_t i : {1, 2, 3, 4, 5, 7}) {
        csv += ',';
        csv += std::string_view(fields.at(i).get_string());
      }
      csv += ',' + std::to_string(fields.at(8).get_int64().value()) + ",true\n";
    }
  }
  std::unique_ptr<ZSTD_CCtx, decltype(&ZSTD_freeCCtx)> context(ZSTD_createCCtx(), ZSTD_freeCCtx);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_compressionLevel, level);
  ZSTD_CCtx_setParameter(context.get(), ZSTD_c_checksumFlag, 1);
  std::size_t bytes = 0;
  std::string frame;
  for (const auto& [day, csv] : days) {
    frame.resize(ZSTD_compressBound(csv.size()));
    const std::size_t size = ZSTD_compress2(context.get(), frame.data(), frame.size(), csv.data(), csv.size());
    if (ZSTD_isError(size)) throw Error(ErrorKind::kStorage, ZSTD_getErrorName(size));
    bytes += size;
  }
  return bytes;
}

// Reads from the real lake but discards what is written: isolates the transform's CPU work
// (parse, validate, format, compress) from the cost of durable writes (fsync, new inodes).
class DiscardingWrites final : public lake::ObjectStore {
 public:
  explicit DiscardingWrites(const std::string& root) : lake_(root) {}
  std::string url() const override { return lake_.url(); }
  std::unique_ptr<lake::ObjectWriter> create(const std::string&,
                                             const lake::ObjectMetadata&) override {
    struct Sink final : lake::ObjectWriter {
      void write(std::string_view) override {}
      void commit() override {}
    };
    return std::make_unique<Sink>();
  }
  void read(const std::string& key, std::string& out) const override { lake_.read(key, out); }
  lake::ObjectMetadata metadata(const std::string& key) const override { return lake_.metadata(key); }
  bool exists(const std::string& key) const override { return lake_.exists(key); }
  std::vector<std::string> list(const std::string& prefix) const override { return lake_.list(prefix); }
  std::string locate(const std::string& key) const override { return lake_.locate(key); }
  void sync() override {}

 private:
  lake::FileStore lake_;
};

struct Transformed {
  std::int64_t candles = 0;
  std::int64_t silver_bytes = 0;
};

double time_transform(const pipeline::Config& config, const Args& args,
                      std::unique_ptr<lake::ObjectStore> store, std::FILE* log_sink,
                      Transformed& out) {
  SystemClock clock;
  const auto start = SteadyClock::now();
  out = {};
  const std::string run_id = pipeline::new_run_id(clock.now_ms());
  pipeline::RunContext context(config, run_id,
                               Logger(run_id, LogFormat::kJson, LogLevel::kWarn, log_sink), clock,
                               std::move(store));
  for (UtcDay day = args.from; day <= args.to; day = day.next()) {
    const pipeline::AssetResult result = pipeline::transform_ohlcv(context, day);
    out.candles += result.rows;
    out.silver_bytes += result.metadata.at("silver_bytes").get<std::int64_t>();
  }
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

double seconds_since(SteadyClock::time_point start) {
  return std::chrono::duration<double>(SteadyClock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) try {
  const Args args = parse_args(argc, argv);
  pipeline::Config config;
  config.lake = "file://" + args.lake;
  config.silver_compression = args.level;
  config.exchanges = {{"binance", "http://127.0.0.1:9", args.symbols, args.timeframes, 20}};
  lake::FileStore store(args.lake);
  const std::vector<BronzePage> pages = bronze_pages(store, args);

  std::FILE* discard = std::fopen("/dev/null", "w");
  simdjson::dom::parser dom;
  std::string buffer;
  double best_parse = 1e300;
  double best_transform = 1e300;
  double best_cpu = 1e300;
  std::int64_t bytes = 0;
  Transformed written;
  Transformed discarded;

  for (int round = 0; round < args.repeat; ++round) {
    // The limit: read every bronze object and parse it with simdjson, touching nothing more.
    auto start = SteadyClock::now();
    bytes = 0;
    std::size_t elements = 0;
    for (const BronzePage& page : pages) {
      const std::string& key = page.key;
      store.read(key, buffer);
      bytes += static_cast<std::int64_t>(buffer.size());
      buffer.reserve(buffer.size() + simdjson::SIMDJSON_PADDING);
      simdjson::dom::array rows;
      if (dom.parse(buffer.data(), buffer.size(), false).get_array().get(rows)) {
        throw Error(ErrorKind::kBadPayload, "simdjson could not parse " + key);
      }
      for ([[maybe_unused]] const simdjson::dom::element row : rows) ++elements;
    }
    best_parse = std::min(best_parse, seconds_since(start));

    // Ours: the transform_ohlcv asset itself, every partition, writing silver to the same lake,
    // then the same with its writes discarded.
    best_transform = std::min(best_transform, time_transform(config, args,
                                                             std::make_unique<lake::FileStore>(args.lake),
                                                             discard, written));
    best_cpu = std::min(best_cpu, time_transform(config, args,
                                                 std::make_unique<DiscardingWrites>(args.lake),
                                                 discard, discarded));
    for (const std::int64_t candles : {written.candles, discarded.candles}) {
      if (static_cast<std::int64_t>(elements) != candles) {
        throw Error(ErrorKind::kBadPayload, "parsed " + std::to_string(elements) +
                                                " rows but transformed " + std::to_string(candles));
      }
    }
  }
  std::fclose(discard);
  const std::int64_t candles = written.candles;
  const std::size_t csv_bytes = csv_silver_bytes(store, pages, args.level);

  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  const double ratio = best_parse / best_transform;
  const double cpu_ratio = best_parse / best_cpu;
  std::printf("transform_ohlcv throughput (best of %d, %zu bronze files, %.1f MiB, %lld candles)\n",
              args.repeat, pages.size(), mib, static_cast<long long>(candles));
  std::printf("  simdjson DOM parse (the limit):  %8.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_parse, mib / best_parse, static_cast<double>(candles) / best_parse);
  std::printf("  transform_ohlcv (ours):          %8.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_transform, mib / best_transform, static_cast<double>(candles) / best_transform);
  std::printf("  transform_ohlcv, writes discarded: %6.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_cpu, mib / best_cpu, static_cast<double>(candles) / best_cpu);
  std::printf("  ratio ours/limit: %.2fx (target >= 0.50x) %s; with writes discarded: %.2fx\n",
              ratio, ratio >= 0.5 ? "PASS" : "MISS", cpu_ratio);
  const double per_candle = static_cast<double>(written.silver_bytes) / static_cast<double>(candles);
  const double csv_per_candle = static_cast<double>(csv_bytes) / static_cast<double>(candles);
  std::printf("silver bytes per candle (zstd level %d, config silver_compression)\n", args.level);
  std::printf("  Parquet (ours):                   %6.2f B  (%lld bytes)\n", per_candle,
              static_cast<long long>(written.silver_bytes));
  std::printf("  zstd CSV of the same rows (before): %4.2f B  (%zu bytes)\n", csv_per_candle, csv_bytes);
  std::printf("  ratio Parquet/CSV: %.2fx the bytes\n", per_candle / csv_per_candle);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "transform_throughput: %s\n", e.what());
  return 2;
}
