#include "cryptopipe/warehouse/sqlite_warehouse.h"
#include "cryptopipe/warehouse/migrations.h"

#include <gtest/gtest.h>

#include <memory>
#include <sqlite3.h>

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/warehouse/warehouse.h"
#include "unit/test_helpers.h"

namespace cryptopipe::warehouse {
namespace {

const int kLatest = sqlite_migrations().back().version;

namespace fs = std::filesystem;
using unit::ScratchDir;
using unit::ThrowsError;

// Owned strings behind an OhlcvRow's views.
struct Candle {
  std::string symbol = "BTC/USDT";
  std::string open_time;
  std::string open = "43519.34000000", high = "43936.00000000", low = "43171.00000000",
              close = "43488.71000000", volume = "20.55495000", quote_volume = "891428.42858070";
  std::optional<std::int64_t> trade_count = 3743;
  bool is_closed = true;
};

Candle candle(int hour, bool closed = true) {
  Candle c;
  c.open_time = "2024-01-30T" + std::string(hour < 10 ? "0" : "") + std::to_string(hour) +
                ":00:00.000Z";
  c.is_closed = closed;
  return c;
}

OhlcvRow view(const Candle& c) {
  OhlcvRow row;
  row.exchange = "binance";
  row.symbol = c.symbol;
  row.timeframe = "1h";
  row.open_time = c.open_time;
  row.open = c.open;
  row.high = c.high;
  row.low = c.low;
  row.close = c.close;
  row.volume = c.volume;
  row.quote_volume = c.quote_volume;
  row.trade_count = c.trade_count;
  row.is_closed = c.is_closed;
  return row;
}

OhlcvRowSource source(const std::vector<Candle>& candles) {
  auto next = std::make_shared<std::size_t>(0);
  return [&candles, next](OhlcvRow& row) {
    if (*next >= candles.size()) return false;
    row = view(candles[(*next)++]);
    return true;
  };
}

// Direct read access to the database file, to check what landed.
class Inspector {
 public:
  explicit Inspector(const fs::path& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      throw std::runtime_error("cannot open " + path.string());
    }
  }
  ~Inspector() { sqlite3_close_v2(db_); }
  Inspector(const Inspector&) = delete;
  Inspector& operator=(const Inspector&) = delete;

  // Every row as text, columns joined by '|', NULL as "NULL".
  std::vector<std::string> rows(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      throw std::runtime_error(std::string("bad query: ") + sqlite3_errmsg(db_));
    }
    std::vector<std::string> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string line;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        if (i > 0) line += '|';
        const auto* text = sqlite3_column_text(stmt, i);
        line += text == nullptr ? "NULL" : reinterpret_cast<const char*>(text);
      }
      out.push_back(line);
    }
    sqlite3_finalize(stmt);
    return out;
  }
  std::string one(const std::string& sql) {
    const auto all = rows(sql);
    if (all.size() != 1) throw std::runtime_error(sql + " returned " + std::to_string(all.size()));
    return all[0];
  }

 private:
  sqlite3* db_ = nullptr;
};

void execute(const fs::path& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
  sqlite3_free(error);
  sqlite3_close_v2(db);
}

constexpr const char* kAllOhlcv =
    "SELECT exchange, symbol, timeframe, open_time, open, high, low, close, volume, quote_volume,"
    " trade_count, is_closed, loaded_at FROM ohlcv ORDER BY symbol, open_time";

class SqliteWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override { warehouse_.migrate(); }
  fs::path path() const { return scratch_.path() / "wh" / "warehouse.db"; }

  ScratchDir scratch_;
  SqliteWarehouse warehouse_{scratch_.path() / "wh" / "warehouse.db"};
};

TEST_F(SqliteWarehouseTest, MigrateIsIdempotent) {
  EXPECT_EQ(warehouse_.schema_version(), kLatest);
  warehouse_.migrate();
  warehouse_.migrate();
  EXPECT_EQ(warehouse_.schema_version(), kLatest);
  Inspector db(path());
  EXPECT_EQ(db.one("SELECT count(*) FROM schema_migrations"), std::to_string(kLatest));
  EXPECT_EQ(db.rows("SELECT version FROM schema_migrations ORDER BY version"),
            (std::vector<std::string>{"1", "2", "3", "4", "5"}));
  EXPECT_EQ(db.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN "
                    "('ohlcv', 'orderbook_levels', 'run_audit', 'tickers', 'trades') ORDER BY name"),
            (std::vector<std::string>{"ohlcv", "orderbook_levels", "run_audit", "tickers",
                                      "trades"}));
}

TEST_F(SqliteWarehouseTest, ASecondConnectionSeesTheMigratedSchema) {
  SqliteWarehouse again(path());
  again.migrate();
  EXPECT_EQ(again.schema_version(), kLatest);
  EXPECT_EQ(Inspector(path()).one("SELECT count(*) FROM schema_migrations"),
            std::to_string(kLatest));
}

TEST_F(SqliteWarehouseTest, DescribesItsLocation) {
  EXPECT_EQ(warehouse_.describe(), "sqlite://" + path().string());
}

TEST_F(SqliteWarehouseTest, UpsertInsertsNewRows) {
  const std::vector<Candle> candles = {candle(0), candle(1), candle(2, false)};
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.rows_in, 3);
  EXPECT_EQ(stats.inserted, 3);
  EXPECT_EQ(stats.updated, 0);
  EXPECT_EQ(stats.unchanged, 0);
  Inspector db(path());
  const auto rows = db.rows(kAllOhlcv);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].substr(0, rows[0].rfind('|')),
            "binance|BTC/USDT|1h|2024-01-30T00:00:00.000Z|43519.34000000|43936.00000000|"
            "43171.00000000|43488.71000000|20.55495000|891428.42858070|3743|1");
  EXPECT_EQ(db.one("SELECT is_closed FROM ohlcv WHERE open_time = '2024-01-30T02:00:00.000Z'"), "0");
  EXPECT_EQ(db.one("SELECT count(*) FROM ohlcv WHERE length(loaded_at) = 24"), "3");
}

TEST_F(SqliteWarehouseTest, AnEmptySourceChangesNothing) {
  const std::vector<Candle> none;
  const LoadStats stats = warehouse_.upsert_ohlcv(source(none));
  EXPECT_EQ(stats.rows_in, 0);
  EXPECT_EQ(stats.inserted, 0);
  EXPECT_EQ(Inspector(path()).one("SELECT count(*) FROM ohlcv"), "0");
}

TEST_F(SqliteWarehouseTest, ARerunWithTheSameRowsChangesNothing) {
  const std::vector<Candle> candles = {candle(0), candle(1), candle(2, false)};
  warehouse_.upsert_ohlcv(source(candles));
  // Mark the rows so that any rewrite would show.
  execute(path(), "UPDATE ohlcv SET loaded_at = '2000-01-01T00:00:00.000Z'");
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.rows_in, 3);
  EXPECT_EQ(stats.inserted, 0);
  EXPECT_EQ(stats.updated, 0);
  EXPECT_EQ(stats.unchanged, 3);
  EXPECT_EQ(Inspector(path()).one("SELECT group_concat(DISTINCT loaded_at) FROM ohlcv"),
            "2000-01-01T00:00:00.000Z");
}

TEST_F(SqliteWarehouseTest, AnOpenCandleIsReplacedByItsClosedVersion) {
  std::vector<Candle> candles = {candle(0), candle(1, false)};
  warehouse_.upsert_ohlcv(source(candles));
  execute(path(), "UPDATE ohlcv SET loaded_at = '2000-01-01T00:00:00.000Z'");
  candles[1].is_closed = true;
  candles[1].close = "43500.00000000";
  candles[1].volume = "25.00000000";
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(stats.unchanged, 1);
  EXPECT_EQ(stats.inserted, 0);
  Inspector db(path());
  EXPECT_EQ(db.one("SELECT close || '|' || volume || '|' || is_closed FROM ohlcv WHERE open_time"
                   " = '2024-01-30T01:00:00.000Z'"),
            "43500.00000000|25.00000000|1");
  EXPECT_NE(db.one("SELECT loaded_at FROM ohlcv WHERE open_time = '2024-01-30T01:00:00.000Z'"),
            "2000-01-01T00:00:00.000Z");
  EXPECT_EQ(db.one("SELECT loaded_at FROM ohlcv WHERE open_time = '2024-01-30T00:00:00.000Z'"),
            "2000-01-01T00:00:00.000Z");
}

TEST_F(SqliteWarehouseTest, AnOpenCandleWithSameValuesButNowClosedIsUpdated) {
  std::vector<Candle> candles = {candle(0, false)};
  warehouse_.upsert_ohlcv(source(candles));
  candles[0].is_closed = true;
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(Inspector(path()).one("SELECT is_closed FROM ohlcv"), "1");
}

TEST_F(SqliteWarehouseTest, AClosedCandleIsNeverReplacedByAnOpenOne) {
  std::vector<Candle> candles = {candle(0)};
  warehouse_.upsert_ohlcv(source(candles));
  const std::vector<std::string> before = Inspector(path()).rows(kAllOhlcv);
  candles[0].is_closed = false;
  candles[0].close = "1.00000000";
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.updated, 0);
  EXPECT_EQ(stats.unchanged, 1);
  EXPECT_EQ(Inspector(path()).rows(kAllOhlcv), before);
}

TEST_F(SqliteWarehouseTest, AClosedCandleIsCorrectedByAnotherClosedOne) {
  std::vector<Candle> candles = {candle(0)};
  warehouse_.upsert_ohlcv(source(candles));
  candles[0].high = "44000.00000000";
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(Inspector(path()).one("SELECT high FROM ohlcv"), "44000.00000000");
}

TEST_F(SqliteWarehouseTest, ASourceThatThrowsLeavesTheTableAsItWas) {
  std::vector<Candle> candles = {candle(0), candle(1, false)};
  warehouse_.upsert_ohlcv(source(candles));
  const std::vector<std::string> before = Inspector(path()).rows(kAllOhlcv);

  std::vector<Candle> update = {candle(1), candle(2), candle(3)};
  update[0].close = "1.00000000";
  std::size_t served = 0;
  const OhlcvRowSource failing = [&](OhlcvRow& row) -> bool {
    if (served == 2) throw std::runtime_error("the silver table broke mid-way");
    row = view(update[served++]);
    return true;
  };
  EXPECT_THROW(warehouse_.upsert_ohlcv(failing), std::runtime_error);
  EXPECT_EQ(Inspector(path()).rows(kAllOhlcv), before);

  // The connection is usable afterwards: no transaction was left open.
  const LoadStats stats = warehouse_.upsert_ohlcv(source(update));
  EXPECT_EQ(stats.inserted, 2);
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(Inspector(path()).one("SELECT count(*) FROM ohlcv"), "4");
}

TEST_F(SqliteWarehouseTest, DecimalsKeepEveryDigit) {
  Candle c = candle(0);
  c.open = "123456789012345678901.123456789";  // 30 significant digits
  c.high = "999999999999999999999.999999999";
  c.low = "0.000000000000000000000000000001";
  c.close = "123456789012345678901.123456780";
  c.volume = "100000000000000000000000000000";
  c.quote_volume = "0.100000000000000000000000000000";
  const std::vector<Candle> candles = {c};
  warehouse_.upsert_ohlcv(source(candles));
  Inspector db(path());
  EXPECT_EQ(db.one("SELECT open || '|' || high || '|' || low || '|' || close || '|' || volume"
                   " || '|' || quote_volume FROM ohlcv"),
            c.open + "|" + c.high + "|" + c.low + "|" + c.close + "|" + c.volume + "|" +
                c.quote_volume);
  EXPECT_EQ(db.one("SELECT typeof(open) || typeof(high) || typeof(low) || typeof(close) ||"
                   " typeof(volume) || typeof(quote_volume) FROM ohlcv"),
            "texttexttexttexttexttext");
}

TEST_F(SqliteWarehouseTest, MissingOptionalValuesAreNull) {
  Candle c = candle(0);
  c.quote_volume.clear();
  c.trade_count.reset();
  const std::vector<Candle> candles = {c};
  warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(Inspector(path()).one("SELECT quote_volume IS NULL AND trade_count IS NULL FROM ohlcv"),
            "1");
  const LoadStats again = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(again.unchanged, 1);
}

TEST_F(SqliteWarehouseTest, RowsOfOtherSymbolsAndTimeframesAreSeparate) {
  Candle btc = candle(0);
  Candle eth = candle(0);
  eth.symbol = "ETH/USDT";
  const std::vector<Candle> candles = {btc, eth};
  const LoadStats stats = warehouse_.upsert_ohlcv(source(candles));
  EXPECT_EQ(stats.inserted, 2);
  EXPECT_EQ(Inspector(path()).one("SELECT count(*) FROM ohlcv"), "2");
}

// Two trades of one day; the second one's amount as given.
TradeRowSource two_trades(const std::string& amount) {
  auto next = std::make_shared<int>(0);
  return [amount, next](TradeRow& row) {
    if (*next >= 2) return false;
    const bool first = (*next)++ == 0;
    row = {.exchange = "binance", .symbol = "BTC/USDT", .trade_id = first ? "3479463557" : "3479463558",
           .sequence = first ? "2913537567" : "", .ts = "2024-01-30T10:00:00.123Z",
           .price = "73238.70000000",
           .amount = first ? std::string_view("0.00109000") : std::string_view(amount),
           .side = first ? "buy" : "sell"};
    return true;
  };
}

TEST_F(SqliteWarehouseTest, TradesAreUpsertedByTheirId) {
  LoadStats stats = warehouse_.upsert_trades(two_trades("0.5"));
  EXPECT_EQ(stats.inserted, 2);
  stats = warehouse_.upsert_trades(two_trades("0.5"));
  EXPECT_EQ(stats.unchanged, 2);
  stats = warehouse_.upsert_trades(two_trades("0.6"));
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(stats.unchanged, 1);
  EXPECT_EQ(Inspector(path()).rows("SELECT trade_id || '|' || ifnull(sequence, 'NULL') || '|' || "
                                   "ts || '|' || price || '|' || amount || '|' || side "
                                   "FROM trades ORDER BY trade_id"),
            (std::vector<std::string>{
                "3479463557|2913537567|2024-01-30T10:00:00.123Z|73238.70000000|0.00109000|buy",
                "3479463558|NULL|2024-01-30T10:00:00.123Z|73238.70000000|0.6|sell"}));
}

// Three 8-hourly funding events; the last one's rate as given, Bybit's without a mark price.
FundingRowSource funding_events(const std::string& last_rate) {
  auto next = std::make_shared<int>(0);
  return [last_rate, next](FundingRow& row) {
    static constexpr const char* kTimes[] = {"2024-01-30T00:00:00.000Z",
                                             "2024-01-30T08:00:00.000Z",
                                             "2024-01-30T16:00:00.000Z"};
    if (*next >= 3) return false;
    const int i = (*next)++;
    row = {.exchange = i == 1 ? "bybit" : "binance", .symbol = "BTC/USDT:USDT",
           .funding_time = kTimes[i],
           .funding_rate = i == 2 ? std::string_view(last_rate) : "-0.000075",
           .mark_price = i == 1 ? "" : "43000.10000000"};
    return true;
  };
}

TEST_F(SqliteWarehouseTest, FundingEventsAreUpsertedByTheirTime) {
  EXPECT_EQ(warehouse_.upsert_funding(funding_events("0.0001")).inserted, 3);
  EXPECT_EQ(warehouse_.upsert_funding(funding_events("0.0001")).unchanged, 3);
  const LoadStats stats = warehouse_.upsert_funding(funding_events("0.0003"));
  EXPECT_EQ(stats.updated, 1);
  EXPECT_EQ(stats.unchanged, 2);
  EXPECT_EQ(Inspector(path()).rows("SELECT exchange || '|' || funding_time || '|' || funding_rate "
                                   "|| '|' || ifnull(mark_price, 'NULL') FROM funding_rates "
                                   "ORDER BY funding_time"),
            (std::vector<std::string>{
                "binance|2024-01-30T00:00:00.000Z|-0.000075|43000.10000000",
                "bybit|2024-01-30T08:00:00.000Z|-0.000075|NULL",
                "binance|2024-01-30T16:00:00.000Z|0.0003|43000.10000000"}));
}

TEST_F(SqliteWarehouseTest, OpenInterestIsUpsertedByPeriodAndTime) {
  const auto samples = [](const std::string& value) {
    auto next = std::make_shared<int>(0);
    return OpenInterestRowSource([value, next](OpenInterestRow& row) {
      if (*next >= 2) return false;
      const int i = (*next)++;
      row = {.exchange = "gateio", .symbol = "BTC/USDT:USDT", .period = i == 0 ? "5m" : "1h",
             .ts = "2024-01-30T01:00:00.000Z", .open_interest = "12.4724",
             .open_interest_value = i == 0 ? std::string_view(value) : ""};
      return true;
    });
  };
  EXPECT_EQ(warehouse_.upsert_open_interest(samples("1000.5")).inserted, 2);
  EXPECT_EQ(warehouse_.upsert_open_interest(samples("1000.5")).unchanged, 2);
  EXPECT_EQ(warehouse_.upsert_open_interest(samples("1000.6")).updated, 1);
  EXPECT_EQ(Inspector(path()).rows("SELECT period || '|' || open_interest || '|' || "
                                   "ifnull(open_interest_value, 'NULL') FROM open_interest "
                                   "ORDER BY period"),
            (std::vector<std::string>{"1h|12.4724|NULL", "5m|12.4724|1000.6"}));
}

TEST_F(SqliteWarehouseTest, RecordRunWritesTheAudit) {
  RunRecord record{.run_id = "20261127T050102123Z-1a2b3c",
                   .asset = "transform_ohlcv",
                   .partition = "2026-11-25",
                   .status = "success",
                   .started_at = "2026-11-27T05:01:02.123Z",
                   .finished_at = "2026-11-27T05:01:04.623Z",
                   .seconds = 2.5,
                   .rows = 2880,
                   .rejects = 3,
                   .gaps = 1,
                   .objects = 4,
                   .error = ""};
  warehouse_.record_run(record);
  RunRecord failed = record;
  failed.asset = "load_ohlcv_to_postgres";
  failed.status = "failed";
  failed.error = "sqlite: disk I/O error";
  warehouse_.record_run(failed);
  Inspector db(path());
  EXPECT_EQ(db.rows("SELECT run_id, asset, partition_key, status, started_at, finished_at, seconds,"
                    " rows, rejects, gaps, objects, error FROM run_audit ORDER BY asset"),
            (std::vector<std::string>{
                "20261127T050102123Z-1a2b3c|load_ohlcv_to_postgres|2026-11-25|failed|"
                "2026-11-27T05:01:02.123Z|2026-11-27T05:01:04.623Z|2.5|2880|3|1|4|"
                "sqlite: disk I/O error",
                "20261127T050102123Z-1a2b3c|transform_ohlcv|2026-11-25|success|"
                "2026-11-27T05:01:02.123Z|2026-11-27T05:01:04.623Z|2.5|2880|3|1|4|NULL"}));
}

TEST_F(SqliteWarehouseTest, RecordRunAgainReplacesThatRunsRecord) {
  RunRecord record{.run_id = "r1", .asset = "a", .partition = "2026-11-25", .status = "failed",
                   .started_at = "2026-11-27T05:01:02.123Z",
                   .finished_at = "2026-11-27T05:01:03.123Z"};
  warehouse_.record_run(record);
  record.status = "success";
  warehouse_.record_run(record);
  EXPECT_EQ(Inspector(path()).rows("SELECT status FROM run_audit"),
            std::vector<std::string>{"success"});
}

TEST_F(SqliteWarehouseTest, RecordRunRefusesAnUnknownStatus) {
  RunRecord record{.run_id = "r1", .asset = "a", .partition = "2026-11-25", .status = "weird",
                   .started_at = "x", .finished_at = "y"};
  EXPECT_TRUE(ThrowsError([&] { warehouse_.record_run(record); }, ErrorKind::kStorage));
}

TEST_F(SqliteWarehouseTest, ConcurrentWritersWaitForEachOther) {
  constexpr int kWriters = 3;
  constexpr int kLoads = 10;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      try {
        SqliteWarehouse mine(path());
        mine.migrate();
        for (int load = 0; load < kLoads; ++load) {
          std::vector<Candle> candles;
          for (int hour = 0; hour < 24; ++hour) {
            Candle c = candle(hour);
            c.symbol = "W" + std::to_string(w) + "L" + std::to_string(load) + "/USDT";
            candles.push_back(c);
          }
          mine.upsert_ohlcv(source(candles));
        }
      } catch (const std::exception& e) {
        failures[w] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(failures[w], "") << "writer " << w;
  EXPECT_EQ(Inspector(path()).one("SELECT count(*) FROM ohlcv"),
            std::to_string(kWriters * kLoads * 24));
}

TEST(SqliteWarehouse, ConcurrentFirstMigrationsApplyOnce) {
  ScratchDir scratch;
  const fs::path file = scratch.path() / "fresh.db";
  constexpr int kConnections = 4;
  std::vector<std::thread> threads;
  std::vector<std::string> failures(kConnections);
  for (int i = 0; i < kConnections; ++i) {
    threads.emplace_back([&, i] {
      try {
        SqliteWarehouse warehouse(file);
        warehouse.migrate();
        if (warehouse.schema_version() != kLatest) failures[i] = "schema version not the latest";
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kConnections; ++i) EXPECT_EQ(failures[i], "") << "connection " << i;
  EXPECT_EQ(Inspector(file).one("SELECT count(*) FROM schema_migrations"),
            std::to_string(kLatest));
}

TEST(OpenWarehouse, SqliteUrlsOpenASqliteWarehouse) {
  ScratchDir scratch;
  const std::string file = (scratch.path() / "sub" / "w.db").string();
  const auto warehouse = open_warehouse("sqlite://" + file);
  EXPECT_EQ(warehouse->describe(), "sqlite://" + file);
  warehouse->migrate();
  EXPECT_EQ(warehouse->schema_version(), kLatest);
  EXPECT_TRUE(fs::is_regular_file(file));
}

TEST(OpenWarehouse, OtherSchemesAreConfigErrors) {
  for (const char* url : {"sqlite://", "mysql://localhost/db", "", "/var/lib/warehouse.db",
                          "sqlite:/x.db", "postgresql:/localhost/db"}) {
    EXPECT_TRUE(ThrowsError([&] { open_warehouse(url); }, ErrorKind::kConfig)) << url;
  }
}

TEST(OpenWarehouse, ErrorsDoNotLeakCredentials) {
  try {
    open_warehouse("postgresql://user:s3cret@localhost/db");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cryptopipe::warehouse
