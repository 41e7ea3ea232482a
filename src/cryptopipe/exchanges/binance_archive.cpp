#include "cryptopipe/exchanges/binance_archive.h"

#include <zip.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <span>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/archive_csv.h"
#include "cryptopipe/lake/content_hash.h"

namespace cryptopipe::exchanges {
namespace {

constexpr std::string_view kName = "binance-archive";
// data.binance.vision is a CDN with no published request budget: a request is one unit.
constexpr double kRequestWeight = 1;
// Times of at least this many digits are microseconds (ms reach 13 digits until 2286).
constexpr std::size_t kMicrosecondDigits = 16;
constexpr std::size_t kKlineColumns = 12;

struct ZipArchiveCloser {
  void operator()(zip_t* archive) const { zip_discard(archive); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* file) const { zip_fclose(file); }
};

[[noreturn]] void not_a_zip(const std::string& why) {
  throw Error(ErrorKind::kBadPayload, "binance archive: not a zip of one CSV file: " + why);
}

// The one entry of a zip held in memory, inflated as it is read.
class ZipEntryStream {
 public:
  explicit ZipEntryStream(const std::string& zip) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(zip.data(), zip.size(), 0, &error);
    if (source == nullptr) not_a_zip(zip_error_strerror(&error));
    archive_.reset(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
    if (!archive_) {
      zip_source_free(source);  // not taken over by a failed open
      const std::string why = zip_error_strerror(&error);
      zip_error_fini(&error);
      not_a_zip(why);
    }
    if (zip_get_num_entries(archive_.get(), 0) != 1) not_a_zip("expected exactly one entry");
    zip_stat_t stat;
    if (zip_stat_index(archive_.get(), 0, 0, &stat) != 0 || (stat.valid & ZIP_STAT_SIZE) == 0) {
      not_a_zip(zip_strerror(archive_.get()));
    }
    size_ = stat.size;
    file_.reset(zip_fopen_index(archive_.get(), 0, 0));
    if (!file_) not_a_zip(zip_strerror(archive_.get()));
  }

  zip_uint64_t size() const { return size_; }

  // Fills `out` with the next out.size() bytes; libzip checks the entry's CRC once the whole
  // entry has been read.
  void read(std::span<char> out) {
    const zip_int64_t read = zip_fread(file_.get(), out.data(), out.size());
    if (read < 0 || static_cast<std::size_t>(read) != out.size()) {
      not_a_zip(read < 0 ? zip_file_strerror(file_.get()) : "it ends early");
    }
  }

 private:
  std::unique_ptr<zip_t, ZipArchiveCloser> archive_;
  std::unique_ptr<zip_file_t, ZipFileCloser> file_;
  zip_uint64_t size_ = 0;
};

void inflate_single_entry(const std::string& zip, std::string& out) {
  ZipEntryStream entry(zip);
  out.resize(entry.size());
  entry.read(out);
}

bool read_time(std::string_view text, TimestampMs& out) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) return false;
  out = text.size() >= kMicrosecondDigits ? value / 1000 : value;
  return true;
}

RawCandle read_kline_line(std::string_view line) {
  RawCandle row;
  std::array<std::string_view, kKlineColumns> fields;
  if (split_fields(line, fields) < 9) {
    row.malformed = "line has too few fields";
    return row;
  }
  TimestampMs close_time = 0;
  if (!read_time(fields[0], row.open_time) || !read_time(fields[6], close_time)) {
    row.malformed = "bad open or close time";
    return row;
  }
  row.close_time = close_time;
  row.open = fields[1];
  row.high = fields[2];
  row.low = fields[3];
  row.close = fields[4];
  row.volume = fields[5];
  row.quote_volume = fields[7];
  std::int64_t trades = 0;
  const auto [end, error] = std::from_chars(fields[8].data(), fields[8].data() + fields[8].size(), trades);
  if (error != std::errc() || end != fields[8].data() + fields[8].size()) {
    row.malformed = "bad trade count";
    return row;
  }
  row.trade_count = trades;
  row.closed = true;
  return row;
}

// agg id, price, quantity, first trade id, last trade id, time, buyer is maker, best match.
RawTrade read_agg_trade_line(std::string_view line) {
  constexpr std::size_t kColumns = 8;
  RawTrade trade;
  std::array<std::string_view, kColumns> fields;
  if (split_fields(line, fields) < 7) {
    trade.malformed = "line has too few fields";
    return trade;
  }
  std::int64_t id = 0;
  const auto [end, error] = std::from_chars(fields[0].data(), fields[0].data() + fields[0].size(), id);
  if (error != std::errc() || end != fields[0].data() + fields[0].size() ||
      !read_time(fields[5], trade.ts)) {
    trade.malformed = "bad aggregate id or time";
    return trade;
  }
  const std::string_view maker = fields[6];
  if (maker != "True" && maker != "False" && maker != "true" && maker != "false") {
    trade.malformed = "bad buyer-is-maker flag";
    return trade;
  }
  trade.id = fields[0];
  trade.sequence = id;
  trade.price = fields[1];
  trade.amount = fields[2];
  trade.side = (maker == "True" || maker == "true") ? "sell" : "buy";
  return trade;
}

}  // namespace

BinanceArchive::BinanceArchive(std::unique_ptr<RestSession> session)
    : session_(std::move(session)) {}

bool BinanceArchive::has_kline_archives(const Timeframe& timeframe) {
  return timeframe.duration_ms() <= kMillisPerDay;
}

std::optional<ArchiveFile> BinanceArchive::daily_klines(const Symbol& symbol,
                                                        const Timeframe& timeframe,
                                                        const UtcDay& day) {
  const std::string market = symbol.base() + symbol.quote();
  const std::string interval(timeframe.name());
  return archive_file("daily", "klines/" + market + "/" + interval,
                      market + "-" + interval + "-" + day.to_string() + ".zip");
}

std::optional<ArchiveFile> BinanceArchive::monthly_klines(const Symbol& symbol,
                                                          const Timeframe& timeframe,
                                                          const UtcDay& day) {
  const std::string market = symbol.base() + symbol.quote();
  const std::string interval(timeframe.name());
  return archive_file("monthly", "klines/" + market + "/" + interval,
                      market + "-" + interval + "-" + day.to_string().substr(0, 7) + ".zip");
}

std::optional<ArchiveFile> BinanceArchive::daily_trades(const Symbol& symbol, const UtcDay& day) {
  const std::string market = symbol.base() + symbol.quote();
  return archive_file("daily", "aggTrades/" + market,
                      market + "-aggTrades-" + day.to_string() + ".zip");
}

std::optional<ArchiveFile> BinanceArchive::archive_file(std::string_view period,
                                                        const std::string& folder,
                                                        const std::string& file) {
  const std::string path = "/data/spot/" + std::string(period) + "/" + folder + "/" + file;
  ArchiveFile archive{.extension = "zip", .content_type = "application/zip"};
  try {
    // The checksum first: without it the zip could not be trusted anyway.
    const RawResponse checksum = session_->get(path + ".CHECKSUM", {}, kRequestWeight,
                                               archive_response_check(kName));
    archive.checksum_url = checksum.url;
    const std::string_view text = checksum.body;
    const std::size_t space = text.find(' ');
    std::string_view named = space == std::string_view::npos ? "" : text.substr(space);
    while (!named.empty() && (named.front() == ' ' || named.front() == '*')) named.remove_prefix(1);
    while (!named.empty() && (named.back() == '\n' || named.back() == '\r')) named.remove_suffix(1);
    archive.checksum = std::string(text.substr(0, space == std::string_view::npos ? 0 : space));
    const bool hex = archive.checksum.size() == 64 &&
                     archive.checksum.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!hex || named != file) {
      throw Error(ErrorKind::kBadPayload, "binance archive: " + checksum.url +
                                              " is not a checksum of " + file);
    }
    archive.file = session_->get(path, {}, kRequestWeight, archive_response_check(kName));
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kNotFound) return std::nullopt;
    throw;
  }
  const std::string actual = lake::sha256_hex(archive.file.body);
  if (actual != archive.checksum) {
    throw Error(ErrorKind::kBadPayload, "binance archive: " + archive.file.url +
                                            " does not match its checksum (sha256 " + actual +
                                            ", published " + archive.checksum + ")");
  }
  return archive;
}

void parse_kline_archive(const std::string& zip, std::string& csv, std::vector<RawCandle>& rows) {
  inflate_single_entry(zip, csv);
  parse_kline_csv(csv, rows);
}

void parse_kline_csv(std::string_view text, std::vector<RawCandle>& rows) {
  rows.clear();
  for_each_data_line(text, [&rows](std::string_view line) { rows.push_back(read_kline_line(line)); });
}

std::vector<ArchiveDaySlice> index_kline_archive_days(const std::string& zip,
                                                     TimestampMs first_day) {
  ZipEntryStream entry(zip);
  std::vector<ArchiveDaySlice> days;
  TimestampMs day = first_day;
  std::int64_t row = 0;
  // Each line as for_each_data_line sees it, with where it ends in the CSV (its newline included).
  const auto add_line = [&](std::string_view line, std::int64_t from, std::int64_t to) {
    const RawCandle candle = read_kline_line(line);
    if (candle.malformed.empty()) day = UtcDay::containing(candle.open_time).start_ms();
    if (days.empty() || days.back().day != day) {
      const bool seen = std::any_of(days.begin(), days.end(),
                                    [&](const ArchiveDaySlice& slice) { return slice.day == day; });
      if (seen) {
        throw Error(ErrorKind::kBadPayload, "binance archive: the lines of " +
                                                UtcDay::containing(day).to_string() +
                                                " are not together (row " +
                                                std::to_string(row) + ")");
      }
      days.push_back({.day = day, .from = from, .to = to, .first_row = row, .rows = 0});
    }
    days.back().to = to;
    ++days.back().rows;
    ++row;
  };
  std::string line;            // the line being read, across chunks
  std::int64_t line_from = 0;  // where it starts in the CSV
  std::int64_t position = 0;   // bytes of the CSV read so far
  bool first = true;
  const auto end_line = [&] {
    for_each_data_line(
        line, [&](std::string_view data) { add_line(data, line_from, position); }, first);
    line.clear();
    line_from = position;
  };
  std::array<char, 1 << 16> chunk;
  for (zip_uint64_t done = 0; done < entry.size();) {
    const auto take =
        static_cast<std::size_t>(std::min<zip_uint64_t>(chunk.size(), entry.size() - done));
    entry.read(std::span(chunk.data(), take));
    done += take;
    std::string_view text(chunk.data(), take);
    for (std::size_t newline; (newline = text.find('\n')) != std::string_view::npos;) {
      line.append(text.substr(0, newline));
      position += static_cast<std::int64_t>(newline + 1);
      text.remove_prefix(newline + 1);
      end_line();
    }
    line.append(text);
    position += static_cast<std::int64_t>(text.size());
  }
  if (!line.empty()) end_line();
  return days;
}

void parse_kline_archive_slice(const std::string& zip, const ArchiveDaySlice& slice,
                               std::string& csv, std::vector<RawCandle>& rows) {
  ZipEntryStream entry(zip);
  if (slice.from < 0 || slice.to < slice.from || static_cast<zip_uint64_t>(slice.to) > entry.size()) {
    not_a_zip("its CSV has no bytes " + std::to_string(slice.from) + " to " +
              std::to_string(slice.to));
  }
  std::array<char, 1 << 16> skipped;
  for (std::int64_t left = slice.from; left > 0;) {
    const auto take = static_cast<std::size_t>(std::min<std::int64_t>(left, skipped.size()));
    entry.read(std::span(skipped.data(), take));
    left -= static_cast<std::int64_t>(take);
  }
  csv.resize(static_cast<std::size_t>(slice.to - slice.from));
  entry.read(csv);
  rows.clear();
  bool first = false;  // within the file: no header
  for_each_data_line(
      csv, [&rows](std::string_view line) { rows.push_back(read_kline_line(line)); }, first);
}

void parse_agg_trade_archive(const std::string& zip, std::string& csv,
                             std::vector<RawTrade>& trades) {
  inflate_single_entry(zip, csv);
  parse_agg_trade_csv(csv, trades);
}

void parse_agg_trade_csv(std::string_view text, std::vector<RawTrade>& trades) {
  trades.clear();
  for_each_data_line(text,
                     [&trades](std::string_view line) { trades.push_back(read_agg_trade_line(line)); });
}

}  // namespace cryptopipe::exchanges
