#include "binance_archives.h"

#include <openssl/sha.h>
#include <zip.h>

#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <cstdio>
#include <ctime>
#include <limits>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "binance_protocol.h"
#include "calendar.h"
#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"
#include "trade_data.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/binance-data";
// Spot archives give their times in microseconds from this day (2025-01-01) on.
constexpr std::int64_t kMicrosecondsFromMs = 1'735'689'600'000;
// Every entry's time in the zip, so that an archive's bytes never change: 2020-01-01 00:00.
constexpr std::time_t kEntryTime = 1'577'836'800;

struct ArchiveRequest {
  bool agg_trades;  // data/spot/daily/aggTrades, else klines
  const Market* market;
  CandleInterval interval;
  std::string interval_token;
  std::int64_t start_ms;  // the period the file covers: a day or a calendar month
  std::int64_t end_ms;
  std::string file;       // BTCUSDT-1m-2024-01-30.zip
  bool checksum;          // the .CHECKSUM beside it
};

std::optional<CandleInterval> archive_interval(const std::string& token) {
  static const std::vector<std::pair<std::string, std::int64_t>> kIntervals = {
      {"1s", kSecondMs},     {"1m", kMinuteMs},      {"3m", 3 * kMinuteMs},
      {"5m", 5 * kMinuteMs}, {"15m", 15 * kMinuteMs}, {"30m", 30 * kMinuteMs},
      {"1h", kHourMs},       {"2h", 2 * kHourMs},    {"4h", 4 * kHourMs},
      {"6h", 6 * kHourMs},   {"8h", 8 * kHourMs},    {"12h", 12 * kHourMs},
      {"1d", kDayMs}};
  for (const auto& [name, length] : kIntervals) {
    if (name == token) return CandleInterval::fixed(length);
  }
  return std::nullopt;
}

// data/spot/{daily|monthly}/klines/{SYMBOL}/{interval}/{SYMBOL}-{interval}-{date}.zip[.CHECKSUM]
std::optional<ArchiveRequest> parse_path(const std::string& path) {
  static const std::regex kPath(
      R"(^/binance-data/data/spot/(daily|monthly)/klines/([A-Z0-9]+)/([0-9a-z]+)/)"
      R"(([A-Z0-9]+)-([0-9a-z]+)-([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?\.zip(\.CHECKSUM)?$)");
  std::smatch m;
  if (!std::regex_match(path, m, kPath)) return std::nullopt;
  const bool daily = m[1] == "daily";
  if (m[2] != m[4] || m[3] != m[5] || daily != m[8].matched) return std::nullopt;
  const Market* market = find_market(m[2].str());
  const std::optional<CandleInterval> interval = archive_interval(m[3].str());
  if (market == nullptr || !interval) return std::nullopt;
  const std::optional<std::int64_t> start =
      day_start_ms(m[6].str(), m[7].str(), daily ? m[8].str() : "01");
  if (!start) return std::nullopt;
  const std::int64_t end = daily ? *start + kDayMs : next_month_start_ms(m[6].str(), m[7].str());
  std::string file = path.substr(path.rfind('/') + 1);
  if (m[9].matched) file.resize(file.size() - std::string(".CHECKSUM").size());
  return ArchiveRequest{false, market, *interval, m[3].str(), *start, end, file, m[9].matched};
}

// data/spot/daily/aggTrades/{SYMBOL}/{SYMBOL}-aggTrades-{YYYY-MM-DD}.zip[.CHECKSUM]
std::optional<ArchiveRequest> parse_agg_trades_path(const std::string& path) {
  static const std::regex kPath(
      R"(^/binance-data/data/spot/daily/aggTrades/([A-Z0-9]+)/([A-Z0-9]+)-aggTrades-)"
      R"(([0-9]{4})-([0-9]{2})-([0-9]{2})\.zip(\.CHECKSUM)?$)");
  std::smatch m;
  if (!std::regex_match(path, m, kPath) || m[1] != m[2]) return std::nullopt;
  const Market* market = find_market(m[1].str());
  const std::optional<std::int64_t> start = day_start_ms(m[3].str(), m[4].str(), m[5].str());
  if (market == nullptr || !start) return std::nullopt;
  std::string file = path.substr(path.rfind('/') + 1);
  if (m[6].matched) file.resize(file.size() - std::string(".CHECKSUM").size());
  return ArchiveRequest{true, market, CandleInterval::fixed(kDayMs), "", *start, *start + kDayMs,
                        file, m[6].matched};
}

std::string time_text(std::int64_t ms, std::int64_t period_start) {
  return period_start >= kMicrosecondsFromMs ? std::to_string(ms) + "000" : std::to_string(ms);
}

// The headerless CSV, finished candles only, the same ones /api/v3/klines serves.
std::string klines_csv(const ArchiveRequest& archive) {
  const CandleWindow window{archive.start_ms, archive.end_ms - 1,
                            std::numeric_limits<std::size_t>::max()};
  std::string csv;
  for (const Candle& c : earliest_candles(*archive.market, archive.interval, window,
                                          std::numeric_limits<std::int64_t>::max())) {
    // Microsecond close times end in 999999, as Binance writes them.
    const std::string close_time = archive.start_ms >= kMicrosecondsFromMs
                                       ? std::to_string(c.close_time_ms) + "999"
                                       : std::to_string(c.close_time_ms);
    csv += time_text(c.open_time_ms, archive.start_ms) + ',' + format_units(c.open) + ',' +
           format_units(c.high) + ',' + format_units(c.low) + ',' + format_units(c.close) + ',' +
           format_units(c.volume) + ',' + close_time + ',' + format_units(c.quote_volume) + ',' +
           std::to_string(c.trade_count) + ',' + format_units(c.taker_buy_volume) + ',' +
           format_units(c.taker_buy_quote_volume) + ",0\n";
  }
  return csv;
}

// The day's aggregate trades as the aggTrades route serves them: aggregate id, price, quantity,
// first and last trade id, time, whether the buyer was the maker, whether it was the best match.
std::string agg_trades_csv(const ArchiveRequest& archive) {
  std::string csv;
  const std::int64_t first = first_trade_at_or_after(*archive.market, archive.start_ms);
  const std::int64_t last = first_trade_at_or_after(*archive.market, archive.end_ms);
  for (std::int64_t number = first; number < last; ++number) {
    const Trade trade = trade_at(*archive.market, number);
    csv += std::to_string(trade.number) + ',' + format_units(trade.price) + ',' +
           format_units(trade.quantity) + ',' + std::to_string(trade.first_fill) + ',' +
           std::to_string(trade.last_fill) + ',' + time_text(trade.time_ms, archive.start_ms) +
           ',' + (trade.buyer_is_maker ? "True" : "False") + ",True\n";
  }
  return csv;
}

struct SourceFree {
  void operator()(zip_source_t* source) const { zip_source_free(source); }
};

// One deflated entry with a fixed time: the same bytes for the same CSV, every time.
std::string zip_of(const std::string& name, const std::string& content) {
  zip_error_t error;
  zip_error_init(&error);
  std::unique_ptr<zip_source_t, SourceFree> out(zip_source_buffer_create(nullptr, 0, 0, &error));
  zip_source_keep(out.get());
  zip_t* archive = zip_open_from_source(out.get(), ZIP_TRUNCATE, &error);
  zip_source_t* entry = zip_source_buffer(archive, content.data(), content.size(), 0);
  const zip_int64_t index = zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8);
  zip_file_set_mtime(archive, static_cast<zip_uint64_t>(index), kEntryTime, 0);
  zip_close(archive);
  zip_source_open(out.get());
  zip_source_seek(out.get(), 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(out.get());
  zip_source_seek(out.get(), 0, SEEK_SET);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  zip_source_read(out.get(), bytes.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(out.get());
  return bytes;
}

std::string sha256_hex(const std::string& bytes) {
  std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest.data());
  std::string hex;
  for (const unsigned char byte : digest) {
    static constexpr char kDigits[] = "0123456789abcdef";
    hex += kDigits[byte >> 4];
    hex += kDigits[byte & 0xF];
  }
  return hex;
}

// S3's answer for a key that is not there, which the site is.
void answer_missing(httplib::Response& response, const std::string& key) {
  response.status = 404;
  response.set_content("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code>"
                       "<Message>The specified key does not exist.</Message><Key>" +
                           key + "</Key></Error>",
                       "application/xml");
}

// Built archives, so that a checksum and its zip (asked one after the other) cost one build:
// the oldest go first once they pass the cache's size. A benchmark sizes it to hold every
// archive it reads, so that the simulator serves them as the real site's CDN does, without
// building them again for each reader.
class ArchiveCache {
 public:
  struct Built {
    std::string zip;
    std::string sha256;
  };

  explicit ArchiveCache(std::size_t capacity_bytes) : capacity_bytes_(capacity_bytes) {}

  template <typename Build>
  std::shared_ptr<const Built> get(const std::string& name, Build build) {
    {
      const std::lock_guard lock(mutex_);
      if (const auto found = built_.find(name); found != built_.end()) return found->second;
    }
    auto made = std::make_shared<Built>();
    made->zip = build();
    made->sha256 = sha256_hex(made->zip);
    const std::lock_guard lock(mutex_);
    if (built_.emplace(name, made).second) {
      order_.push_back(name);
      held_bytes_ += made->zip.size();
      while (held_bytes_ > capacity_bytes_ && order_.size() > 1) {
        held_bytes_ -= built_.at(order_.front())->zip.size();
        built_.erase(order_.front());
        order_.pop_front();
      }
    }
    return made;
  }

 private:
  const std::size_t capacity_bytes_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const Built>> built_;
  std::deque<std::string> order_;
  std::size_t held_bytes_ = 0;
};

bool matches(const std::string& pattern, const std::string& file) {
  return !pattern.empty() && file.find(pattern) != std::string::npos;
}

}  // namespace

void register_binance_archive_routes(httplib::Server& server, const SimServices& services,
                                     const BinanceArchiveOptions& options) {
  const SimClock& clock = services.clock;
  FaultInjector& faults = services.faults;
  auto cache = std::make_shared<ArchiveCache>(options.cache_mib << 20);
  const auto answer = [&clock, &faults, options, cache](const httplib::Request& request,
                                                        httplib::Response& response) {
    const std::string key = request.path.substr(std::string(kPrefix).size() + 1);
    std::optional<ArchiveRequest> archive = parse_path(request.path);
    if (!archive) archive = parse_agg_trades_path(request.path);
    const bool daily = archive && archive->end_ms - archive->start_ms == kDayMs;
    const bool published = archive && archive->start_ms >= archive->market->listed_at_ms &&
                           clock.now_ms() >= archive->end_ms + options.publication_delay_ms &&
                           (!daily || archive->start_ms >= options.daily_from_ms);
    if (!published) return answer_missing(response, key);
    const FaultSettings settings = faults.settings();
    if (archive->checksum ? matches(settings.archive_drop_checksum, archive->file)
                          : matches(settings.archive_drop, archive->file)) {
      faults.record_injected("dropped_archive");
      return answer_missing(response, key);
    }
    const std::string csv_name = archive->file.substr(0, archive->file.size() - 4) + ".csv";
    const auto built = cache->get(request.path.substr(0, request.path.find(".zip") + 4), [&] {
      return zip_of(csv_name,
                    archive->agg_trades ? agg_trades_csv(*archive) : klines_csv(*archive));
    });
    if (archive->checksum) {
      response.set_content(built->sha256 + "  " + archive->file + "\n", "text/plain");
      return;
    }
    std::string zip = built->zip;
    if (matches(settings.archive_corrupt, archive->file)) {
      faults.record_injected("corrupt_archive");
      zip[zip.size() / 2] = static_cast<char>(zip[zip.size() / 2] ^ 0x20);
    }
    response.set_content(std::move(zip), "application/zip");
  };
  // HEAD is answered from the same handler: httplib sends the headers without the body.
  server.Get(std::string(kPrefix) + "/data/.*", answer);
}

}  // namespace exchange_sim
