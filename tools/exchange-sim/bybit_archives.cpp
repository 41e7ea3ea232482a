#include "bybit_archives.h"

#include <zlib.h>

#include <optional>
#include <regex>
#include <string>

#include "calendar.h"
#include "candle_interval.h"
#include "fixed_point.h"
#include "market_data.h"
#include "trade_data.h"

namespace exchange_sim {
namespace {

constexpr const char* kPrefix = "/bybit-data";

struct DayFile {
  const Market* market;
  std::int64_t start_ms;
  std::string file;  // BTCUSDT_2025-05-19.csv.gz
};

// spot/{MARKET}/{MARKET}_{YYYY-MM-DD}.csv.gz
std::optional<DayFile> parse_path(const std::string& path) {
  static const std::regex kPath(
      R"(^/bybit-data/spot/([A-Z0-9]+)/([A-Z0-9]+)_([0-9]{4})-([0-9]{2})-([0-9]{2})\.csv\.gz$)");
  std::smatch m;
  if (!std::regex_match(path, m, kPath) || m[1] != m[2]) return std::nullopt;
  const Market* market = find_market(m[1].str());
  const std::optional<std::int64_t> start = day_start_ms(m[3].str(), m[4].str(), m[5].str());
  if (market == nullptr || !start) return std::nullopt;
  return DayFile{market, *start, path.substr(path.rfind('/') + 1)};
}

// The day's trades numbered from 1, times in milliseconds, the taker's side, no RPI trades. The
// gap switch leaves out the trades in [gap_from_ms, gap_to_ms): their numbers go missing too.
std::string trades_csv(const DayFile& file, const FaultSettings& faults) {
  std::string csv = "id,timestamp,price,volume,side,rpi\n";
  const std::int64_t first = first_trade_at_or_after(*file.market, file.start_ms);
  const std::int64_t last = first_trade_at_or_after(*file.market, file.start_ms + kDayMs);
  for (std::int64_t number = first; number < last; ++number) {
    const Trade trade = trade_at(*file.market, number);
    if (trade.time_ms >= faults.gap_from_ms && trade.time_ms < faults.gap_to_ms) continue;
    csv += std::to_string(number - first + 1) + ',' + std::to_string(trade.time_ms) + ',' +
           format_units_trimmed(trade.price) + ',' + format_units_trimmed(trade.quantity) + ',' +
           (trade.buyer_is_maker ? "sell" : "buy") + ",0\n";
  }
  return csv;
}

// gzip with no name and no time in its header: the same bytes for the same CSV, every time.
std::string gzip(const std::string& text) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

bool matches(const std::string& pattern, const std::string& file) {
  return !pattern.empty() && file.find(pattern) != std::string::npos;
}

}  // namespace

void register_bybit_archive_routes(httplib::Server& server, const SimServices& services,
                                   std::int64_t publication_delay_ms) {
  const SimClock& clock = services.clock;
  FaultInjector& faults = services.faults;
  // What the site's CDN answers when it fails: plain text, no JSON.
  InjectedFailureWording wording{
      .rate_limited =
          [](httplib::Response& response, int retry_after_s) {
            response.set_header("Retry-After", std::to_string(retry_after_s));
            response.status = 429;
            response.set_content("Too Many Requests", "text/plain");
          },
      .internal_error =
          [](httplib::Response& response) {
            response.status = 500;
            response.set_content("Internal Server Error", "text/plain");
          },
  };
  const auto answer = [&clock, &faults, publication_delay_ms](const httplib::Request& request,
                                                              httplib::Response& response) {
    const std::optional<DayFile> file = parse_path(request.path);
    const bool published = file && file->start_ms >= file->market->listed_at_ms &&
                           clock.now_ms() >= file->start_ms + kDayMs + publication_delay_ms;
    const FaultSettings settings = faults.settings();
    const bool dropped = published && matches(settings.archive_drop, file->file);
    if (dropped) faults.record_injected("dropped_archive");
    if (!published || dropped) {
      response.status = 404;
      response.set_content("<html><body><h1>404 Not Found</h1></body></html>", "text/html");
      return;
    }
    std::string bytes = gzip(trades_csv(*file, settings));
    if (matches(settings.archive_corrupt, file->file)) {
      faults.record_injected("corrupt_archive");
      bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
    }
    response.set_content(std::move(bytes), "application/gzip");
  };
  server.Get(std::string(kPrefix) + "/spot/.*", with_faults(faults, std::move(wording), answer));
}

}  // namespace exchange_sim
