#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/archive.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Binance's public bulk data (https://data.binance.vision): per market, interval and finished
// UTC day (and calendar month) a zip of one headerless CSV of klines, with a `.CHECKSUM` file
// beside it holding "<sha256>  <file name>". Daily files appear a day or so after their day ends; what is not
// published answers 404. Spot files dated 2025-01-01 on give times in microseconds, earlier
// ones in milliseconds (tools/exchange-sim/README.md has the facts and their sources).
class BinanceArchive final : public TradesArchive {
 public:
  static constexpr std::string_view kDefaultUrl = "https://data.binance.vision";

  explicit BinanceArchive(std::unique_ptr<RestSession> session);

  // Whether daily and monthly kline archives exist for the timeframe (every interval up to a
  // day; the engine's smallest is a minute, so a month's file holds at most 44,640 lines).
  static bool has_kline_archives(const Timeframe& timeframe);

  // The day's kline archive of the market, checksum verified; nullopt when either file is not
  // published (404). Throws Error(kBadPayload) naming the file when the zip does not match
  // its checksum or the checksum file is not one, and the session's errors for the rest.
  std::optional<ArchiveFile> daily_klines(const Symbol& symbol, const Timeframe& timeframe,
                                          const UtcDay& day);
  // The kline archive of the calendar month holding `day`
  // (data/spot/monthly/klines/.../{SYMBOL}-{interval}-{YYYY-MM}.zip), the same way. Binance
  // publishes it early in the next month; its daily files begin later than its monthly ones.
  std::optional<ArchiveFile> monthly_klines(const Symbol& symbol, const Timeframe& timeframe,
                                            const UtcDay& day);
  // The day's aggregate trades of the market (aggTrades), the same way.
  std::optional<ArchiveFile> daily_trades(const Symbol& symbol, const UtcDay& day) override;

 private:
  // data/spot/{period}/{path}/{file} (period daily or monthly) and its checksum file, verified.
  std::optional<ArchiveFile> archive_file(std::string_view period, const std::string& path,
                                          const std::string& file);

  std::unique_ptr<RestSession> session_;
};

// Reads the klines of an archive zip into `rows` (replaced): the one CSV inside is inflated
// into `csv` (whose text the rows' views point into, valid until the next call with it).
// Every row is a finished candle (closed = true). Throws Error(kBadPayload) for bytes that
// are not a zip of one file; a line that cannot be read is a row with `malformed` set.
void parse_kline_archive(const std::string& zip, std::string& csv, std::vector<RawCandle>& rows);
// The CSV inside, read into `rows` (replaced; views into `csv`).
void parse_kline_csv(std::string_view csv, std::vector<RawCandle>& rows);

// Where one day's lines are in the CSV of a month's kline archive: bytes [from, to) of the
// inflated CSV, the index of its first row among the file's rows, and how many rows it has.
struct ArchiveDaySlice {
  TimestampMs day = 0;  // its start
  std::int64_t from = 0;
  std::int64_t to = 0;
  std::int64_t first_row = 0;
  std::int64_t rows = 0;
};

// The days of a month's kline archive, read as a stream (never the whole CSV in memory): a row
// belongs to the day it opens in, and an unreadable line to the row before it (at the top of the
// file, to `first_day`, the month's first). Throws Error(kBadPayload) for bytes that are not a
// zip of one CSV (its CRC is checked) and for a day whose lines are not together.
std::vector<ArchiveDaySlice> index_kline_archive_days(const std::string& zip, TimestampMs first_day);
// One day of a month's kline archive into `rows` (replaced; views into `csv`), inflating the CSV
// only up to the day's end. Throws Error(kBadPayload) when the CSV ends before it.
void parse_kline_archive_slice(const std::string& zip, const ArchiveDaySlice& slice,
                               std::string& csv, std::vector<RawCandle>& rows);

// Reads the aggregate trades of an archive zip into `trades` (replaced), like the klines: the
// aggregate id is the trade's id and sequence, and a buyer who was the maker makes the taker a
// seller. Oldest first, as the archive lists them.
void parse_agg_trade_archive(const std::string& zip, std::string& csv,
                             std::vector<RawTrade>& trades);
void parse_agg_trade_csv(std::string_view csv, std::vector<RawTrade>& trades);

}  // namespace cryptopipe::exchanges
