// The simulator's public trades (Binance aggTrades, Gate spot trades, OKX history trades) and
// the bulk archives (Binance's zips, Bybit's daily trade files): the same synthetic trades on
// every venue, each venue's paging rules and errors, and archives that equal the REST routes,
// published and broken as switched.
#include <gtest/gtest.h>
#include <openssl/sha.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/simulator.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
constexpr std::int64_t kDayStart = 1706572800000;  // 2024-01-30T00:00:00Z
constexpr std::int64_t kHourMs = 3'600'000;

std::string sha256_hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (const unsigned char byte : digest) {
    hex += "0123456789abcdef"[byte >> 4];
    hex += "0123456789abcdef"[byte & 0xF];
  }
  return hex;
}

class SimTrades : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path) const { return sim_.get_json(path); }
  int status(const std::string& path) const {
    const auto result = sim_.get(path);
    return result ? result->status : -1;
  }

  Simulator sim_{{"--now-ms", std::to_string(kNowMs), "--trade-spacing-ms", "5000"}};
};

TEST_F(SimTrades, BinancePagesAnHourByTimeThenByIdWithoutAHoleOrARepeat) {
  const std::string base = "/binance/api/v3/aggTrades?symbol=BTCUSDT&limit=1000";
  const nlohmann::json hour = get(base + "&startTime=" + std::to_string(kDayStart) +
                                  "&endTime=" + std::to_string(kDayStart + kHourMs - 1));
  ASSERT_GT(hour.size(), 600u);  // a trade every 5 s on average
  std::int64_t previous_id = -1, previous_time = 0, previous_last_fill = -1;
  for (const nlohmann::json& trade : hour) {
    const std::int64_t id = trade.at("a"), time = trade.at("T");
    EXPECT_TRUE(previous_id < 0 || id == previous_id + 1);
    EXPECT_GE(time, std::max(previous_time, kDayStart));
    EXPECT_LT(time, kDayStart + kHourMs);
    EXPECT_TRUE(previous_last_fill < 0 || trade.at("f") == previous_last_fill + 1);
    EXPECT_GE(trade.at("l").get<std::int64_t>(), trade.at("f").get<std::int64_t>());
    EXPECT_EQ(trade.at("p").get<std::string>().size() - trade.at("p").get<std::string>().find('.'), 9u);
    previous_id = id;
    previous_time = time;
    previous_last_fill = trade.at("l");
  }
  const nlohmann::json next = get(base + "&fromId=" + std::to_string(previous_id + 1));
  EXPECT_EQ(next.size(), 1000u);
  EXPECT_EQ(next[0].at("a"), previous_id + 1);
  // Nothing after now: the newest trades end at or before it.
  const nlohmann::json latest = get(base);
  EXPECT_LE(latest.back().at("T").get<std::int64_t>(), kNowMs);
  EXPECT_EQ(get(base + "&fromId=" + std::to_string(latest.back().at("a").get<std::int64_t>() + 1)),
            nlohmann::json::array());
}

TEST_F(SimTrades, BinanceRefusesAWindowOfMoreThanAnHour) {
  const auto answer = sim_.get("/binance/api/v3/aggTrades?symbol=BTCUSDT&startTime=" +
                               std::to_string(kDayStart) + "&endTime=" +
                               std::to_string(kDayStart + kHourMs + 1));
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 400);
  EXPECT_EQ(nlohmann::json::parse(answer->body).at("code"), -1127);
  EXPECT_EQ(status("/binance/api/v3/aggTrades?symbol=NOPEUSDT"), 400);
  EXPECT_EQ(status("/binance/api/v3/aggTrades?symbol=BTCUSDT&limit=0"), 400);
}

TEST_F(SimTrades, EveryVenueTradesTheSameMarketTheSameWay) {
  const nlohmann::json binance = get("/binance/api/v3/aggTrades?symbol=ETHUSDT&limit=51&startTime=" +
                                     std::to_string(kDayStart));
  // Gate and OKX send newest first.
  const nlohmann::json gate = get("/gateio/spot/trades?currency_pair=ETH_USDT&limit=1000&from=" +
                                  std::to_string(kDayStart / 1000) + "&to=" +
                                  std::to_string(kDayStart / 1000 + 599));
  ASSERT_EQ(binance.size(), 51u);
  // OKX's trades older than Binance's 51st: the newest of them is the 50th.
  const nlohmann::json okx = get("/okx/api/v5/market/history-trades?instId=ETH-USDT&type=2&after=" +
                                 std::to_string(binance[50].at("T").get<std::int64_t>())).at("data");
  ASSERT_GE(gate.size(), 50u);
  ASSERT_GE(okx.size(), 50u);
  for (std::size_t i = 0; i < 50; ++i) {
    const nlohmann::json& b = binance[i];
    const nlohmann::json& g = gate[gate.size() - 1 - i];
    const nlohmann::json& o = okx[49 - i];
    const std::string side = b.at("m").get<bool>() ? "sell" : "buy";
    EXPECT_EQ(std::stoll(g.at("create_time_ms").get<std::string>()), b.at("T").get<std::int64_t>());
    EXPECT_EQ(std::stoll(o.at("ts").get<std::string>()), b.at("T").get<std::int64_t>());
    EXPECT_EQ(g.at("side"), side);
    EXPECT_EQ(o.at("side"), side);
    EXPECT_EQ(std::stod(g.at("price").get<std::string>()), std::stod(b.at("p").get<std::string>()));
    EXPECT_EQ(o.at("sz"), g.at("amount"));
    EXPECT_EQ(std::stoll(g.at("sequence_id").get<std::string>()), b.at("a").get<std::int64_t>() + 1);
    EXPECT_NE(g.at("id"), g.at("sequence_id")) << "Gate's ids count every pair's trades";
  }
}

TEST_F(SimTrades, GatePagesNewestFirstAndRefusesPagesPastItsCap) {
  const std::string base = "/gateio/spot/trades?currency_pair=BTC_USDT&from=" +
                           std::to_string(kDayStart / 1000) + "&to=" +
                           std::to_string(kDayStart / 1000 + 3599) + "&limit=100";
  const nlohmann::json first = get(base + "&page=1");
  const nlohmann::json second = get(base + "&page=2");
  ASSERT_EQ(first.size(), 100u);
  EXPECT_EQ(std::stoll(first.back().at("sequence_id").get<std::string>()),
            std::stoll(second.front().at("sequence_id").get<std::string>()) + 1);
  EXPECT_GT(std::stoll(first.front().at("sequence_id").get<std::string>()),
            std::stoll(first.back().at("sequence_id").get<std::string>()));
  const auto capped = sim_.get(base + "&page=1002");
  ASSERT_TRUE(capped);
  EXPECT_EQ(capped->status, 400);
  EXPECT_EQ(nlohmann::json::parse(capped->body).at("label"), "INVALID_PARAM_VALUE");
  EXPECT_EQ(status("/gateio/spot/trades?currency_pair=BTC_USDT&limit=1001"), 400);
  EXPECT_EQ(status("/gateio/spot/trades?currency_pair=NOPE_USDT"), 400);
}

TEST_F(SimTrades, OkxPagesBackwardsByTradeIdAndRefusesAnUnknownType) {
  const std::string base = "/okx/api/v5/market/history-trades?instId=BTC-USDT";
  const nlohmann::json newest = get(base).at("data");
  ASSERT_EQ(newest.size(), 100u);
  const std::string oldest_id = newest.back().at("tradeId");
  const nlohmann::json older = get(base + "&after=" + oldest_id).at("data");
  EXPECT_EQ(std::stoll(older.front().at("tradeId").get<std::string>()), std::stoll(oldest_id) - 1);
  EXPECT_EQ(get(base + "&type=3").at("code"), "51000");
  EXPECT_EQ(get("/okx/api/v5/market/history-trades?instId=NOPE-USDT").at("code"), "51001");
  EXPECT_EQ(status(base + "&limit=101"), 200);
  EXPECT_NE(get(base + "&limit=101").at("code"), "0");
}

class SimArchives : public ::testing::Test {
 protected:
  static std::string path(const std::string& file_path) {
    return "/binance-data/data/spot/" + file_path;
  }

  // 2024-02-01 12:00 UTC: 2024-01-30 is published (a day after it ended), 2024-01-31 not yet.
  Simulator sim_{{"--now-ms", "1706788800000"}};
};

TEST_F(SimArchives, ADailyArchiveHoldsTheDaysCandlesAsTheKlinesRouteServesThem) {
  const std::string zip_path = path("daily/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01-30.zip");
  const auto zip = sim_.get(zip_path);
  const auto checksum = sim_.get(zip_path + ".CHECKSUM");
  ASSERT_TRUE(zip && checksum);
  ASSERT_EQ(zip->status, 200);
  EXPECT_EQ(checksum->body, sha256_hex(zip->body) + "  BTCUSDT-1h-2024-01-30.zip\n");
  EXPECT_EQ(sim_.get(zip_path)->body, zip->body) << "the same bytes every time";

  TempDir dir;
  const std::filesystem::path file = dir.path() / "archive.zip";
  std::ofstream(file, std::ios::binary) << zip->body;
  std::string csv;
  {
    FILE* unzip = popen(("unzip -p " + file.string()).c_str(), "r");
    ASSERT_NE(unzip, nullptr);
    char buffer[4096];
    for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, unzip)) > 0;) csv.append(buffer, n);
    EXPECT_EQ(pclose(unzip), 0);
  }
  const nlohmann::json klines = sim_.get_json(
      "/binance/api/v3/klines?symbol=BTCUSDT&interval=1h&startTime=" + std::to_string(kDayStart) +
      "&endTime=" + std::to_string(kDayStart + 24 * kHourMs - 1));
  ASSERT_EQ(klines.size(), 24u);
  std::string expected;
  for (const nlohmann::json& k : klines) {
    expected += std::to_string(k[0].get<std::int64_t>()) + "," + k[1].get<std::string>() + "," +
                k[2].get<std::string>() + "," + k[3].get<std::string>() + "," +
                k[4].get<std::string>() + "," + k[5].get<std::string>() + "," +
                std::to_string(k[6].get<std::int64_t>()) + "," + k[7].get<std::string>() + "," +
                std::to_string(k[8].get<std::int64_t>()) + "," + k[9].get<std::string>() + "," +
                k[10].get<std::string>() + ",0\n";
  }
  EXPECT_EQ(csv, expected);
}

TEST_F(SimArchives, NothingBeforeTheListingOrBeforePublicationOrMisnamed) {
  EXPECT_EQ(sim_.get(path("daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01-30.zip"))->status, 200);
  EXPECT_EQ(sim_.get(path("daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01-31.zip"))->status, 404);
  EXPECT_EQ(sim_.get(path("daily/klines/BTCUSDT/1m/BTCUSDT-1m-2018-12-31.zip"))->status, 404);
  EXPECT_EQ(sim_.get(path("daily/klines/BTCUSDT/1m/ETHUSDT-1m-2024-01-30.zip"))->status, 404);
  EXPECT_EQ(sim_.get(path("daily/klines/BTCUSDT/1w/BTCUSDT-1w-2024-01-30.zip"))->status, 404);
  EXPECT_EQ(sim_.get(path("monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2023-12.zip"))->status, 200);
  EXPECT_EQ(sim_.get(path("monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2024-01.zip"))->status, 404)
      << "January is over but not yet published";
  const auto missing = sim_.get(path("daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01-31.zip"));
  EXPECT_NE(missing->body.find("<Code>NoSuchKey</Code>"), std::string::npos);
}

TEST(SimArchivesHistory, DaysBeforeTheDailyFilesBeganAreInTheirMonthsFileOnly) {
  Simulator sim({"--now-ms", "1706788800000", "--binance-daily-archives-from", "2023-12-15"});
  const auto get = [&sim](const std::string& file) {
    return sim.get("/binance-data/data/spot/" + file)->status;
  };
  EXPECT_EQ(get("daily/klines/BTCUSDT/1h/BTCUSDT-1h-2023-12-14.zip"), 404);
  EXPECT_EQ(get("daily/klines/BTCUSDT/1h/BTCUSDT-1h-2023-12-14.zip.CHECKSUM"), 404);
  EXPECT_EQ(get("daily/aggTrades/BTCUSDT/BTCUSDT-aggTrades-2023-12-14.zip"), 404);
  EXPECT_EQ(get("daily/klines/BTCUSDT/1h/BTCUSDT-1h-2023-12-15.zip"), 200);
  EXPECT_EQ(get("monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2023-11.zip"), 200);
  EXPECT_EQ(get("monthly/klines/BTCUSDT/1h/BTCUSDT-1h-2023-12.zip"), 200);
}

TEST_F(SimArchives, ArchivesCanBeCorruptedOrDroppedOneByOne) {
  const std::string btc = path("daily/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01-30.zip");
  const std::string eth = path("daily/klines/ETHUSDT/1m/ETHUSDT-1m-2024-01-30.zip");
  const std::string clean = sim_.get(btc)->body;
  sim_.set_faults({{"archive_corrupt", "BTCUSDT-1m-2024-01-30"}});
  const auto corrupt = sim_.get(btc);
  EXPECT_EQ(corrupt->status, 200);
  EXPECT_EQ(corrupt->body.size(), clean.size());
  EXPECT_NE(corrupt->body, clean);
  EXPECT_EQ(sim_.get(btc + ".CHECKSUM")->body,
            sha256_hex(clean) + "  BTCUSDT-1m-2024-01-30.zip\n");
  EXPECT_EQ(sim_.get(eth)->status, 200);
  sim_.set_faults({{"archive_corrupt", ""}, {"archive_drop", "ETHUSDT"}});
  EXPECT_EQ(sim_.get(btc)->body, clean);
  EXPECT_EQ(sim_.get(eth)->status, 404);
  EXPECT_EQ(sim_.get(eth + ".CHECKSUM")->status, 200);
  sim_.set_faults({{"archive_drop", ""}, {"archive_drop_checksum", "ETHUSDT"}});
  EXPECT_EQ(sim_.get(eth)->status, 200);
  EXPECT_EQ(sim_.get(eth + ".CHECKSUM")->status, 404);
  const nlohmann::json injected = sim_.stats().at("injected_faults");
  EXPECT_EQ(injected.at("corrupt_archive"), 1);
  EXPECT_EQ(injected.at("dropped_archive"), 2);
}

// gzip -dc of the bytes: read by another program than the engine's reader.
std::string gunzip(const std::string& bytes) {
  TempDir dir;
  const std::filesystem::path file = dir.path() / "a.csv.gz";
  std::ofstream(file, std::ios::binary) << bytes;
  std::string text;
  FILE* gzip = popen(("gzip -dc " + file.string() + " 2>/dev/null").c_str(), "r");
  char buffer[4096];
  for (std::size_t n; (n = fread(buffer, 1, sizeof buffer, gzip)) > 0;) text.append(buffer, n);
  EXPECT_EQ(pclose(gzip), 0);
  return text;
}

std::string without_trailing_zeros(std::string decimal) {
  while (decimal.back() == '0') decimal.pop_back();
  if (decimal.back() == '.') decimal.pop_back();
  return decimal;
}

class SimBybitArchives : public SimArchives {
 protected:
  static constexpr const char* kFile = "/bybit-data/spot/BTCUSDT/BTCUSDT_2024-01-30.csv.gz";
};

TEST_F(SimBybitArchives, ADaysFileHoldsItsTradesAsBinancesAggTradesRouteServesThem) {
  const auto file = sim_.get(kFile);
  ASSERT_TRUE(file);
  ASSERT_EQ(file->status, 200);
  EXPECT_EQ(sim_.get(kFile)->body, file->body) << "the same bytes every time";
  const std::string csv = gunzip(file->body);

  std::string expected = "id,timestamp,price,volume,side,rpi\n";
  const std::string base = "/binance/api/v3/aggTrades?symbol=BTCUSDT&limit=1000";
  nlohmann::json page = sim_.get_json(base + "&startTime=" + std::to_string(kDayStart) +
                                      "&endTime=" + std::to_string(kDayStart + kHourMs - 1));
  std::int64_t number = 0;
  for (bool done = false; !done && !page.empty();) {
    for (const nlohmann::json& trade : page) {
      if (trade.at("T").get<std::int64_t>() >= kDayStart + 24 * kHourMs) {
        done = true;
        break;
      }
      expected += std::to_string(++number) + "," + std::to_string(trade.at("T").get<std::int64_t>()) +
                  "," + without_trailing_zeros(trade.at("p")) + "," +
                  without_trailing_zeros(trade.at("q")) + "," +
                  (trade.at("m").get<bool>() ? "sell" : "buy") + ",0\n";
    }
    page = sim_.get_json(base + "&fromId=" + std::to_string(page.back().at("a").get<std::int64_t>() + 1));
  }
  EXPECT_GT(number, 8000);  // a trade every 10 s on average
  EXPECT_EQ(csv, expected);
}

TEST_F(SimBybitArchives, NothingBeforeTheListingOrBeforePublicationOrMisnamed) {
  const auto status = [&](const std::string& path) { return sim_.get(path)->status; };
  EXPECT_EQ(status("/bybit-data/spot/BTCUSDT/BTCUSDT_2024-01-31.csv.gz"), 404);
  EXPECT_EQ(status("/bybit-data/spot/BTCUSDT/BTCUSDT_2018-12-31.csv.gz"), 404);
  EXPECT_EQ(status("/bybit-data/spot/BTCUSDT/ETHUSDT_2024-01-30.csv.gz"), 404);
  EXPECT_EQ(status("/bybit-data/spot/BTCUSDT/BTCUSDT2024-01-30.csv.gz"), 404)
      << "the derivatives' naming, not spot's";
  EXPECT_EQ(status("/bybit-data/spot/NOPEUSDT/NOPEUSDT_2024-01-30.csv.gz"), 404);
}

TEST_F(SimBybitArchives, FilesCanBeCorruptedDroppedOrMissTrades) {
  const std::string clean = sim_.get(kFile)->body;
  sim_.set_faults({{"archive_corrupt", "BTCUSDT_2024-01-30"}});
  const auto corrupt = sim_.get(kFile);
  EXPECT_EQ(corrupt->status, 200);
  EXPECT_NE(corrupt->body, clean);
  sim_.set_faults({{"archive_corrupt", ""}, {"archive_drop", "BTCUSDT_"}});
  EXPECT_EQ(sim_.get(kFile)->status, 404);
  sim_.set_faults({{"archive_drop", ""},
                   {"gap_from_ms", kDayStart + 2 * kHourMs},
                   {"gap_to_ms", kDayStart + 5 * kHourMs}});
  const std::string with_gap = gunzip(sim_.get(kFile)->body);
  const std::string full = gunzip(clean);
  EXPECT_LT(with_gap.size(), full.size() * 9 / 10);  // three hours of 24 left out
  // The left-out trades' numbers are missing: the rest keep theirs.
  EXPECT_EQ(with_gap.substr(with_gap.rfind('\n', with_gap.size() - 2)),
            full.substr(full.rfind('\n', full.size() - 2)));
  const nlohmann::json injected = sim_.stats().at("injected_faults");
  EXPECT_EQ(injected.at("corrupt_archive"), 1);
  EXPECT_EQ(injected.at("dropped_archive"), 1);
}

TEST(SimArchiveTimes, SpotArchivesFrom2025CarryMicroseconds) {
  const Simulator sim({"--now-ms", "1736035200000"});  // 2025-01-05
  for (const auto& [day, digits] : std::vector<std::pair<std::string, std::size_t>>{
           {"2024-12-31", 13}, {"2025-01-01", 16}}) {
    const auto zip = sim.get("/binance-data/data/spot/daily/klines/BTCUSDT/1d/BTCUSDT-1d-" + day + ".zip");
    ASSERT_TRUE(zip && zip->status == 200) << day;
    TempDir dir;
    std::ofstream(dir.path() / "a.zip", std::ios::binary) << zip->body;
    FILE* unzip = popen(("unzip -p " + (dir.path() / "a.zip").string()).c_str(), "r");
    char line[512] = {};
    ASSERT_NE(fgets(line, sizeof line, unzip), nullptr);
    pclose(unzip);
    EXPECT_EQ(std::string(line).find(','), digits) << day << ": " << line;
  }
}

}  // namespace
}  // namespace cryptopipe::testing
