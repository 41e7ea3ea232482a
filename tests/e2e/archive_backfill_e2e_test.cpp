// Backfilling from the bulk archives through the real binaries: finished days come from the
// simulator's Binance daily kline zips (checksum verified, kept in bronze byte for byte), days
// not published yet by REST, and gold is the same candle for candle whichever way a day came;
// Bybit's trades come only from its daily files, and what they cannot give fails clearly.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/time.h"
#include "cryptopipe/lake/content_hash.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kChain = "*load_ohlcv_to_postgres";

// The extraction manifests of the lake's Binance candles, by series and day.
std::vector<nlohmann::json> manifests(const PipelineHarness& harness) {
  std::vector<nlohmann::json> out;
  for (const auto& [key, bytes] : harness.lake_files()) {
    if (key.find("bronze/binance/ohlcv/") == 0 && key.find("/_extractions/") != std::string::npos) {
      out.push_back(nlohmann::json::parse(bytes));
    }
  }
  return out;
}

class ArchiveBackfill : public ::testing::Test {
 protected:
  void SetUp() override {
    archived_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
    std::ofstream(archived_.config_path(), std::ios::app)
        << "    archive_url: " << sim_.base_url("binance-data") << "\n";
    rest_only_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  }

  ProcessResult backfill(const PipelineHarness& harness, const std::string& from,
                         const std::string& to) const {
    return harness.cryptopipe({"materialize", "--select", kChain, "--from", from, "--to", to});
  }

  Simulator sim_;
  PipelineHarness archived_{sim_.base_url("binance")};
  PipelineHarness rest_only_{sim_.base_url("binance")};
};

TEST_F(ArchiveBackfill, FinishedDaysComeFromTheArchivesAndGoldIsTheSameEitherWay) {
  // Three finished, published days and yesterday, which the archive site has not published yet.
  const std::string from = utc_day_ago(4);
  const std::string to = yesterday_utc();
  const ProcessResult run = backfill(archived_, from, to);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  const ProcessResult reference = backfill(rest_only_, from, to);
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);

  const auto gold = archived_.query(kOhlcvValues);
  EXPECT_EQ(gold.size(), 4u * 2 * (1440 + 24));
  EXPECT_EQ(gold, rest_only_.query(kOhlcvValues));

  // Bronze: each archived series-day is one zip, exactly the published bytes, with its checksum.
  int archived_days = 0, rest_days = 0;
  const auto lake = archived_.lake_files();
  for (const nlohmann::json& manifest : manifests(archived_)) {
    const nlohmann::json& pages = manifest.at("pages");
    if (pages.size() == 1 && pages[0].value("source", "") == "archive") {
      ++archived_days;
      const std::string key = pages[0].at("key").get<std::string>();
      ASSERT_TRUE(key.ends_with(".zip")) << key;
      const std::string& zip = lake.at(key);
      EXPECT_EQ(lake::sha256_hex(zip), pages[0].at("sha256").get<std::string>());
      const std::string path = pages[0].at("url").get<std::string>().substr(
          ("http://127.0.0.1:" + std::to_string(sim_.port())).size());
      const auto served = sim_.get(path);
      ASSERT_TRUE(served && served->status == 200) << path;
      EXPECT_EQ(served->body, zip) << "bronze keeps the archive byte for byte";
      EXPECT_NE(manifest.at("partition"), to);
    } else {
      ++rest_days;
      EXPECT_EQ(manifest.at("partition"), to) << manifest.dump();
    }
  }
  EXPECT_EQ(archived_days, 3 * 2 * 2);
  EXPECT_EQ(rest_days, 2 * 2);
}

// A broken or missing archive costs nothing but the REST requests of that day: the day lands
// the same, and the manifest says why the archive was passed over. (The files dropped are the
// day's and its month's: a month already over would otherwise stand in for the day's file.)
TEST_F(ArchiveBackfill, ACorruptOrMissingArchiveIsPassedOverForRestAndGoldStaysTheSame) {
  const std::string day = utc_day_ago(3);
  const std::string month = day.substr(0, 7);
  sim_.set_faults({{"archive_corrupt", "BTCUSDT-1m-" + day},
                   {"archive_drop", "ETHUSDT-1m-" + month},
                   {"archive_drop_checksum", "BTCUSDT-1h-" + month}});
  const ProcessResult run = backfill(archived_, day, day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_NE(run.err.find("archive refused, the day comes by REST"), std::string::npos) << run.err;
  ASSERT_EQ(backfill(rest_only_, day, day).exit_code, 0);
  EXPECT_EQ(archived_.query(kOhlcvValues), rest_only_.query(kOhlcvValues));
  EXPECT_EQ(archived_.query("SELECT count(*) FROM ohlcv")[0][0], std::to_string(2 * (1440 + 24)));

  std::map<std::string, std::string> source_of;  // symbol timeframe → archive | rest
  for (const nlohmann::json& manifest : manifests(archived_)) {
    const std::string series = manifest.at("symbol").get<std::string>() + " " +
                               manifest.at("timeframe").get<std::string>();
    source_of[series] = manifest.at("pages")[0].value("source", "rest");
    if (series == "BTC/USDT 1m") {
      EXPECT_NE(manifest.value("archive_refused", "").find("does not match its checksum"),
                std::string::npos) << manifest.dump();
    } else {
      EXPECT_FALSE(manifest.contains("archive_refused")) << manifest.dump();
    }
  }
  EXPECT_EQ(source_of, (std::map<std::string, std::string>{{"BTC/USDT 1h", "rest"},
                                                           {"BTC/USDT 1m", "rest"},
                                                           {"ETH/USDT 1h", "archive"},
                                                           {"ETH/USDT 1m", "rest"}}));
  const nlohmann::json injected = sim_.stats().at("injected_faults");
  EXPECT_GT(injected.at("corrupt_archive").get<int>(), 0);
  EXPECT_GT(injected.at("dropped_archive").get<int>(), 0);
}

// Binance's daily files begin years after its monthly ones: days without theirs come from their
// month's file once the month is over, fetched and kept once however many of its days a run
// backfills, each day's manifest naming it; gold is the same as by REST.
TEST_F(ArchiveBackfill, DaysWithoutDailyFilesComeFromTheirMonthsFileKeptOnce) {
  // The month before last: over, and its file published, whatever today is.
  const cryptopipe::UtcDay first = cryptopipe::UtcDay::parse(utc_day_ago(0))
                                       .first_of_month().previous()    // last month
                                       .first_of_month().previous()    // the month before
                                       .first_of_month();
  const std::string month = first.to_string().substr(0, 7);
  cryptopipe::UtcDay to = first;
  for (int i = 0; i < 11; ++i) to = to.next();
  const std::string from = to.previous().previous().to_string();  // three days: the 10th to 12th
  sim_.set_faults({{"archive_drop", "-" + month + "-"}});  // every daily file of the month
  const ProcessResult run = backfill(archived_, from, to.to_string());
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  sim_.set_faults({{"archive_drop", ""}});
  const ProcessResult reference = backfill(rest_only_, from, to.to_string());
  ASSERT_EQ(reference.exit_code, 0) << context_of(reference);
  const auto gold = archived_.query(kOhlcvValues);
  EXPECT_EQ(gold.size(), 3u * 2 * (1440 + 24));
  EXPECT_EQ(gold, rest_only_.query(kOhlcvValues));

  // Bronze: one zip per series, under the month, the published bytes; no daily zip at all.
  const auto lake = archived_.lake_files();
  std::map<std::string, std::string> month_zips;  // key → the path the simulator serves it at
  for (const auto& [key, bytes] : lake) {
    if (!key.ends_with(".zip")) continue;
    ASSERT_NE(key.find("/month=" + month + "/"), std::string::npos) << key;
    month_zips[key] = "";
  }
  EXPECT_EQ(month_zips.size(), 4u) << "2 symbols x 2 timeframes, each kept once";
  for (const nlohmann::json& manifest : manifests(archived_)) {
    ASSERT_EQ(manifest.at("pages").size(), 1u) << manifest.dump();
    const nlohmann::json& page = manifest.at("pages")[0];
    EXPECT_EQ(page.at("source"), "archive");
    EXPECT_EQ(page.at("period"), "month");
    EXPECT_EQ(page.at("rows"), manifest.at("timeframe") == "1m" ? 1440 : 24) << manifest.dump();
    const std::string key = page.at("key").get<std::string>();
    ASSERT_TRUE(month_zips.contains(key)) << key;
    const std::string url = page.at("url").get<std::string>();
    EXPECT_TRUE(url.ends_with("-" + month + ".zip")) << url;
    month_zips[key] = url.substr(("http://127.0.0.1:" + std::to_string(sim_.port())).size());
  }
  const nlohmann::json routes = sim_.stats().at("routes");
  for (const auto& [key, path] : month_zips) {
    ASSERT_FALSE(path.empty()) << key << " is named by no manifest";
    EXPECT_EQ(routes.at(path).at("total"), 1) << path << ": fetched once for its three days";
    const auto served = sim_.get(path);
    ASSERT_TRUE(served && served->status == 200) << path;
    EXPECT_EQ(served->body, lake.at(key)) << "bronze keeps the archive byte for byte";
  }

  // Run again: the day's new extraction names a month kept again, and gold does not move.
  sim_.set_faults({{"archive_drop", "-" + month + "-"}});
  ASSERT_EQ(backfill(archived_, from, to.to_string()).exit_code, 0);
  EXPECT_EQ(archived_.query(kOhlcvValues), gold);
}

// A month not over yet has no file: its days without a daily file come by REST (the first of
// this month: a finished day unless today is the first).
TEST_F(ArchiveBackfill, ADayOfAMonthNotOverWithoutItsDailyFileComesByRest) {
  const std::string day = utc_day_ago(0).substr(0, 8) + "01";
  sim_.set_faults({{"archive_drop", "-" + day}});
  const ProcessResult run = backfill(archived_, day, day);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  for (const nlohmann::json& manifest : manifests(archived_)) {
    EXPECT_EQ(manifest.at("pages")[0].value("source", "rest"), "rest") << manifest.dump();
  }
  const nlohmann::json stats = sim_.stats();  // iterated below: it must outlive the loop
  for (const auto& [route, counts] : stats.at("routes").items()) {
    EXPECT_EQ(route.find("/monthly/"), std::string::npos) << route << " asked before its month ended";
  }
}

TEST(ArchiveBackfillTrades, AFinishedDaysTradesComeFromItsAggTradesArchiveTheSameAsByRest) {
  Simulator sim({"--trade-spacing-ms", "30000"});
  PipelineHarness archived(sim.base_url("binance"));
  archived.write_config({"BTC/USDT"}, {"1h"}, {"BTC/USDT", "ETH/USDT"});
  std::ofstream(archived.config_path(), std::ios::app)
      << "    archive_url: " << sim.base_url("binance-data") << "\n";
  PipelineHarness rest_only(sim.base_url("binance"));
  rest_only.write_config({"BTC/USDT"}, {"1h"}, {"BTC/USDT", "ETH/USDT"});
  const std::string day = utc_day_ago(3);
  sim.set_faults({{"archive_corrupt", "ETHUSDT-aggTrades-" + day}});
  for (const PipelineHarness* harness : {&archived, &rest_only}) {
    const ProcessResult run = harness->cryptopipe(
        {"materialize", "--select", "*load_trades_to_postgres", "--partition", day});
    ASSERT_EQ(run.exit_code, 0) << context_of(run);
    EXPECT_NE(run.out.find("checks: 2 passed, 0 failed"), std::string::npos) << run.out;
  }
  constexpr const char* kTrades =
      "SELECT exchange, symbol, trade_id, sequence, ts, price, amount, side FROM trades "
      "ORDER BY symbol, sequence";
  const auto gold = archived.query(kTrades);
  EXPECT_EQ(gold.size(), 2u * 2880);
  EXPECT_EQ(gold, rest_only.query(kTrades));
  int from_archive = 0;
  for (const auto& [key, bytes] : archived.lake_files()) {
    if (key.find("bronze/binance/trades/") != 0 || key.find("/_extractions/") == std::string::npos) {
      continue;
    }
    const nlohmann::json manifest = nlohmann::json::parse(bytes);
    const bool archive = manifest.at("pages")[0].value("source", "") == "archive";
    from_archive += archive;
    // BTC from its archive, one page; ETH's archive was corrupt: by REST, and said so.
    EXPECT_EQ(archive, manifest.at("symbol") == "BTC/USDT") << manifest.dump();
    EXPECT_EQ(manifest.contains("archive_refused"), manifest.at("symbol") == "ETH/USDT");
  }
  EXPECT_EQ(from_archive, 1);
}

// Bybit's past trades are only in its daily files: what cannot be had from them is said so.
class BybitArchivedTrades : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.write_config({"BTC/USDT"}, {"1h"}, {"BTC/USDT"});
    std::ofstream(harness_.config_path(), std::ios::app)
        << "    archive_url: " << sim_.base_url("bybit-data") << "\n";
  }

  ProcessResult materialize(const std::string& day) const {
    return harness_.cryptopipe(
        {"materialize", "--select", "*load_trades_to_postgres", "--partition", day});
  }

  std::vector<std::string> bronze_files() const {
    std::vector<std::string> files;
    for (const auto& [key, bytes] : harness_.lake_files()) {
      if (key.find("bronze/bybit/trades/") == 0 && key.ends_with(".csv.gz")) files.push_back(key);
    }
    return files;
  }

  Simulator sim_{{"--trade-spacing-ms", "30000"}};  // files published a day after their day
  PipelineHarness harness_{sim_.base_url("bybit"), "bybit"};
};

TEST_F(BybitArchivedTrades, TodayIsAUsageErrorAndADayNotPublishedFailsSayingSo) {
  const ProcessResult today = materialize(utc_day_ago(0));
  EXPECT_EQ(today.exit_code, 2) << context_of(today);
  EXPECT_NE(today.err.find("is not over yet"), std::string::npos) << today.err;

  const ProcessResult yesterday = materialize(yesterday_utc());
  EXPECT_EQ(yesterday.exit_code, 1) << context_of(yesterday);
  EXPECT_NE(yesterday.out.find("serves its past trades only as daily files at " +
                               sim_.base_url("bybit-data") +
                               ", and that file is not published yet"),
            std::string::npos)
      << yesterday.out;
  EXPECT_TRUE(bronze_files().empty());
  EXPECT_EQ(harness_.query("SELECT count(*) FROM trades")[0][0], "0");

  // Until the archived days' schedule comes for it, the day's silver leaves the market out and
  // says so; a day long past without its extraction is an error, as on any venue.
  const ProcessResult pending = harness_.cryptopipe(
      {"materialize", "--select", "transform_trades", "--partition", yesterday_utc()});
  ASSERT_EQ(pending.exit_code, 0) << context_of(pending);
  bool listed = false;
  for (const auto& [key, bytes] : harness_.lake_files()) {
    if (key.starts_with("silver/trades/") && key.ends_with("/_manifest.json")) {
      listed = nlohmann::json::parse(bytes).at("findings").at("awaiting_publication") ==
               nlohmann::json::parse(R"([{"exchange": "bybit", "symbol": "BTC/USDT"}])");
    }
  }
  EXPECT_TRUE(listed);
  const ProcessResult missing = harness_.cryptopipe(
      {"materialize", "--select", "transform_trades", "--partition", utc_day_ago(5)});
  EXPECT_EQ(missing.exit_code, 1) << context_of(missing);
  EXPECT_NE(missing.out.find("materialize extract_bybit_trades first"), std::string::npos)
      << missing.out;

  // The day before is out: its file lands in bronze byte for byte, its trades in gold.
  const std::string day = utc_day_ago(2);
  const ProcessResult published = materialize(day);
  ASSERT_EQ(published.exit_code, 0) << context_of(published);
  const std::vector<std::string> files = bronze_files();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(harness_.lake_files().at(files[0]),
            sim_.get("/bybit-data/spot/BTCUSDT/BTCUSDT_" + day + ".csv.gz")->body);
  EXPECT_EQ(harness_.query("SELECT count(*), min(sequence), max(sequence), min(trade_id) FROM trades"),
            (std::vector<SqlRow>{{"2880", "1", "2880", day + "-1"}}));
}

TEST_F(BybitArchivedTrades, ACorruptOrMissingFileFailsTheDayAndChangesNothingStored) {
  const std::string day = utc_day_ago(2);
  ASSERT_EQ(materialize(day).exit_code, 0);
  constexpr const char* kGold = "SELECT trade_id, ts, price, amount, side, loaded_at FROM trades "
                                "ORDER BY sequence";
  const std::vector<SqlRow> before = harness_.query(kGold);
  const std::map<std::string, std::string> lake_before = harness_.lake_files();

  sim_.set_faults({{"archive_corrupt", "BTCUSDT_" + day}});
  const ProcessResult corrupt = materialize(day);
  EXPECT_EQ(corrupt.exit_code, 1) << context_of(corrupt);
  EXPECT_NE(corrupt.out.find("that file was refused: bybit archive: not a whole gzip file"),
            std::string::npos)
      << corrupt.out;
  EXPECT_NE(corrupt.out.find("(GET " + sim_.base_url("bybit-data") + "/spot/BTCUSDT/BTCUSDT_" +
                             day + ".csv.gz)"),
            std::string::npos)
      << corrupt.out;
  sim_.set_faults({{"archive_corrupt", ""}, {"archive_drop", "BTCUSDT_" + day}});
  const ProcessResult dropped = materialize(day);
  EXPECT_EQ(dropped.exit_code, 1) << context_of(dropped);
  EXPECT_NE(dropped.out.find("that file is not published yet"), std::string::npos) << dropped.out;

  EXPECT_EQ(harness_.query(kGold), before);
  EXPECT_EQ(bronze_files().size(), 1u) << "the corrupt file was not kept";
  for (const auto& [key, bytes] : lake_before) {
    EXPECT_EQ(harness_.lake_files().at(key), bytes) << key;
  }
}

TEST_F(ArchiveBackfill, ARunWithoutAnArchiveUrlNeverAsksTheArchiveSite) {
  ASSERT_EQ(backfill(rest_only_, utc_day_ago(3), utc_day_ago(3)).exit_code, 0);
  const nlohmann::json stats = sim_.stats();
  for (const auto& [route, counts] : stats.at("routes").items()) {
    EXPECT_EQ(route.find("/binance-data/"), std::string::npos) << route;
  }
}

}  // namespace
}  // namespace cryptopipe::testing
