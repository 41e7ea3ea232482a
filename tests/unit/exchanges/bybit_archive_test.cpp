#include "cryptopipe/exchanges/bybit_archive.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/net/rate_limiter.h"
#include "fuzz_targets.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::ThrowsError;

std::string gzip_of(const std::string& text) { return fuzz::gzip_member(text); }

const UtcDay kDay = UtcDay::parse("2025-05-19");
// The head of a real file of 2025-05-19 (BTCUSDT), with its header.
const std::string kCsv =
    "id,timestamp,price,volume,side,rpi\n"
    "1,1747612800074,106453.8,0.003718,sell,0\n"
    "2,1747612800150,106456.9,0.000500,buy,0\n"
    "3,1747612800150,106456.9,0.000500,buy,0\n";

TEST(BybitTradeArchive, ReadsEveryTradeWithTheDayInItsIdAndTheExactDigits) {
  std::string text;
  std::vector<RawTrade> trades;
  parse_bybit_trade_archive(gzip_of(kCsv), kDay, text, trades);
  ASSERT_EQ(trades.size(), 3u);
  EXPECT_EQ(trades[0].id, "2025-05-19-1");
  EXPECT_EQ(trades[0].sequence, 1);
  EXPECT_EQ(trades[0].ts, 1747612800074);
  EXPECT_EQ(trades[0].price, "106453.8");
  EXPECT_EQ(trades[0].amount, "0.003718");
  EXPECT_EQ(trades[0].side, "sell");
  EXPECT_EQ(trades[2].id, "2025-05-19-3");
  EXPECT_EQ(trades[2].side, "buy");
  EXPECT_TRUE(trades[2].malformed.empty());
}

TEST(BybitTradeArchive, FilesBeforeTheRpiColumnAndManyMembersReadTheSame) {
  std::string text;
  std::vector<RawTrade> trades;
  const std::string five_columns = "id,timestamp,price,volume,side\n1,1696118403019,26965.24,0.000055,buy\n";
  parse_bybit_trade_archive(gzip_of(five_columns) + gzip_of("2,1696118403020,26965.25,1,sell\n"),
                            UtcDay::parse("2023-10-01"), text, trades);
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].id, "2023-10-01-1");
  EXPECT_EQ(trades[0].price, "26965.24");
  EXPECT_EQ(trades[1].id, "2023-10-01-2");
  EXPECT_EQ(trades[1].side, "sell");
}

TEST(BybitTradeArchive, ALineThatCannotBeReadIsMarkedNotDropped) {
  std::string text;
  std::vector<RawTrade> trades;
  parse_bybit_trade_archive(gzip_of("id,timestamp,price,volume,side,rpi\n"
                                    "1,1747612800074,106453.8\n"
                                    "x,1747612800074,106453.8,1,buy,0\n"
                                    "0,1747612800074,106453.8,1,buy,0\n"
                                    "4,1747612800.074,106453.8,1,buy,0\n"
                                    "5,1747612800075,abc,1,up,0\n"),
                            kDay, text, trades);
  ASSERT_EQ(trades.size(), 5u);
  EXPECT_EQ(trades[0].malformed, "line has too few fields");
  EXPECT_EQ(trades[1].malformed, "bad trade number or time");
  EXPECT_EQ(trades[2].malformed, "bad trade number or time") << "numbers start at 1";
  EXPECT_EQ(trades[3].malformed, "bad trade number or time") << "times are whole milliseconds";
  // Values are the transform's to judge (invalid_decimal, bad_side): read as written.
  EXPECT_TRUE(trades[4].malformed.empty());
  EXPECT_EQ(trades[4].price, "abc");
  EXPECT_EQ(trades[4].side, "up");
  // Found by the fuzzer: a number written with a leading zero is the number.
  parse_bybit_trade_archive(gzip_of("007,1747612800200,1,1,buy,0\n"), kDay, text, trades);
  EXPECT_EQ(trades[0].id, "2025-05-19-7");
  EXPECT_EQ(trades[0].sequence, 7);
}

TEST(BybitTradeArchive, ManyTradesKeepTheirViewsValid) {
  std::string csv = "id,timestamp,price,volume,side,rpi\n";
  for (int i = 1; i <= 20000; ++i) {
    csv += std::to_string(i) + "," + std::to_string(1747612800000 + i) + ",1.5,2,buy,0\n";
  }
  std::string text;
  std::vector<RawTrade> trades;
  parse_bybit_trade_archive(gzip_of(csv), kDay, text, trades);
  ASSERT_EQ(trades.size(), 20000u);
  EXPECT_EQ(trades.front().id, "2025-05-19-1");
  EXPECT_EQ(trades.front().price, "1.5");
  EXPECT_EQ(trades.back().id, "2025-05-19-20000");
  EXPECT_EQ(trades.back().ts, 1747612820000);
}

TEST(BybitTradeArchive, BytesThatAreNotAWholeGzipFileAreABadPayload) {
  std::string text;
  std::vector<RawTrade> trades;
  const std::string gz = gzip_of(kCsv);
  for (const std::string& bad :
       {std::string(), std::string("id,timestamp\n"), gz.substr(0, gz.size() - 6), gz + "junk"}) {
    EXPECT_TRUE(ThrowsError([&] { parse_bybit_trade_archive(bad, kDay, text, trades); },
                            ErrorKind::kBadPayload, {"bybit archive: not a whole gzip file"}));
  }
  std::string flipped = gz;
  flipped[flipped.size() - 5] ^= 1;  // the content's CRC-32, in the trailer
  EXPECT_TRUE(ThrowsError([&] { parse_bybit_trade_archive(flipped, kDay, text, trades); },
                          ErrorKind::kBadPayload, {"not a whole gzip file"}));
}

class BybitArchiveSite : public ::testing::Test {
 protected:
  static constexpr const char* kPath = "/spot/BTCUSDT/BTCUSDT_2025-05-19.csv.gz";

  void SetUp() override {
    site_.server().Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
      requested_.push_back(request.path);
      const auto file = files_.find(request.path);
      if (file == files_.end()) {
        response.status = 404;
        response.set_content("<html>404 Not Found</html>", "text/html");
        return;
      }
      response.set_content(file->second, "application/gzip");
    });
    site_.start();
  }

  std::optional<ArchiveFile> fetch() {
    BybitArchive archive(std::make_unique<RestSession>(
        "bybit archive", RestSettings{.base_url = site_.base_url(), .http = {}, .retry = {}},
        limiter_, clock_, Logger("test", LogFormat::kJson, LogLevel::kError, log_.file())));
    return archive.daily_trades(Symbol::parse("BTC/USDT"), kDay);
  }

  unit::LocalHttpServer site_;
  std::map<std::string, std::string> files_;
  std::vector<std::string> requested_;
  SystemClock clock_;
  net::RateLimiter limiter_{100, std::chrono::seconds(1), clock_};
  unit::CapturedOutput log_;
};

TEST_F(BybitArchiveSite, APublishedDayComesByteForByteWithItsHash) {
  files_[kPath] = gzip_of(kCsv);
  const std::optional<ArchiveFile> file = fetch();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->file.body, files_[kPath]);
  EXPECT_EQ(file->file.url, site_.base_url() + kPath);
  EXPECT_EQ(file->checksum, lake::sha256_hex(files_[kPath]));
  EXPECT_EQ(file->checksum_url, "") << "Bybit publishes no checksum files";
  EXPECT_EQ(file->extension, "csv.gz");
  EXPECT_EQ(file->content_type, "application/gzip");
  EXPECT_EQ(requested_, (std::vector<std::string>{kPath}));
}

TEST_F(BybitArchiveSite, ADayNotPublishedIsNothing) { EXPECT_FALSE(fetch()); }

TEST_F(BybitArchiveSite, ACorruptFileComesAsSentForItsReadingToRefuse) {
  // No checksum file vouches for it: the site's client hands the bytes over unaltered, and
  // reading them is what refuses them (the extract reads before it keeps a file).
  std::string corrupt = gzip_of(kCsv);
  corrupt[corrupt.size() / 2] ^= 0x20;
  files_[kPath] = corrupt;
  const std::optional<ArchiveFile> file = fetch();
  ASSERT_TRUE(file);
  EXPECT_EQ(file->file.body, corrupt);
  std::string text;
  std::vector<RawTrade> trades;
  EXPECT_TRUE(ThrowsError([&] { parse_bybit_trade_archive(file->file.body, kDay, text, trades); },
                          ErrorKind::kBadPayload, {"not a whole gzip file"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
