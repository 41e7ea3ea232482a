#include "cryptopipe/exchanges/binance_archive.h"

#include <gtest/gtest.h>
#include <zip.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/net/rate_limiter.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::ThrowsError;

// A zip holding one file, built with libzip as Binance's archives are: deflated.
std::string zip_of(const std::map<std::string, std::string>& files) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* out = zip_source_buffer_create(nullptr, 0, 0, &error);
  zip_source_keep(out);
  zip_t* archive = zip_open_from_source(out, ZIP_TRUNCATE, &error);
  for (const auto& [name, content] : files) {
    zip_source_t* entry = zip_source_buffer(archive, content.data(), content.size(), 0);
    zip_file_add(archive, name.c_str(), entry, ZIP_FL_ENC_UTF_8);
  }
  zip_close(archive);
  zip_source_open(out);
  zip_source_seek(out, 0, SEEK_END);
  const zip_int64_t size = zip_source_tell(out);
  zip_source_seek(out, 0, SEEK_SET);
  std::string bytes(static_cast<std::size_t>(size), '\0');
  zip_source_read(out, bytes.data(), static_cast<zip_uint64_t>(size));
  zip_source_close(out);
  zip_source_free(out);
  return bytes;
}

// Two 1m candles of 2024-01-30 in milliseconds, as the archives before 2025 write them.
const std::string kCsv =
    "1706572800000,43519.34000000,43936.00000000,43171.00000000,43488.71000000,20.55495000,"
    "1706572859999,891428.42858070,3743,10.1,439000.5,0\n"
    "1706572860000,43488.71000000,43500.00000000,43400.00000000,43450.00000000,1.00000000,"
    "1706572919999,43450.00000000,12,0.5,21725,0\n";

TEST(KlineArchive, ReadsEveryCandleWithTheExactDigits) {
  std::string csv;
  std::vector<RawCandle> rows;
  parse_kline_archive(zip_of({{"BTCUSDT-1m-2024-01-30.csv", kCsv}}), csv, rows);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].open_time, 1706572800000);
  EXPECT_EQ(rows[0].close_time, 1706572859999);
  EXPECT_EQ(rows[0].open, "43519.34000000");
  EXPECT_EQ(rows[0].high, "43936.00000000");
  EXPECT_EQ(rows[0].low, "43171.00000000");
  EXPECT_EQ(rows[0].close, "43488.71000000");
  EXPECT_EQ(rows[0].volume, "20.55495000");
  EXPECT_EQ(rows[0].quote_volume, "891428.42858070");
  EXPECT_EQ(rows[0].trade_count, 3743);
  EXPECT_EQ(rows[0].closed, true);
  EXPECT_TRUE(rows[1].malformed.empty());
}

TEST(KlineArchive, MicrosecondTimesFrom2025AreReadAsMilliseconds) {
  std::string csv;
  std::vector<RawCandle> rows;
  parse_kline_archive(
      zip_of({{"BTCUSDT-1m-2025-01-01.csv",
               "1735689600000000,1,2,0.5,1.5,10,1735689659999999,15,3,1,1,0\r\n"}}),
      csv, rows);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].open_time, 1735689600000);
  EXPECT_EQ(rows[0].close_time, 1735689659999);
}

TEST(KlineArchive, AHeaderLineIsSkippedAndBadLinesAreMarkedNotDropped) {
  std::string csv;
  std::vector<RawCandle> rows;
  parse_kline_archive(zip_of({{"x.csv", "open_time,open,high,low,close,volume,close_time,"
                                        "quote_volume,count,tb,tq,ignore\n" +
                                            kCsv + "1706572920000,1,2\nabc,1,2,3,4,5,6,7,8\n"}}),
                      csv, rows);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[1].malformed.empty());
  EXPECT_EQ(rows[2].malformed, "line has too few fields");
  EXPECT_EQ(rows[3].malformed, "bad open or close time");
}

TEST(KlineArchive, BytesThatAreNotAZipOfOneFileAreABadPayload) {
  std::string csv;
  std::vector<RawCandle> rows;
  EXPECT_TRUE(ThrowsError([&] { parse_kline_archive("PK\x03\x04 not really", csv, rows); },
                          ErrorKind::kBadPayload, {"not a zip"}));
  EXPECT_TRUE(ThrowsError([&] { parse_kline_archive(zip_of({{"a.csv", kCsv}, {"b.csv", kCsv}}),
                                                    csv, rows); },
                          ErrorKind::kBadPayload, {"exactly one entry"}));
  std::string damaged = zip_of({{"a.csv", kCsv}});
  damaged[damaged.size() / 3] ^= 0x5a;  // inside the compressed data
  EXPECT_TRUE(ThrowsError([&] { parse_kline_archive(damaged, csv, rows); },
                          ErrorKind::kBadPayload, {"binance archive"}));
}

TEST(AggTradeArchive, ReadsEachAggregateAsATradeNumberedByItsId) {
  std::string csv;
  std::vector<RawTrade> trades;
  parse_agg_trade_archive(
      zip_of({{"BTCUSDT-aggTrades-2025-01-02.csv",
               "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,"
               "is_buyer_maker,is_best_match\n"
               "3379005,94591.79000000,0.00060000,4393013,4393013,1735776000046413,True,True\n"
               "3379006,94591.80000000,0.01000000,4393014,4393015,1735776000048000,False,True\n"
               "3379007,1,2,3\n"}}),
      csv, trades);
  ASSERT_EQ(trades.size(), 3u);
  EXPECT_EQ(trades[0].id, "3379005");
  EXPECT_EQ(trades[0].sequence, 3379005);
  EXPECT_EQ(trades[0].ts, 1735776000046);
  EXPECT_EQ(trades[0].price, "94591.79000000");
  EXPECT_EQ(trades[0].amount, "0.00060000");
  EXPECT_EQ(trades[0].side, "sell");
  EXPECT_EQ(trades[1].side, "buy");
  EXPECT_EQ(trades[1].ts, 1735776000048);
  EXPECT_EQ(trades[2].malformed, "line has too few fields");
  parse_agg_trade_csv("1,1,1,1,1,1706572800000,maybe,True\n", trades);
  EXPECT_EQ(trades[0].malformed, "bad buyer-is-maker flag");
}

// `count` 1m candles from `start`, one line each as Binance writes them.
std::string minute_lines(TimestampMs start, int count) {
  std::string lines;
  for (int i = 0; i < count; ++i) {
    const TimestampMs open = start + i * kMillisPerMinute;
    lines += std::to_string(open) + ",1,1,1,1,1," + std::to_string(open + kMillisPerMinute - 1) +
             ",1,1,1,1,0\n";
  }
  return lines;
}

TEST(KlineMonthArchive, EachDayIsWhereItsLinesAreAndABadLineGoesWithTheRowBeforeIt) {
  const TimestampMs first = UtcDay::parse("2024-01-01").start_ms();
  // Longer than the reader's 64 KiB chunks, so that lines straddle them.
  const std::string csv = "17,oops\n" + minute_lines(first + kMillisPerDay - 2 * kMillisPerMinute, 2) +
                          "not,a,line\n" + minute_lines(first + kMillisPerDay, 1500) + "garbage\n";
  ASSERT_GT(csv.size(), 65536u);
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01.csv", csv}});
  const std::vector<ArchiveDaySlice> days = index_kline_archive_days(zip, first);
  ASSERT_EQ(days.size(), 3u);
  const auto at = [&](TimestampMs open) {
    return static_cast<std::int64_t>(csv.find("\n" + std::to_string(open) + ",") + 1);
  };
  EXPECT_EQ(days[0].day, first);
  EXPECT_EQ(days[0].from, 0);
  EXPECT_EQ(days[0].first_row, 0);
  EXPECT_EQ(days[0].rows, 4) << "the line before any row and the one after the day's last";
  EXPECT_EQ(days[1].day, first + kMillisPerDay);
  EXPECT_EQ(days[1].from, at(first + kMillisPerDay));
  EXPECT_EQ(days[1].to, at(first + 2 * kMillisPerDay));
  EXPECT_EQ(days[1].first_row, 4);
  EXPECT_EQ(days[1].rows, 1440);
  EXPECT_EQ(days[2].first_row, 1444);
  EXPECT_EQ(days[2].rows, 61);
  EXPECT_EQ(days[2].to, static_cast<std::int64_t>(csv.size()));

  std::string text;
  std::vector<RawCandle> rows;
  parse_kline_archive_slice(zip, days[1], text, rows);
  ASSERT_EQ(rows.size(), 1440u);
  EXPECT_EQ(rows.front().open_time, first + kMillisPerDay);
  EXPECT_EQ(rows.back().open_time, first + 2 * kMillisPerDay - kMillisPerMinute);
  parse_kline_archive_slice(zip, days[2], text, rows);
  ASSERT_EQ(rows.size(), 61u);
  EXPECT_EQ(rows.back().malformed, "line has too few fields");
  parse_kline_archive_slice(zip, days[0], text, rows);
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_FALSE(rows[0].malformed.empty()) << "a bad first line of a slice is a row, not a header";
}

TEST(KlineMonthArchive, AHeaderIsNoRowAndScatteredDaysOrAMissingSliceAreRefused) {
  const TimestampMs first = UtcDay::parse("2024-01-01").start_ms();
  const std::string header = "open_time,open,high,low,close,volume\n";
  const std::vector<ArchiveDaySlice> days =
      index_kline_archive_days(zip_of({{"a.csv", header + minute_lines(first, 3)}}), first);
  ASSERT_EQ(days.size(), 1u);
  EXPECT_EQ(days[0].from, static_cast<std::int64_t>(header.size()));
  EXPECT_EQ(days[0].rows, 3);

  const std::string scattered = minute_lines(first, 1) + minute_lines(first + kMillisPerDay, 1) +
                                minute_lines(first + kMillisPerMinute, 1);
  EXPECT_TRUE(ThrowsError([&] { index_kline_archive_days(zip_of({{"a.csv", scattered}}), first); },
                          ErrorKind::kBadPayload, {"the lines of 2024-01-01 are not together"}));
  std::string text;
  std::vector<RawCandle> rows;
  const std::string zip = zip_of({{"a.csv", minute_lines(first, 3)}});
  EXPECT_TRUE(ThrowsError(
      [&] { parse_kline_archive_slice(zip, {.day = first, .from = 0, .to = 100000}, text, rows); },
      ErrorKind::kBadPayload, {"has no bytes 0 to 100000"}));
  EXPECT_TRUE(ThrowsError([&] { index_kline_archive_days("not a zip", first); },
                          ErrorKind::kBadPayload, {"not a zip of one CSV file"}));
}

class ArchiveSite : public ::testing::Test {
 protected:
  static constexpr const char* kPath = "/data/spot/daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01-30.zip";

  void SetUp() override {
    site_.server().Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      requested_.push_back(request.path);
      const auto file = files_.find(request.path);
      if (file == files_.end()) {
        response.status = 404;
        response.set_content("<Error><Code>NoSuchKey</Code></Error>", "application/xml");
        return;
      }
      response.set_content(file->second, "application/octet-stream");
    });
    site_.start();
  }

  BinanceArchive client() {
    return BinanceArchive(std::make_unique<RestSession>(
        "binance archive", RestSettings{.base_url = site_.base_url(), .http = {}, .retry = {}},
        limiter_, clock_, Logger("test", LogFormat::kJson, LogLevel::kError, log_.file())));
  }

  std::optional<ArchiveFile> fetch() {
    return client().daily_klines(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"),
                                 UtcDay::parse("2024-01-30"));
  }

  std::optional<ArchiveFile> fetch_month() {
    return client().monthly_klines(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"),
                                   UtcDay::parse("2024-01-30"));
  }

  void publish(const std::string& zip, const std::string& checksum) {
    files_[kPath] = zip;
    files_[std::string(kPath) + ".CHECKSUM"] = checksum;
  }

  unit::LocalHttpServer site_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> requested_;
  SystemClock clock_;
  net::RateLimiter limiter_{100, std::chrono::seconds(1), clock_};
  unit::CapturedOutput log_;
};

TEST_F(ArchiveSite, APublishedDayComesWithItsVerifiedChecksum) {
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01-30.csv", kCsv}});
  publish(zip, lake::sha256_hex(zip) + "  BTCUSDT-1m-2024-01-30.zip\n");
  const std::optional<ArchiveFile> file = fetch();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->file.body, zip);
  EXPECT_EQ(file->checksum, lake::sha256_hex(zip));
  EXPECT_EQ(file->file.url, site_.base_url() + kPath);
  EXPECT_EQ(file->checksum_url, site_.base_url() + kPath + ".CHECKSUM");
}

TEST_F(ArchiveSite, AMonthComesFromTheMonthlyFolderVerifiedTheSameWay) {
  constexpr const char* kMonth = "/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01.zip";
  EXPECT_FALSE(fetch_month());
  EXPECT_EQ(requested_, (std::vector<std::string>{std::string(kMonth) + ".CHECKSUM"}));
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01.csv", kCsv}});
  files_[kMonth] = zip;
  files_[std::string(kMonth) + ".CHECKSUM"] = lake::sha256_hex(zip) + "  BTCUSDT-1m-2024-01.zip\n";
  const std::optional<ArchiveFile> file = fetch_month();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->file.body, zip);
  EXPECT_EQ(file->file.url, site_.base_url() + kMonth);
  files_[std::string(kMonth) + ".CHECKSUM"] =
      lake::sha256_hex(zip) + "  BTCUSDT-1m-2024-01-30.zip\n";
  EXPECT_TRUE(ThrowsError([&] { fetch_month(); }, ErrorKind::kBadPayload, {"is not a checksum of"}));
}

TEST_F(ArchiveSite, ADayNotPublishedIsNothingWhicheverFileIsMissing) {
  EXPECT_FALSE(fetch());
  EXPECT_EQ(requested_, (std::vector<std::string>{std::string(kPath) + ".CHECKSUM"}));
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01-30.csv", kCsv}});
  files_[std::string(kPath) + ".CHECKSUM"] = lake::sha256_hex(zip) + "  BTCUSDT-1m-2024-01-30.zip\n";
  EXPECT_FALSE(fetch()) << "a checksum without its zip";
}

TEST_F(ArchiveSite, AZipThatDoesNotMatchItsChecksumIsRefusedNamingBoth) {
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01-30.csv", kCsv}});
  std::string corrupt = zip;
  corrupt[corrupt.size() / 2] ^= 1;
  publish(corrupt, lake::sha256_hex(zip) + "  BTCUSDT-1m-2024-01-30.zip\n");
  EXPECT_TRUE(ThrowsError([&] { fetch(); }, ErrorKind::kBadPayload,
                          {"does not match its checksum", kPath, lake::sha256_hex(zip)}));
}

TEST_F(ArchiveSite, AChecksumFileOfAnotherFileOrNoneAtAllIsRefused) {
  const std::string zip = zip_of({{"BTCUSDT-1m-2024-01-30.csv", kCsv}});
  publish(zip, lake::sha256_hex(zip) + "  ETHUSDT-1m-2024-01-30.zip\n");
  EXPECT_TRUE(ThrowsError([&] { fetch(); }, ErrorKind::kBadPayload, {"is not a checksum of"}));
  publish(zip, "<html>maintenance</html>");
  EXPECT_TRUE(ThrowsError([&] { fetch(); }, ErrorKind::kBadPayload, {"is not a checksum of"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
