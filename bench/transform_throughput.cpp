// transform_ohlcv (parse + normalize + validate + write zstd CSV silver) against its limit, a
// plain simdjson DOM parse of the same bronze files, read from the same lake. Both sides are
// timed in one process, interleaved, best of N, so that the ratio survives a noisy machine.
#include <simdjson.h>

#include <algorithm>
#include <chrono>
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

std::vector<std::string> bronze_pages(const lake::ObjectStore& store, const Args& args) {
  std::vector<std::string> keys;
  for (UtcDay day = args.from; day <= args.to; day = day.next()) {
    for (const Symbol& symbol : args.symbols) {
      for (const Timeframe& tf : args.timeframes) {
        const lake::SeriesId series{"binance", "ohlcv", symbol, std::string(tf.name())};
        const auto manifests = store.list(lake::extraction_manifest_prefix(series, day));
        if (manifests.empty()) throw Error(ErrorKind::kNotFound, "no extraction for " + day.to_string());
        const nlohmann::json manifest = nlohmann::json::parse(store.read(manifests.back()));
        for (const auto& page : manifest.at("pages")) keys.push_back(page.at("key"));
      }
    }
  }
  return keys;
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

double time_transform(const pipeline::Config& config, const Args& args,
                      std::unique_ptr<lake::ObjectStore> store, std::FILE* log_sink,
                      std::int64_t& candles) {
  SystemClock clock;
  const auto start = SteadyClock::now();
  candles = 0;
  const std::string run_id = pipeline::new_run_id(clock.now_ms());
  pipeline::RunContext context(config, run_id,
                               Logger(run_id, LogFormat::kJson, LogLevel::kWarn, log_sink), clock,
                               std::move(store));
  for (UtcDay day = args.from; day <= args.to; day = day.next()) {
    candles += pipeline::transform_ohlcv(context, day).rows;
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
  const std::vector<std::string> keys = bronze_pages(store, args);

  std::FILE* discard = std::fopen("/dev/null", "w");
  simdjson::dom::parser dom;
  std::string buffer;
  double best_parse = 1e300;
  double best_transform = 1e300;
  double best_cpu = 1e300;
  std::int64_t bytes = 0;
  std::int64_t candles = 0;

  for (int round = 0; round < args.repeat; ++round) {
    // The limit: read every bronze object and parse it with simdjson, touching nothing more.
    auto start = SteadyClock::now();
    bytes = 0;
    std::size_t elements = 0;
    for (const std::string& key : keys) {
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
                                                             discard, candles));
    best_cpu = std::min(best_cpu, time_transform(config, args,
                                                 std::make_unique<DiscardingWrites>(args.lake),
                                                 discard, candles));
    if (static_cast<std::int64_t>(elements) != candles) {
      throw Error(ErrorKind::kBadPayload, "parsed " + std::to_string(elements) +
                                              " rows but transformed " + std::to_string(candles));
    }
  }
  std::fclose(discard);

  const double mib = static_cast<double>(bytes) / (1024.0 * 1024.0);
  const double ratio = best_parse / best_transform;
  const double cpu_ratio = best_parse / best_cpu;
  std::printf("transform_ohlcv throughput (best of %d, %zu bronze files, %.1f MiB, %lld candles)\n",
              args.repeat, keys.size(), mib, static_cast<long long>(candles));
  std::printf("  simdjson DOM parse (the limit):  %8.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_parse, mib / best_parse, static_cast<double>(candles) / best_parse);
  std::printf("  transform_ohlcv (ours):          %8.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_transform, mib / best_transform, static_cast<double>(candles) / best_transform);
  std::printf("  transform_ohlcv, writes discarded: %6.3f s  %8.1f MiB/s  %12.0f candles/s\n",
              best_cpu, mib / best_cpu, static_cast<double>(candles) / best_cpu);
  std::printf("  ratio ours/limit: %.2fx (target >= 0.50x) %s; with writes discarded: %.2fx\n",
              ratio, ratio >= 0.5 ? "PASS" : "MISS", cpu_ratio);
  std::printf("  silver: zstd level %d (config silver_compression)\n", args.level);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "transform_throughput: %s\n", e.what());
  return 2;
}
