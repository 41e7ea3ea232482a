#include "fuzz_targets.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/bybit_archive.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/exchanges/rest_session.h"
#include "cryptopipe/net/rate_limiter.h"
#include "cryptopipe/pipeline/asset_graph.h"
#include "cryptopipe/pipeline/config.h"
#include "cryptopipe/pipes/context.h"
#include "cryptopipe/pipes/encoding.h"
#include "cryptopipe/transform/ohlcv_transform.h"
#include "cryptopipe/transform/perp_transform.h"
#include "cryptopipe/transform/ohlcv_validation.h"
#include "cryptopipe/transform/orderbook_transform.h"
#include "cryptopipe/transform/silver_parquet.h"
#include "cryptopipe/transform/ticker_transform.h"
#include "cryptopipe/transform/trade_transform.h"

namespace cryptopipe::fuzz {
namespace {

// A client that is never asked to send: only its parsers run.
std::unique_ptr<exchanges::Exchange> parser_for(const std::string& name) {
  static SystemClock clock;
  static net::RateLimiter limiter(1, std::chrono::seconds(1), clock);
  static Logger logger("fuzz", LogFormat::kJson, LogLevel::kError);
  return exchanges::find_exchange(name).create(std::make_unique<exchanges::RestSession>(
      name, exchanges::RestSettings{.base_url = "http://127.0.0.1:9"}, limiter, clock, logger));
}

// Every parser of the exchange reads the same bytes (each on its own copy: parsing may unescape
// in place), every candle that parses goes through the transform's row checks, and a page of
// trades that parses is paged on from the day's first request, and every open-interest value
// that parses is turned from contracts into base as Gate's are.
Target exchange_responses(const std::string& name) {
  const bool trades = exchanges::find_exchange(name).trades;
  const bool perpetuals = exchanges::find_exchange(name).perpetuals;
  return [name, trades, perpetuals](const std::uint8_t* data, std::size_t size) {
    static const std::unique_ptr<exchanges::Exchange> exchange = parser_for(name);
    const std::string input(reinterpret_cast<const char*>(data), size);
    static const Timeframe minute = Timeframe::parse("1m");
    static const UtcDay day = UtcDay::parse("2024-01-30");  // the fixtures' time
    if (trades) {
      try {
        std::string body = input;
        std::vector<exchanges::RawTrade> page;
        exchange->parse_trades(body, page);
        const exchanges::TradesRequest first =
            exchange->first_trades_request(day.start_ms(), day.end_ms());
        if (const auto next = exchange->next_trades_request(first, page)) {
          exchange->next_trades_request(*next, page);
        }
      } catch (const Error&) {
      }
    }
    if (perpetuals) {
      std::vector<exchanges::RawPerpPoint> points;
      try {
        std::string body = input;
        exchange->parse_funding(body, points);
      } catch (const Error&) {
      }
      try {
        std::string body = input;
        exchange->parse_open_interest(body, points);
        for (const exchanges::RawPerpPoint& point : points) multiply_decimals(point.value, "0.0001");
      } catch (const Error&) {
      }
      try {
        std::string body = input;
        exchange->parse_contract_size(body);
      } catch (const Error&) {
      }
    }
    try {
      std::string body = input;
      std::vector<exchanges::RawCandle> candles;
      exchange->parse_ohlcv(body, candles);
      for (const exchanges::RawCandle& candle : candles) {
        if (candle.malformed.empty()) {
          transform::validate_candle(candle, minute, day.start_ms(), day.end_ms());
        }
      }
    } catch (const Error&) {
    }
    try {
      std::string body = input;
      std::vector<exchanges::RawTicker> tickers;
      exchange->parse_tickers(body, tickers);
    } catch (const Error&) {
    }
    std::string body = input;
    exchanges::RawBook book;
    exchange->parse_orderbook(body, book);
  };
}

// A month's day index and the days read back through it give the very rows a whole read gives.
void month_days_agree(const std::string& zip, std::size_t whole_rows) {
  std::vector<exchanges::ArchiveDaySlice> days;
  try {
    days = exchanges::index_kline_archive_days(zip, 0);
  } catch (const Error&) {
    return;  // a day's lines apart: refused, as it should be
  }
  std::int64_t rows = 0;
  std::int64_t end = 0;
  std::string csv;
  std::vector<exchanges::RawCandle> day_rows;
  for (const exchanges::ArchiveDaySlice& day : days) {
    if (day.from < end || day.to < day.from || day.first_row != rows) std::abort();
    exchanges::parse_kline_archive_slice(zip, day, csv, day_rows);
    if (static_cast<std::int64_t>(day_rows.size()) != day.rows) std::abort();
    rows += day.rows;
    end = day.to;
  }
  if (rows != static_cast<std::int64_t>(whole_rows)) std::abort();
}

// Binance's bulk archives: the first byte picks klines or aggregate trades, as a zip to open or
// as the CSV inside; every candle that reads goes through the transform's row checks, and a zip
// of klines is read again day by day as a month's archive is.
void binance_archives(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string csv;
  if (data[0] % 4 >= 2) {
    std::vector<exchanges::RawTrade> trades;
    if (data[0] % 2 == 1) {
      exchanges::parse_agg_trade_archive(rest, csv, trades);
    } else {
      exchanges::parse_agg_trade_csv(rest, trades);
    }
    return;
  }
  std::vector<exchanges::RawCandle> candles;
  if (data[0] % 2 == 1) {
    exchanges::parse_kline_archive(rest, csv, candles);
    month_days_agree(rest, candles.size());
  } else {
    exchanges::parse_kline_csv(rest, candles);
  }
  static const Timeframe minute = Timeframe::parse("1m");
  static const UtcDay day = UtcDay::parse("2024-01-30");
  for (const exchanges::RawCandle& candle : candles) {
    if (candle.malformed.empty()) transform::validate_candle(candle, minute, day.start_ms(), day.end_ms());
  }
}

// Bybit's daily trade files: the first byte picks the bytes as a gzip file to read, or as the
// CSV inside, gzipped here so that every mutation reaches the line reader past gzip's CRC. A
// trade that reads carries its day in its id and its number as sequence.
void bybit_archives(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const UtcDay day = UtcDay::parse("2025-05-19");
  std::string text;
  std::vector<exchanges::RawTrade> trades;
  exchanges::parse_bybit_trade_archive(data[0] % 2 == 1 ? gzip_member(rest) : rest, day, text, trades);
  for (const exchanges::RawTrade& trade : trades) {
    if (!trade.malformed.empty()) continue;
    if (!trade.id.starts_with("2025-05-19-") || !trade.sequence ||
        trade.id.substr(11) != std::to_string(*trade.sequence)) {
      std::abort();
    }
  }
}

// The YAML configuration loader, through a real file as the CLI reads it.
void config(const std::uint8_t* data, std::size_t size) {
  static const std::string path =
      (std::filesystem::temp_directory_path() / ("cryptopipe-fuzz-" + std::to_string(getpid()) +
                                                 ".yaml")).string();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  const pipeline::Config loaded =
      pipeline::load_config({.config_file = path}, pipeline::Environment({}));
  pipeline::AssetGraph::from_config(loaded);
}

// Dagster-style selections on the default graph (every exchange, every dataset).
void selection(const std::uint8_t* data, std::size_t size) {
  static const pipeline::AssetGraph graph = [] {
    pipeline::Config all;
    for (const std::string name : {"binance", "bybit", "gateio"}) {
      pipeline::ExchangeConfig exchange;
      exchange.name = name;
      exchange.base_url = "http://127.0.0.1:9";
      exchange.symbols = {Symbol::parse("BTC/USDT")};
      exchange.timeframes = {Timeframe::parse("1m")};
      all.exchanges.push_back(exchange);
    }
    return pipeline::AssetGraph::from_config(all);
  }();
  pipeline::resolve_selection(graph, std::string_view(reinterpret_cast<const char*>(data), size));
}

// The Pipes bootstrap: an odd first byte makes the rest a DAGSTER_PIPES_CONTEXT value
// (base64 of zlib of JSON) to decode and load, an even one a context payload's JSON text.
// Contexts that point at a file are not followed: the fuzzer would read the machine's files.
void pipes_context(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 1) {
    const nlohmann::json params = pipes::decode_param(rest, "DAGSTER_PIPES_CONTEXT");
    if (!params.contains("path")) pipes::load_context(params);
    return;
  }
  const nlohmann::json payload = nlohmann::json::parse(rest, nullptr, false);
  if (!payload.is_discarded()) pipes::PipesContext::from_json(payload);
}

// A lake of one object, the input: what a load reads when a silver file was damaged.
class OneObjectLake final : public lake::ObjectStore {
 public:
  explicit OneObjectLake(std::string_view bytes) : bytes_(bytes) {}
  std::string url() const override { return "fuzz://"; }
  std::unique_ptr<lake::ObjectWriter> create(const std::string& key,
                                             const lake::ObjectMetadata&) override {
    throw Error(ErrorKind::kStorage, "the fuzz lake is read-only: " + key);
  }
  void read(const std::string&, std::string& out) const override { out.assign(bytes_); }
  lake::ObjectMetadata metadata(const std::string&) const override { return {}; }
  bool exists(const std::string&) const override { return true; }
  std::vector<std::string> list(const std::string&) const override { return {"silver"}; }
  std::string locate(const std::string& key) const override { return key; }
  void sync() override {}

 private:
  std::string_view bytes_;
};

// A silver table read back as the loads do: the first byte picks the schema (OHLCV, tickers,
// order book, trades), the rest is the file.
void silver_tables(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return;
  const transform::SilverSchema* schemas[] = {&transform::ohlcv_schema(),
                                              &transform::ticker_schema(),
                                              &transform::orderbook_schema(),
                                              &transform::trade_schema(),
                                              &transform::perp_schema(transform::PerpDataset::kFunding),
                                              &transform::perp_schema(
                                                  transform::PerpDataset::kOpenInterest)};
  const OneObjectLake lake(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1));
  transform::SilverParquetReader reader(lake, "silver", *schemas[data[0] % std::size(schemas)]);
  std::vector<std::string_view> fields;
  while (reader.next(fields)) {
  }
}

}  // namespace

const std::map<std::string, Target>& targets() {
  static const std::map<std::string, Target> all = [] {
    std::map<std::string, Target> targets = {
        {"config", config},
        {"selection", selection},
        {"pipes_context", pipes_context},
        {"silver_tables", silver_tables},
        {"binance_archives", binance_archives},
        {"bybit_archives", bybit_archives},
    };
    // Every venue's parsers: <name>_responses.
    for (const exchanges::ExchangeDescriptor& venue : exchanges::exchange_registry()) {
      targets.emplace(std::string(venue.name) + "_responses",
                      exchange_responses(std::string(venue.name)));
    }
    return targets;
  }();
  return all;
}

std::string gzip_member(const std::string& bytes) {
  z_stream stream{};
  deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, static_cast<uLong>(bytes.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  stream.avail_in = static_cast<uInt>(bytes.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

void run_one(const Target& target, const std::uint8_t* data, std::size_t size) {
  try {
    target(data, size);
  } catch (const Error&) {
  }
}

}  // namespace cryptopipe::fuzz
