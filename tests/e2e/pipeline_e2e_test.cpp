// The whole path through the real binaries: simulator → extract → bronze → transform → silver
// → load → SQLite, and the guarantees around it (idempotence, faults, replay).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>
#include <set>

#include "support/pipeline_harness.h"
#include "support/binance_klines.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kOhlcvDump =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume, "
    "trade_count, is_closed, loaded_at FROM ohlcv ORDER BY exchange, symbol, timeframe, open_time";

class PipelineE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
  }

  ProcessResult materialize(const std::string& select, const std::string& day) {
    return harness_.cryptopipe({"materialize", "--select", select, "--partition", day});
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
};

TEST_F(PipelineE2E, OneDayLandsCompleteAndExactlyAsTheExchangeSentIt) {
  const ProcessResult run = materialize(kOhlcvChain, day_);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);

  const std::int64_t start = day_start_ms(day_);
  for (const auto& [symbol, market_id] :
       std::vector<std::pair<std::string, std::string>>{{"BTC/USDT", "BTCUSDT"}, {"ETH/USDT", "ETHUSDT"}}) {
    for (const auto& [timeframe, expected_count] :
         std::vector<std::pair<std::string, std::size_t>>{{"1m", 1440}, {"1h", 24}}) {
      const auto gold = harness_.query(
          "SELECT open_time, open, high, low, close, volume, quote_volume, trade_count, is_closed "
          "FROM ohlcv WHERE exchange = 'binance' AND symbol = '" + symbol + "' AND timeframe = '" +
          timeframe + "' ORDER BY open_time");
      const auto truth = simulator_day(sim_, market_id, timeframe, start);
      ASSERT_EQ(gold.size(), expected_count) << symbol << " " << timeframe;
      ASSERT_EQ(truth.size(), expected_count);
      for (std::size_t i = 0; i < gold.size(); ++i) {
        const nlohmann::json& k = truth[i];
        const std::vector<std::string> expected = {
            iso_of(k[0].get<std::int64_t>()), shortest_decimal(k[1]), shortest_decimal(k[2]),
            shortest_decimal(k[3]), shortest_decimal(k[4]), shortest_decimal(k[5]),
            shortest_decimal(k[7]), std::to_string(k[8].get<std::int64_t>()), "1"};
        ASSERT_EQ(gold[i], expected) << symbol << " " << timeframe << " row " << i;
      }
    }
  }

  // Logs: one JSON object per line on stderr, each with the run id.
  std::set<std::string> run_ids;
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line);
    run_ids.insert(record.at("run_id").get<std::string>());
    EXPECT_TRUE(record.contains("ts") && record.contains("level") && record.contains("msg"));
  }
  EXPECT_EQ(run_ids.size(), 1u);
  EXPECT_NE(run.out.find("load_ohlcv_to_postgres"), std::string::npos);
  EXPECT_NE(run.out.find("checks: 3 passed, 0 failed"), std::string::npos) << run.out;

  const auto audit = harness_.query(
      "SELECT asset, partition_key, status, rows FROM run_audit ORDER BY asset");
  ASSERT_EQ(audit.size(), 3u);
  for (const auto& row : audit) {
    EXPECT_EQ(row[1], day_);
    EXPECT_EQ(row[2], "success") << row[0];
  }
}

TEST_F(PipelineE2E, ARangeOfDaysRunsItsPartitionsConcurrentlyAndLandsEachOnce) {
  {
    std::ofstream config(harness_.config_path(), std::ios::app);
    config << "concurrency: 4\nfetch_concurrency: 3\n";
  }
  const std::string from = utc_day_ago(6);
  const std::string to = utc_day_ago(2);
  const ProcessResult run = harness_.cryptopipe(
      {"materialize", "--select", kOhlcvChain, "--from", from, "--to", to});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);

  // Every candle of the five days, each once: per day and series exactly a day's worth.
  const auto per_day = harness_.query(
      "SELECT substr(open_time, 1, 10) AS day, symbol, timeframe, count(*), "
      "count(DISTINCT open_time) FROM ohlcv GROUP BY 1, 2, 3 ORDER BY 1, 2, 3");
  ASSERT_EQ(per_day.size(), 5u * 2 * 2);
  for (const auto& row : per_day) {
    const std::string expected = row[2] == "1m" ? "1440" : "24";
    EXPECT_EQ(row[3], expected) << row[0] << " " << row[1] << " " << row[2];
    EXPECT_EQ(row[4], expected) << row[0] << " " << row[1] << " " << row[2];
  }
  // Each page fetched once: two 1m pages and one 1h page per series and day.
  const nlohmann::json klines = sim_.stats().at("routes").at("/binance/api/v3/klines");
  EXPECT_EQ(klines.at("total").get<int>(), 5 * 2 * 3) << klines.dump();

  const auto truth = simulator_day(sim_, "ETHUSDT", "1m", day_start_ms(from));
  const auto gold = harness_.query("SELECT open, close, volume FROM ohlcv WHERE symbol = 'ETH/USDT' "
                                   "AND timeframe = '1m' ORDER BY open_time LIMIT 1440");
  ASSERT_EQ(gold.size(), truth.size());
  for (std::size_t i = 0; i < gold.size(); ++i) {
    ASSERT_EQ(gold[i], (SqlRow{shortest_decimal(truth[i][1]), shortest_decimal(truth[i][4]),
                               shortest_decimal(truth[i][5])}))
        << "row " << i;
  }

  // The audit has every (asset, partition) once, all successful, whatever order they ran in.
  const auto audit = harness_.query(
      "SELECT asset, count(*), count(DISTINCT partition_key), min(partition_key), "
      "max(partition_key) FROM run_audit WHERE status = 'success' GROUP BY asset ORDER BY asset");
  ASSERT_EQ(audit.size(), 3u);
  for (const auto& row : audit) {
    EXPECT_EQ(row, (SqlRow{row[0], "5", "5", from, to}));
  }
}

TEST_F(PipelineE2E, BronzeKeepsEveryResponseByteForByteAndSilverNamesItsSources) {
  ASSERT_EQ(materialize(kOhlcvChain, day_).exit_code, 0);
  int bronze_pages = 0;
  for (const auto& [path, bytes] : harness_.lake_files()) {
    if (path.rfind("bronze/", 0) != 0 || path.find("/_extractions/") != std::string::npos) continue;
    ++bronze_pages;
    const auto metadata = nlohmann::json::parse(
        harness_.lake_files().at(".meta/" + path + ".json"));
    const std::string url = metadata.at("url");
    EXPECT_EQ(metadata.at("status"), "200");
    EXPECT_FALSE(metadata.at("run_id").get<std::string>().empty());
    EXPECT_FALSE(metadata.at("fetched_at").get<std::string>().empty());
    // The simulator is deterministic for closed candles: the same request gives the same bytes.
    const auto again = sim_.get(url.substr(url.find("/binance/")));
    ASSERT_TRUE(again);
    EXPECT_EQ(again->body, bytes) << path;
  }
  EXPECT_EQ(bronze_pages, 2 * (2 + 1));  // per symbol: 1m in two pages, 1h in one

  int manifests = 0;
  for (const auto& [path, bytes] : harness_.lake_files()) {
    if (path.rfind("silver/ohlcv/dt=" + day_ + "/", 0) != 0 || !path.ends_with("manifest.json")) continue;
    ++manifests;
    const auto manifest = nlohmann::json::parse(bytes);
    EXPECT_EQ(manifest.at("rows"), 2 * (1440 + 24));
    EXPECT_EQ(manifest.at("rejects"), 0);
    EXPECT_EQ(manifest.at("missing"), 0);
    EXPECT_EQ(manifest.at("series").size(), 4u);
    for (const auto& series : manifest.at("series")) EXPECT_FALSE(series.at("bronze").empty());
  }
  EXPECT_EQ(manifests, 1);
}

TEST_F(PipelineE2E, ASecondRunAddsAndChangesNothing) {
  ASSERT_EQ(materialize(kOhlcvChain, day_).exit_code, 0);
  const auto before = harness_.query(kOhlcvDump);
  const auto lake_before = harness_.lake_files();

  const ProcessResult again = materialize(kOhlcvChain, day_);
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  EXPECT_EQ(harness_.query(kOhlcvDump), before);  // loaded_at included: no row was rewritten

  // The lake only grew: every earlier object is still there, unchanged.
  const auto lake_after = harness_.lake_files();
  EXPECT_GT(lake_after.size(), lake_before.size());
  for (const auto& [path, bytes] : lake_before) {
    if (path.rfind(".tmp", 0) == 0) continue;
    ASSERT_TRUE(lake_after.contains(path)) << path;
    EXPECT_EQ(lake_after.at(path), bytes) << path;
  }
  EXPECT_NE(again.err.find("\"unchanged\":2928"), std::string::npos) << again.err;
  EXPECT_EQ(harness_.query("SELECT DISTINCT run_id FROM run_audit").size(), 2u);
}

TEST_F(PipelineE2E, ReplayRebuildsGoldFromTheLakeAloneWithoutTheExchange) {
  ASSERT_EQ(materialize(kOhlcvChain, day_).exit_code, 0);
  const auto gold = harness_.query(kOhlcvValues);
  ASSERT_EQ(gold.size(), 2u * (1440 + 24));

  sim_.stop();
  std::filesystem::remove(harness_.warehouse_path());
  std::filesystem::remove(harness_.warehouse_path().string() + "-wal");
  std::filesystem::remove(harness_.warehouse_path().string() + "-shm");

  const ProcessResult replay = materialize("transform_ohlcv+", day_);
  ASSERT_EQ(replay.exit_code, 0) << context_of(replay);
  EXPECT_EQ(harness_.query(kOhlcvValues), gold);
}

TEST_F(PipelineE2E, MissingCandlesAreAFailedCheckNotAFailedRun) {
  // The simulator lists its markets from 2019-01-01: the day before has no candles at all.
  const ProcessResult run = materialize(kOhlcvChain, "2018-12-31");
  EXPECT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_NE(run.out.find("check FAILED: ohlcv_no_gaps (2018-12-31): {\"missing_candles\":2928}"),
            std::string::npos) << run.out;
  EXPECT_NE(run.err.find("\"check\":\"ohlcv_no_gaps\",\"metadata\":{\"missing_candles\":2928},"
                         "\"passed\":false"),
            std::string::npos) << run.err;
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "0");
}

TEST_F(PipelineE2E, DownstreamWithoutUpstreamDataFailsClearly) {
  const ProcessResult run = materialize("load_ohlcv_to_postgres", day_);
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  EXPECT_NE(run.out.find("no silver ohlcv table for " + day_), std::string::npos) << run.out;
}

// Silver was zstd CSV before Parquet. A lake upgraded with such a run as its only silver of a
// day (manifest.json, "format": "csv+zstd") gets a line saying what to re-run, keeps that run,
// and the re-run of the transform from bronze is the whole migration.
TEST_F(PipelineE2E, ALegacyCsvSilverRunIsRefusedWithTheWayOutAndTheRerunLoadsIt) {
  ASSERT_EQ(materialize("extract_binance_ohlcv", day_).exit_code, 0);
  const std::string run = "run=20260101T000000000Z-0123456789ab";
  const std::filesystem::path legacy = harness_.lake_dir() / "silver/ohlcv" / ("dt=" + day_) / run;
  std::filesystem::create_directories(legacy);
  std::ofstream(legacy / "ohlcv.csv.zst") << "the old table";
  std::ofstream(legacy / "manifest.json")
      << nlohmann::json{{"dataset", "ohlcv"}, {"partition", day_}, {"format", "csv+zstd"},
                        {"data_key", "silver/ohlcv/dt=" + day_ + "/" + run + "/ohlcv.csv.zst"}}
             .dump();

  const ProcessResult refused = materialize("load_ohlcv_to_postgres", day_);
  EXPECT_EQ(refused.exit_code, 1) << context_of(refused);
  EXPECT_NE(refused.out.find("names a 'csv+zstd' table, which this cryptopipe no longer reads "
                             "(silver is Parquet now): re-run transform_ohlcv for " + day_),
            std::string::npos)
      << refused.out;
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "0");

  const ProcessResult migrated = materialize("transform_ohlcv+", day_);
  ASSERT_EQ(migrated.exit_code, 0) << context_of(migrated);
  EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], std::to_string(2 * (1440 + 24)));
  EXPECT_EQ(harness_.lake_files().at("silver/ohlcv/dt=" + day_ + "/" + run + "/ohlcv.csv.zst"),
            "the old table");
}

TEST_F(PipelineE2E, TodaysPartitionMarksTheFormingCandleOpen) {
  const std::string today = utc_day_ago(0);
  const ProcessResult run = materialize(kOhlcvChain, today);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  const auto open = harness_.query(
      "SELECT symbol, timeframe, count(*) FROM ohlcv WHERE is_closed = 0 GROUP BY symbol, timeframe");
  ASSERT_EQ(open.size(), 4u);  // exactly one forming candle per series
  for (const auto& row : open) EXPECT_EQ(row[2], "1") << row[0] << " " << row[1];
  const auto gaps = harness_.query("SELECT gaps FROM run_audit WHERE asset = 'transform_ohlcv'");
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0][0], "0");
}

TEST_F(PipelineE2E, ATickersSnapshotLandsExactlyAsTheExchangeSentIt) {
  const ProcessResult run = harness_.cryptopipe({"materialize", "--select", "*load_tickers_to_postgres"});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);

  // The snapshot as stored in bronze is the truth the warehouse must repeat, field for field.
  nlohmann::json snapshot;
  for (const auto& [path, bytes] : harness_.lake_files()) {
    if (path.rfind("bronze/binance/tickers/dt=" + utc_day_ago(0) + "/", 0) == 0 &&
        path.find("_extractions") == std::string::npos) {
      snapshot = nlohmann::json::parse(bytes);
    }
  }
  ASSERT_TRUE(snapshot.is_array()) << "no bronze tickers snapshot";
  const auto gold = harness_.query(
      "SELECT symbol, ts, ts_source, last, bid, bid_size, ask, ask_size, open, high, low, "
      "base_volume, quote_volume, change_percent FROM tickers ORDER BY symbol");
  ASSERT_EQ(gold.size(), 2u);
  for (const auto& row : gold) {
    const std::string market = row[0] == "BTC/USDT" ? "BTCUSDT" : "ETHUSDT";
    const auto sent = std::find_if(snapshot.begin(), snapshot.end(),
                                   [&](const nlohmann::json& t) { return t["symbol"] == market; });
    ASSERT_NE(sent, snapshot.end()) << market;
    std::vector<std::string> expected = {row[0], iso_of((*sent)["closeTime"].get<std::int64_t>()),
                                         "exchange"};
    for (const char* field : {"lastPrice", "bidPrice", "bidQty", "askPrice", "askQty", "openPrice",
                              "highPrice", "lowPrice", "volume", "quoteVolume",
                              "priceChangePercent"}) {
      expected.push_back(shortest_decimal((*sent)[field]));
    }
    EXPECT_EQ(row, expected);
  }

  // Re-loading the same silver changes nothing; the snapshot assets are filed under today.
  const auto before = harness_.query("SELECT * FROM tickers ORDER BY exchange, symbol, ts");
  ASSERT_EQ(harness_.cryptopipe({"materialize", "--select", "load_tickers_to_postgres"}).exit_code, 0);
  EXPECT_EQ(harness_.query("SELECT * FROM tickers ORDER BY exchange, symbol, ts"), before);
  for (const auto& row : harness_.query("SELECT partition_key, status FROM run_audit")) {
    EXPECT_EQ(row, (SqlRow{utc_day_ago(0), "success"}));
  }
}

TEST_F(PipelineE2E, OrderBooksLandLevelForLevel) {
  const ProcessResult run =
      harness_.cryptopipe({"materialize", "--select", "*load_orderbook_to_postgres"});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  for (const auto& [path, bytes] : harness_.lake_files()) {
    if (path.rfind("bronze/binance/orderbook/dt=", 0) != 0 ||
        path.find("_extractions") != std::string::npos) {
      continue;
    }
    // Each stored book reappears level for level, exact, with Binance's lastUpdateId.
    const auto metadata = nlohmann::json::parse(harness_.lake_files().at(".meta/" + path + ".json"));
    const std::string url = metadata.at("url");
    const std::string symbol = url.find("symbol=BTCUSDT") != std::string::npos ? "BTC/USDT" : "ETH/USDT";
    const auto book = nlohmann::json::parse(bytes);
    for (const std::string side : {"bid", "ask"}) {
      const auto levels = harness_.query(
          "SELECT price, amount, sequence, ts_source FROM orderbook_levels WHERE symbol = '" +
          symbol + "' AND side = '" + side + "' ORDER BY level");
      const auto& sent = book.at(side + "s");
      ASSERT_EQ(levels.size(), sent.size()) << symbol << " " << side;
      for (std::size_t i = 0; i < levels.size(); ++i) {
        EXPECT_EQ(levels[i], (SqlRow{shortest_decimal(sent[i][0]), shortest_decimal(sent[i][1]),
                                     std::to_string(book.at("lastUpdateId").get<std::int64_t>()),
                                     "fetch"}));
      }
    }
  }
  EXPECT_EQ(harness_.query("SELECT count(DISTINCT symbol) FROM orderbook_levels")[0][0], "2");
}

}  // namespace
}  // namespace cryptopipe::testing
