// The PostgreSQL warehouse against a real server started for the test: schema, upsert
// semantics and their counts, exact decimals, partitions, locks, failures, connection errors.
#include "cryptopipe/warehouse/postgres_warehouse.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/warehouse/migrations.h"
#include "support/postgres_server.h"
#include "support/sockets.h"
#include "support/temp_dir.h"

namespace cryptopipe::warehouse {
namespace {

using testing::PgSession;
using testing::PostgresServer;

const int kLatest = postgres_migrations().back().version;

struct Candle {
  std::string symbol = "BTC/USDT";
  std::string open_time;
  std::string open = "43519.34000000", high = "43936.00000000", low = "43171.00000000",
              close = "43488.71000000", volume = "20.55495000", quote_volume = "891428.42858070";
  std::optional<std::int64_t> trade_count = 3743;
  bool is_closed = true;
};

Candle candle(int hour, bool closed = true, const std::string& day = "2024-01-30") {
  Candle c;
  c.open_time = day + "T" + (hour < 10 ? "0" : "") + std::to_string(hour) + ":00:00.000Z";
  c.is_closed = closed;
  return c;
}

OhlcvRowSource source(const std::vector<Candle>& candles) {
  auto next = std::make_shared<std::size_t>(0);
  return [&candles, next](OhlcvRow& row) {
    if (*next >= candles.size()) return false;
    const Candle& c = candles[(*next)++];
    row = {.exchange = "binance", .symbol = c.symbol, .timeframe = "1h", .open_time = c.open_time,
           .open = c.open, .high = c.high, .low = c.low, .close = c.close, .volume = c.volume,
           .quote_volume = c.quote_volume, .trade_count = c.trade_count, .is_closed = c.is_closed};
    return true;
  };
}

void expect_stats(const LoadStats& stats, std::int64_t inserted, std::int64_t updated,
                  std::int64_t unchanged) {
  EXPECT_EQ(stats.inserted, inserted);
  EXPECT_EQ(stats.updated, updated);
  EXPECT_EQ(stats.unchanged, unchanged);
  EXPECT_EQ(stats.rows_in, inserted + updated + unchanged);
}

constexpr const char* kXmins = "SELECT xmin::text FROM ohlcv ORDER BY symbol, open_time";

class PostgresWarehouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.create_database("gold");
    warehouse_ = std::make_unique<PostgresWarehouse>(url());
    warehouse_->migrate();
  }
  std::string url() const { return server_.url("gold"); }
  PgSession session() const { return PgSession(url()); }

  PostgresServer server_;
  std::unique_ptr<PostgresWarehouse> warehouse_;
};

TEST_F(PostgresWarehouseTest, MigratesToTheSameTablesAsSqliteWithExactTypes) {
  EXPECT_EQ(warehouse_->schema_version(), kLatest);
  EXPECT_EQ(kLatest, sqlite_migrations().back().version);
  warehouse_->migrate();
  EXPECT_EQ(session().one("SELECT count(*) FROM schema_migrations"), std::to_string(kLatest));
  EXPECT_EQ(session().one("SELECT string_agg(data_type, ',' ORDER BY ordinal_position) FROM "
                          "information_schema.columns WHERE table_name = 'ohlcv'"),
            "text,text,text,timestamp with time zone,numeric,numeric,numeric,numeric,numeric,"
            "numeric,bigint,boolean,timestamp with time zone");
  EXPECT_EQ(session().one("SELECT partstrat FROM pg_partitioned_table "
                          "WHERE partrelid = 'ohlcv'::regclass"),
            "r");
}

TEST_F(PostgresWarehouseTest, ConcurrentFirstMigrationsApplyOnce) {
  server_.create_database("fresh");
  constexpr int kProcesses = 6;
  std::vector<std::string> failures(kProcesses);
  std::vector<std::thread> threads;
  for (int i = 0; i < kProcesses; ++i) {
    threads.emplace_back([&, i] {
      try {
        PostgresWarehouse(server_.url("fresh")).migrate();
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int i = 0; i < kProcesses; ++i) EXPECT_EQ(failures[i], "") << "connection " << i;
  EXPECT_EQ(PgSession(server_.url("fresh")).one("SELECT count(*) FROM schema_migrations"),
            std::to_string(kLatest));
}

TEST_F(PostgresWarehouseTest, AFreshDayIsInsertedAndARerunTouchesNoRow) {
  std::vector<Candle> day;
  for (int hour = 0; hour < 24; ++hour) day.push_back(candle(hour));
  expect_stats(warehouse_->upsert_ohlcv(source(day)), 24, 0, 0);
  const auto xmins = session().query(kXmins);
  const auto loaded_at = session().query("SELECT loaded_at FROM ohlcv ORDER BY open_time");

  expect_stats(warehouse_->upsert_ohlcv(source(day)), 0, 0, 24);
  EXPECT_EQ(session().query(kXmins), xmins);  // no new row version: the no-op update was skipped
  EXPECT_EQ(session().query("SELECT loaded_at FROM ohlcv ORDER BY open_time"), loaded_at);
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), "24");
}

TEST_F(PostgresWarehouseTest, CountsInsertedUpdatedAndUnchangedRowsOfAMixedLoad) {
  const std::vector<Candle> first = {candle(0), candle(1), candle(2, false)};
  expect_stats(warehouse_->upsert_ohlcv(source(first)), 3, 0, 0);

  std::vector<Candle> second = {candle(0), candle(1), candle(2), candle(3)};
  second[1].close = "43488.72000000";  // a corrected closed candle
  expect_stats(warehouse_->upsert_ohlcv(source(second)), 1, 2, 1);
  EXPECT_EQ(session().one("SELECT close FROM ohlcv WHERE open_time = '2024-01-30T01:00Z'"),
            "43488.72000000");
  EXPECT_EQ(session().one("SELECT is_closed FROM ohlcv WHERE open_time = '2024-01-30T02:00Z'"),
            "t");
}

TEST_F(PostgresWarehouseTest, AnOpenCandleIsReplacedByItsClosedVersion) {
  Candle open = candle(5, false);
  open.close = "43000.00000000";
  expect_stats(warehouse_->upsert_ohlcv(source({open})), 1, 0, 0);
  const std::string xmin = session().one(kXmins);

  expect_stats(warehouse_->upsert_ohlcv(source({candle(5)})), 0, 1, 0);
  EXPECT_NE(session().one(kXmins), xmin);
  EXPECT_EQ(session().query("SELECT close, is_closed FROM ohlcv"),
            (std::vector<std::vector<std::string>>{{"43488.71000000", "t"}}));
}

TEST_F(PostgresWarehouseTest, AClosedCandleIsNeverReplacedByAnOpenOne) {
  expect_stats(warehouse_->upsert_ohlcv(source({candle(5)})), 1, 0, 0);
  Candle late_open = candle(5, false);
  late_open.close = "1.00000000";
  expect_stats(warehouse_->upsert_ohlcv(source({late_open})), 0, 0, 1);
  EXPECT_EQ(session().query("SELECT close, is_closed FROM ohlcv"),
            (std::vector<std::vector<std::string>>{{"43488.71000000", "t"}}));
}

TEST_F(PostgresWarehouseTest, DecimalsKeepEveryDigitAndMissingValuesAreNull) {
  Candle c = candle(0);
  c.open = "0.00000001";
  c.high = "123456789012345678901234567890.123456789012345678901234567890";
  c.low = "0";
  c.close = "100.10";
  c.quote_volume = "";
  c.trade_count.reset();
  expect_stats(warehouse_->upsert_ohlcv(source({c})), 1, 0, 0);
  EXPECT_EQ(session().query("SELECT open, high, low, close, quote_volume, trade_count, "
                            "open_time FROM ohlcv"),
            (std::vector<std::vector<std::string>>{
                {"0.00000001", "123456789012345678901234567890.123456789012345678901234567890",
                 "0", "100.10", "NULL", "NULL", "2024-01-30 00:00:00+00"}}));
}

TEST_F(PostgresWarehouseTest, MonthPartitionsAreCreatedOnDemand) {
  const std::vector<Candle> november = {candle(23, true, "2026-11-30")};
  const std::vector<Candle> december = {candle(0, true, "2026-12-01")};
  warehouse_->upsert_ohlcv(source(november));
  warehouse_->upsert_ohlcv(source(december));
  PostgresWarehouse(url()).upsert_ohlcv(source(december));  // another session: already there
  EXPECT_EQ(session().query("SELECT c.relname FROM pg_inherits i JOIN pg_class c "
                            "ON c.oid = i.inhrelid WHERE i.inhparent = 'ohlcv'::regclass "
                            "ORDER BY 1"),
            (std::vector<std::vector<std::string>>{{"ohlcv_y2026m11"}, {"ohlcv_y2026m12"}}));
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv_y2026m12"), "1");
}

TEST_F(PostgresWarehouseTest, AFailedLoadLeavesTheTableAsItWas) {
  const std::vector<Candle> day = {candle(0), candle(1)};
  warehouse_->upsert_ohlcv(source(day));
  const auto before = session().query("SELECT *, xmin FROM ohlcv ORDER BY open_time");

  std::vector<Candle> changed = {candle(0), candle(1), candle(2)};
  changed[0].close = "1.00000000";
  std::size_t served = 0;
  const OhlcvRowSource throws_midway = [&, inner = source(changed)](OhlcvRow& row) {
    if (served++ == 2) throw Error(ErrorKind::kBadPayload, "silver table is corrupt");
    return inner(row);
  };
  EXPECT_THROW(warehouse_->upsert_ohlcv(throws_midway), Error);

  std::vector<Candle> other_day = {candle(3), candle(4, true, "2024-01-31")};
  try {
    warehouse_->upsert_ohlcv(source(other_day));
    ADD_FAILURE() << "a row of another day was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadPayload);
    EXPECT_NE(std::string(e.what()).find("2024-01-31T04:00:00.000Z outside the day being loaded"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(session().query("SELECT *, xmin FROM ohlcv ORDER BY open_time"), before);
  // The connection is still usable after the failures.
  expect_stats(warehouse_->upsert_ohlcv(source(changed)), 1, 1, 1);
}

TEST_F(PostgresWarehouseTest, TickersAndBookLevelsUpsertWithCounts) {
  struct Ticker {
    std::string symbol, last, bid;
  };
  const auto tickers = [](const std::vector<Ticker>& values) {
    auto next = std::make_shared<std::size_t>(0);
    return TickerRowSource([values, next](TickerRow& row) {
      if (*next >= values.size()) return false;
      const Ticker& t = values[(*next)++];
      row = {.exchange = "binance", .symbol = t.symbol, .ts = "2026-11-25T10:00:00.000Z",
             .ts_source = "exchange", .last = t.last, .bid = t.bid};
      return true;
    });
  };
  const std::vector<Ticker> first = {{"BTC/USDT", "43000.10", "42999.9"},
                                     {"ETH/USDT", "2300.5", ""}};
  expect_stats(warehouse_->upsert_tickers(tickers(first)), 2, 0, 0);
  const std::vector<Ticker> second = {{"BTC/USDT", "43000.10", "42999.9"},
                                      {"ETH/USDT", "2301", ""}};
  expect_stats(warehouse_->upsert_tickers(tickers(second)), 0, 1, 1);
  EXPECT_EQ(session().query("SELECT symbol, last, bid, ask FROM tickers ORDER BY symbol"),
            (std::vector<std::vector<std::string>>{{"BTC/USDT", "43000.10", "42999.9", "NULL"},
                                                   {"ETH/USDT", "2301", "NULL", "NULL"}}));

  const auto levels = [](const std::string& amount) {
    auto next = std::make_shared<int>(0);
    return BookLevelRowSource([amount, next](BookLevelRow& row) {
      if (*next >= 2) return false;
      const bool bid = (*next)++ == 0;
      row = {.exchange = "binance", .symbol = "BTC/USDT", .ts = "2026-11-25T10:00:00.000Z",
             .ts_source = "fetch", .sequence = bid ? "" : "12345678901",
             .side = bid ? "bid" : "ask",
             .level = "0", .price = bid ? "42999.9" : "43000.1", .amount = amount};
      return true;
    });
  };
  expect_stats(warehouse_->upsert_book_levels(levels("0.5")), 2, 0, 0);
  expect_stats(warehouse_->upsert_book_levels(levels("0.50")), 0, 0, 2);  // the same decimal
  expect_stats(warehouse_->upsert_book_levels(levels("0.6")), 0, 2, 0);
  EXPECT_EQ(session().query("SELECT side, price, amount, sequence FROM orderbook_levels "
                            "ORDER BY side"),
            (std::vector<std::vector<std::string>>{{"ask", "43000.1", "0.6", "12345678901"},
                                                   {"bid", "42999.9", "0.6", "NULL"}}));
}

TEST_F(PostgresWarehouseTest, TradesLoadStraightIntoAnEmptyDayThenMerge) {
  const auto trades = [](const std::string& amount, const std::string& last_ts) {
    auto next = std::make_shared<int>(0);
    auto text = std::make_shared<std::array<std::string, 2>>();  // what the row's views see
    return TradeRowSource([amount, last_ts, next, text](TradeRow& row) {
      if (*next >= 3) return false;
      const int i = (*next)++;
      (*text)[0] = std::to_string(7835390042 + i);
      (*text)[1] = i == 1 ? "" : std::to_string(29014746 + i);
      row = {.exchange = "gateio", .symbol = "BTC/USDT", .trade_id = (*text)[0],
             .sequence = (*text)[1],
             .ts = i == 2 ? std::string_view(last_ts) : "2026-11-25T10:00:00.162Z",
             .price = "73236.4", .amount = i == 2 ? std::string_view(amount) : "0.00020",
             .side = i == 0 ? "buy" : "sell"};
      return true;
    });
  };
  expect_stats(warehouse_->upsert_trades(trades("1.5", "2026-11-25T23:59:59.999Z")), 3, 0, 0);
  expect_stats(warehouse_->upsert_trades(trades("1.50", "2026-11-25T23:59:59.999Z")), 0, 0, 3);
  expect_stats(warehouse_->upsert_trades(trades("1.6", "2026-11-25T23:59:59.999Z")), 0, 1, 2);
  EXPECT_EQ(session().query("SELECT trade_id, sequence, ts, amount, side FROM trades "
                            "ORDER BY trade_id"),
            (std::vector<std::vector<std::string>>{
                {"7835390042", "29014746", "2026-11-25 10:00:00.162+00", "0.00020", "buy"},
                {"7835390043", "NULL", "2026-11-25 10:00:00.162+00", "0.00020", "sell"},
                {"7835390044", "29014748", "2026-11-25 23:59:59.999+00", "1.6", "sell"}}));
  // A row of another day in the load: refused as a whole, nothing of it stays.
  try {
    warehouse_->upsert_trades(trades("9", "2026-11-26T00:00:00.000Z"));
    ADD_FAILURE() << "a load reaching into the next day was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadPayload);
    EXPECT_NE(std::string(e.what()).find("outside the day being loaded"), std::string::npos);
  }
  EXPECT_EQ(session().one("SELECT string_agg(amount::text, ',' ORDER BY trade_id) FROM trades"),
            "0.00020,0.00020,1.6");
  // Bad values the silver layer never lets through are refused by the table too.
  const auto negative = std::make_shared<bool>(false);
  EXPECT_THROW(warehouse_->upsert_trades([negative](TradeRow& row) {
    if (*negative) return false;
    *negative = true;
    row = {.exchange = "okx", .symbol = "BTC/USDT", .trade_id = "1", .ts = "2026-11-27T00:00:00.000Z",
           .price = "-1", .amount = "1", .side = "buy"};
    return true;
  }),
               Error);
}

TEST_F(PostgresWarehouseTest, FundingAndOpenInterestMergeByTheirKeys) {
  const auto funding = [](const std::string& last_rate) {
    auto next = std::make_shared<int>(0);
    return FundingRowSource([last_rate, next](FundingRow& row) {
      static constexpr const char* kTimes[] = {"2026-11-25T00:00:00.000Z",
                                               "2026-11-25T08:00:00.000Z"};
      if (*next >= 2) return false;
      const int i = (*next)++;
      row = {.exchange = "binance", .symbol = "BTC/USDT:USDT", .funding_time = kTimes[i],
             .funding_rate = i == 1 ? std::string_view(last_rate) : "-0.000075",
             .mark_price = i == 1 ? "" : "43000.1"};
      return true;
    });
  };
  expect_stats(warehouse_->upsert_funding(funding("0.0001")), 2, 0, 0);
  expect_stats(warehouse_->upsert_funding(funding("0.00010")), 0, 0, 2);
  expect_stats(warehouse_->upsert_funding(funding("0.0003")), 0, 1, 1);
  EXPECT_EQ(session().query("SELECT funding_time, funding_rate, mark_price FROM funding_rates "
                            "ORDER BY funding_time"),
            (std::vector<std::vector<std::string>>{
                {"2026-11-25 00:00:00+00", "-0.000075", "43000.1"},
                {"2026-11-25 08:00:00+00", "0.0003", "NULL"}}));

  const auto open_interest = [](const std::string& value) {
    auto done = std::make_shared<bool>(false);
    return OpenInterestRowSource([value, done](OpenInterestRow& row) {
      if (*done) return false;
      *done = true;
      row = {.exchange = "bybit", .symbol = "BTC/USDT:USDT", .period = "5m",
             .ts = "2026-11-25T00:05:00.000Z", .open_interest = value,
             .open_interest_value = ""};
      return true;
    });
  };
  expect_stats(warehouse_->upsert_open_interest(open_interest("461134.384")), 1, 0, 0);
  expect_stats(warehouse_->upsert_open_interest(open_interest("461134.384")), 0, 0, 1);
  expect_stats(warehouse_->upsert_open_interest(open_interest("461134.385")), 0, 1, 0);
  // Negative open interest, which silver never lets through, is refused by the table too.
  EXPECT_THROW(warehouse_->upsert_open_interest(open_interest("-1")), Error);
  EXPECT_EQ(session().one("SELECT open_interest::text FROM open_interest"), "461134.385");
}

TEST_F(PostgresWarehouseTest, TheRunAuditSurvivesAServerRestart) {
  RunRecord record{.run_id = "r1", .asset = "load_ohlcv_to_postgres", .partition = "2026-11-25",
                   .status = "success", .started_at = "2026-11-26T00:00:00.000Z",
                   .finished_at = "2026-11-26T00:00:01.500Z", .seconds = 1.5, .rows = 10};
  warehouse_->record_run(record);
  server_.restart();
  record.status = "failed";
  record.error = "storage: boom";
  warehouse_->record_run(record);
  EXPECT_EQ(session().query("SELECT status, rows, error, finished_at FROM run_audit"),
            (std::vector<std::vector<std::string>>{
                {"failed", "10", "storage: boom", "2026-11-26 00:00:01.5+00"}}));
  // Loads go on over the new session too.
  expect_stats(warehouse_->upsert_ohlcv(source({candle(0)})), 1, 0, 0);
  expect_stats(warehouse_->upsert_ohlcv(source({candle(0)})), 0, 0, 1);
}

TEST_F(PostgresWarehouseTest, TwoConcurrentLoadsOfTheSameDayDoNotInterleave) {
  std::vector<Candle> day;
  for (int hour = 0; hour < 24; ++hour) day.push_back(candle(hour));
  std::vector<LoadStats> stats(2);
  std::vector<std::string> failures(2);
  std::vector<std::thread> threads;
  for (int i = 0; i < 2; ++i) {
    threads.emplace_back([&, i] {
      try {
        stats[i] = PostgresWarehouse(url()).upsert_ohlcv(source(day));
      } catch (const std::exception& e) {
        failures[i] = e.what();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures, (std::vector<std::string>{"", ""}));
  // One of them inserted everything, the other found everything there.
  EXPECT_EQ(stats[0].inserted + stats[1].inserted, 24);
  EXPECT_EQ(stats[0].unchanged + stats[1].unchanged, 24);
  EXPECT_EQ(session().one("SELECT count(*) FROM ohlcv"), "24");
}

class PostgresConnectionTest : public ::testing::Test {
 protected:
  // The error of opening url: kind kConfig, one line, naming `expected`, no secret in it.
  void expect_clear_failure(const std::string& url, const std::string& expected,
                            const std::string& secret) {
    try {
      const auto warehouse = open_warehouse(url);
      ADD_FAILURE() << "connected to " << url;
    } catch (const Error& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.kind(), ErrorKind::kConfig) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << message;
      EXPECT_NE(message.find(expected), std::string::npos) << message;
      EXPECT_EQ(message.find(secret), std::string::npos) << message;
    }
  }
  PostgresServer server_;
};

TEST_F(PostgresConnectionTest, AWrongPasswordIsAClearConfigErrorWithoutThePassword) {
  const std::string port = std::to_string(server_.port());
  expect_clear_failure("postgresql://cryptopipe:not-the-s3cret@127.0.0.1:" + port + "/postgres",
                       "password authentication failed for user \"cryptopipe\"", "s3cret");
}

TEST_F(PostgresConnectionTest, AMissingDatabaseIsAClearConfigError) {
  const std::string url = server_.url("no_such_db");
  expect_clear_failure(url, "database \"no_such_db\" does not exist", server_.password());
  expect_clear_failure(url, "postgresql://cryptopipe@127.0.0.1:", server_.password());
}

TEST_F(PostgresConnectionTest, AnUnreachableServerIsAClearConfigError) {
  const std::string unreachable = "postgresql://cryptopipe:" + server_.password() +
                                  "@127.0.0.1:" + std::to_string(testing::free_loopback_port()) +
                                  "/postgres";
  expect_clear_failure(unreachable, "Connection refused", server_.password());
}

TEST_F(PostgresConnectionTest, TheLibpqEnvironmentAndPgpassFillInWhatTheUrlLeavesOut) {
  const testing::TempDir scratch;
  const auto pgpass = scratch.path() / "pgpass";
  std::ofstream(pgpass) << "127.0.0.1:" << server_.port() << ":*:cryptopipe:" << server_.password()
                        << "\n";
  std::filesystem::permissions(pgpass, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  const std::string port = std::to_string(server_.port());
  for (const auto& [name, value] : std::vector<std::pair<const char*, std::string>>{
           {"PGHOST", "127.0.0.1"}, {"PGPORT", port}, {"PGUSER", "cryptopipe"},
           {"PGDATABASE", "postgres"}, {"PGPASSFILE", pgpass.string()}}) {
    ::setenv(name, value.c_str(), 1);
  }
  const auto warehouse = open_warehouse("postgresql://");
  EXPECT_EQ(warehouse->describe(), "postgresql://cryptopipe@127.0.0.1:" + port + "/postgres");
  warehouse->migrate();
  EXPECT_EQ(warehouse->schema_version(), kLatest);
}

TEST_F(PostgresConnectionTest, TlsSettingsPassThroughToLibpq) {
  // The test server has no TLS: asking for it must reach libpq and fail there.
  expect_clear_failure(server_.url() + "?sslmode=require",
                       "server does not support SSL, but SSL was required", server_.password());
}

TEST_F(PostgresConnectionTest, DescribeNamesTheServerWithoutThePassword) {
  const auto warehouse = open_warehouse(server_.url());
  EXPECT_EQ(warehouse->describe(),
            "postgresql://cryptopipe@127.0.0.1:" + std::to_string(server_.port()) + "/postgres");
}

}  // namespace
}  // namespace cryptopipe::warehouse
