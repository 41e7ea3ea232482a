// SQL is built only from parameters and a fixed set of identifiers: text that looks like SQL
// is data. In configuration or on the command line it is an unknown name (exit 2, tables
// intact); in a row it is stored byte for byte in SQLite and PostgreSQL, and every table stays.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <memory>
#include <set>

#include "cryptopipe/warehouse/warehouse.h"
#include "support/pipeline_harness.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kDropOhlcv = "x'); DROP TABLE ohlcv;--";
const std::set<std::string> kTables = {"ohlcv", "tickers", "orderbook_levels", "run_audit",
                                       "schema_migrations"};

class SqlInjectionE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    harness_.write_config({"BTC/USDT"}, {"1h"});
    const ProcessResult first = run({"materialize", "--select", "*load_ohlcv_to_postgres",
                                     "--partition", day_});
    ASSERT_EQ(first.exit_code, 0) << context_of(first);
    rows_before_ = harness_.query("SELECT count(*) FROM ohlcv").at(0).at(0);
    ASSERT_EQ(rows_before_, "24");
  }

  ProcessResult run(const std::vector<std::string>& args) { return harness_.cryptopipe(args); }

  void expect_refused_and_intact(const ProcessResult& run, const std::string& named) {
    EXPECT_EQ(run.exit_code, 2) << context_of(run);
    EXPECT_NE(run.err.find(named), std::string::npos) << context_of(run);
    std::set<std::string> tables;
    for (const SqlRow& row : harness_.query("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      tables.insert(row.at(0));
    }
    for (const std::string& table : kTables) EXPECT_TRUE(tables.contains(table)) << table;
    EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv").at(0).at(0), rows_before_);
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url("binance")};
  std::string day_ = yesterday_utc();
  std::string rows_before_;
};

TEST_F(SqlInjectionE2E, SymbolInTheConfigIsJustAnInvalidSymbol) {
  harness_.write_config({std::string("\"") + kDropOhlcv + "\""}, {"1h"});
  const ProcessResult refused =
      run({"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", day_});
  expect_refused_and_intact(refused, "symbols[0]");
}

TEST_F(SqlInjectionE2E, WellFormedSymbolThatTheExchangeLacksIsJustAnUnknownSymbol) {
  harness_.write_config({"\"X');DROP TABLE ohlcv;--/USDT\""}, {"1h"});
  const ProcessResult refused =
      run({"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", day_});
  expect_refused_and_intact(refused, "DROP TABLE ohlcv");
}

TEST_F(SqlInjectionE2E, AssetNameOnTheCommandLineIsJustAnUnknownAsset) {
  const ProcessResult refused = run({"materialize", "--select",
                                     std::string("load_ohlcv_to_postgres") + kDropOhlcv,
                                     "--partition", day_});
  expect_refused_and_intact(refused, "DROP TABLE ohlcv");
}

TEST_F(SqlInjectionE2E, PartitionOnTheCommandLineIsJustABadDate) {
  const ProcessResult refused = run({"materialize", "--select", "*load_ohlcv_to_postgres",
                                     "--partition", day_ + "'); DROP TABLE ohlcv;--"});
  expect_refused_and_intact(refused, "DROP TABLE ohlcv");
}

// Rows whose every text field can carry text are full of quotes, semicolons and comments.
const std::string kHostile = "a'b\"c;d--e/*f*/); DROP TABLE ohlcv;--\\";

void load_hostile_rows(warehouse::Warehouse& warehouse) {
  warehouse.migrate();
  const std::string exchange = "ex" + kHostile, symbol = "sy" + kHostile, timeframe = "tf" + kHostile;
  bool given = false;
  warehouse.upsert_ohlcv([&](warehouse::OhlcvRow& row) {
    if (std::exchange(given, true)) return false;
    row = {.exchange = exchange, .symbol = symbol, .timeframe = timeframe,
           .open_time = "2024-01-30T00:00:00.000Z", .open = "1", .high = "2", .low = "0.5",
           .close = "1.5", .volume = "10", .quote_volume = "15", .trade_count = 3, .is_closed = true};
    return true;
  });
  given = false;
  warehouse.upsert_tickers([&](warehouse::TickerRow& row) {
    if (std::exchange(given, true)) return false;
    row = {.exchange = exchange, .symbol = symbol, .ts = "2024-01-30T00:00:00.000Z",
           .ts_source = "exchange", .last = "1", .bid = "1", .bid_size = "1", .ask = "2",
           .ask_size = "1", .open = "1", .high = "2", .low = "1", .base_volume = "1",
           .quote_volume = "1", .change_percent = "0"};
    return true;
  });
  given = false;
  warehouse.upsert_book_levels([&](warehouse::BookLevelRow& row) {
    if (std::exchange(given, true)) return false;
    row = {.exchange = exchange, .symbol = symbol, .ts = "2024-01-30T00:00:00.000Z",
           .ts_source = "fetch", .sequence = "", .side = "bid", .level = "0", .price = "1",
           .amount = "1"};
    return true;
  });
  warehouse.record_run({.run_id = "run" + kHostile, .asset = "asset" + kHostile,
                        .partition = "part" + kHostile, .status = "failed",
                        .started_at = "2024-01-30T00:00:00.000Z",
                        .finished_at = "2024-01-30T00:00:01.000Z", .error = "error" + kHostile});
}

const std::vector<std::pair<std::string, std::vector<std::string>>> kExpected = {
    {"SELECT exchange, symbol, timeframe FROM ohlcv",
     {"ex" + kHostile, "sy" + kHostile, "tf" + kHostile}},
    {"SELECT exchange, symbol FROM tickers", {"ex" + kHostile, "sy" + kHostile}},
    {"SELECT exchange, symbol FROM orderbook_levels", {"ex" + kHostile, "sy" + kHostile}},
    {"SELECT run_id, asset, partition_key, error FROM run_audit",
     {"run" + kHostile, "asset" + kHostile, "part" + kHostile, "error" + kHostile}},
};

TEST(SqlInjectionWarehouse, SqliteStoresQuotesAndSemicolonsVerbatim) {
  TempDir dir;
  const auto path = dir.path() / "warehouse.db";
  load_hostile_rows(*warehouse::open_warehouse("sqlite://" + path.string()));

  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  const std::unique_ptr<sqlite3, decltype(&sqlite3_close)> db(raw, sqlite3_close);
  const auto rows = [&](const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::vector<std::vector<std::string>> out;
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        row.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)));
      }
      out.push_back(row);
    }
    sqlite3_finalize(stmt);
    return out;
  };
  for (const auto& [sql, expected] : kExpected) {
    const auto found = rows(sql);
    ASSERT_EQ(found.size(), 1u) << sql;
    EXPECT_EQ(found[0], expected) << sql;
  }
  std::set<std::string> tables;
  for (const auto& row : rows("SELECT name FROM sqlite_master WHERE type = 'table'")) {
    tables.insert(row.at(0));
  }
  for (const std::string& table : kTables) EXPECT_TRUE(tables.contains(table)) << table;
}

TEST(SqlInjectionWarehouse, PostgresStoresQuotesAndSemicolonsVerbatim) {
  PostgresServer server;
  server.create_database("gold");
  load_hostile_rows(*warehouse::open_warehouse(server.url("gold")));

  const PgSession session(server.url("gold"));
  for (const auto& [sql, expected] : kExpected) {
    const auto found = session.query(sql);
    ASSERT_EQ(found.size(), 1u) << sql;
    EXPECT_EQ(found[0], expected) << sql;
  }
  for (const std::string& table : kTables) {
    EXPECT_EQ(session.one("SELECT to_regclass('public." + table + "') IS NOT NULL"), "t") << table;
  }
}

}  // namespace
}  // namespace cryptopipe::testing
