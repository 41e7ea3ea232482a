#include "cryptopipe/transform/ticker_transform.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/lake/file_store.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"
#include "unit/transform/silver_table.h"

namespace cryptopipe::transform {
namespace {

using unit::ScratchDir;
using unit::TestBinance;

constexpr TimestampMs kRequestedAt = 1706572800000;  // 2024-01-30T00:00:00Z

struct TickerFields {
  std::string symbol;
  std::string last = "43500.10";
  std::string bid = "43500.00";
  std::string ask = "43500.20";
  std::string low = "43000";
  std::string high = "44000";
  std::string volume = "12.5";
  TimestampMs close_time = kRequestedAt - 1000;
};

// One entry of Binance's bulk 24hr ticker answer.
std::string ticker(const TickerFields& t) {
  return "{\"symbol\":\"" + t.symbol + "\",\"priceChangePercent\":\"1.25\",\"lastPrice\":\"" +
         t.last + "\",\"bidPrice\":\"" + t.bid + "\",\"bidQty\":\"0.5\",\"askPrice\":\"" + t.ask +
         "\",\"askQty\":\"0.7\",\"openPrice\":\"42960.00\",\"highPrice\":\"" + t.high +
         "\",\"lowPrice\":\"" + t.low + "\",\"volume\":\"" + t.volume +
         "\",\"quoteVolume\":\"543750.25\",\"closeTime\":" + std::to_string(t.close_time) + "}";
}

class TickerTransform : public ::testing::Test {
 protected:
  struct Output {
    TickerStats stats;
    SilverRows rows;
    SilverRows rejects;
  };

  Output run(const std::string& body, const std::vector<std::string>& wanted) {
    const std::string bronze_key = "bronze/binance/tickers/dt=2024-01-30/snapshot.json";
    store_.put(bronze_key, body);
    TickerSnapshot snapshot{.exchange = "binance", .bronze_key = bronze_key,
                            .requested_at = kRequestedAt};
    for (const std::string& symbol : wanted) {
      const Symbol parsed = Symbol::parse(symbol);
      snapshot.wanted.emplace(client_.exchange.market_id(parsed), parsed);
    }
    SilverParquetWriter rows(store_, "silver/tickers.parquet", ticker_schema(), 3);
    SilverParquetWriter rejects(store_, "silver/rejects.parquet", ticker_reject_schema(), 3);
    Output out;
    transformer_.run(snapshot, rows, rejects, out.stats);
    rows.finish();
    rejects.finish();
    out.rows = read_silver_table(store_, "silver/tickers.parquet", ticker_schema());
    out.rejects = read_silver_table(store_, "silver/rejects.parquet", ticker_reject_schema());
    return out;
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
  TestBinance client_;
  TickerTransformer transformer_{store_, client_.exchange};
};

TEST_F(TickerTransform, KeepsTheWantedMarketsWithTheExactValues) {
  const Output out = run("[" + ticker({.symbol = "BTCUSDT"}) + "," + ticker({.symbol = "LTCUSDT"}) + "]",
                         {"BTC/USDT"});
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects, 0);
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0], (std::vector<std::string>{
                             "binance", "BTC/USDT", "2024-01-29T23:59:59.000Z", "exchange",
                             "43500.1", "43500", "0.5", "43500.2", "0.7", "42960", "44000",
                             "43000", "12.5", "543750.25", "1.25"}));
  EXPECT_EQ(out.stats.checks.crossed + out.stats.checks.last_outside_range + out.stats.checks.stale, 0);
}

TEST_F(TickerTransform, AValueThatDoesNotFitItsColumnRejectsTheTickerNotRoundsIt) {
  // bid is DECIMAL(28,12): 13 fractional digits need rounding, 17 integer digits do not fit.
  const Output out = run("[" + ticker({.symbol = "BTCUSDT", .bid = "43500.0000000000001"}) + "," +
                             ticker({.symbol = "ETHUSDT", .high = "12345678901234567"}) + "," +
                             ticker({.symbol = "SOLUSDT", .last = "20.1000000000000000"}) + "]",
                         {"BTC/USDT", "ETH/USDT", "SOL/USDT"});
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<std::size_t>(
                TickerRejectReason::kDecimalOutOfRange)],
            2);
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0][2], "BTCUSDT");
  EXPECT_EQ(out.rejects[0][3], "decimal_out_of_range");
  EXPECT_EQ(out.rejects[1][2], "ETHUSDT");
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0][1], "SOL/USDT");
  EXPECT_EQ(out.rows[0][4], "20.1");
  EXPECT_EQ(out.stats.checks.missing, 0) << "a rejected market was in the snapshot";
}

TEST_F(TickerTransform, EveryRejectReasonIsCountedAndWrittenWithItsMarket) {
  const std::string body =
      "[42," + ticker({.symbol = "BTCUSDT"}) + "," + ticker({.symbol = "BTCUSDT"}) + "," +
      ticker({.symbol = "ETHUSDT", .last = ""}) + "," +
      ticker({.symbol = "SOLUSDT", .bid = "1e5"}) + "," +
      ticker({.symbol = "XRPUSDT", .volume = "-0.1"}) + "]";
  const Output out = run(body, {"BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT"});
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects, 5);
  const auto count = [&](TickerRejectReason reason) {
    return out.stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  };
  EXPECT_EQ(count(TickerRejectReason::kMalformed), 1);
  EXPECT_EQ(count(TickerRejectReason::kDuplicate), 1);
  EXPECT_EQ(count(TickerRejectReason::kMissingLast), 1);
  EXPECT_EQ(count(TickerRejectReason::kInvalidDecimal), 1);
  EXPECT_EQ(count(TickerRejectReason::kNegativeVolume), 1);
  const std::string key = "bronze/binance/tickers/dt=2024-01-30/snapshot.json";
  EXPECT_EQ(out.rejects, (SilverRows{{"binance", key, "", "malformed"},
                                     {"binance", key, "BTCUSDT", "duplicate"},
                                     {"binance", key, "ETHUSDT", "missing_last"},
                                     {"binance", key, "SOLUSDT", "invalid_decimal"},
                                     {"binance", key, "XRPUSDT", "negative_volume"}}));
}

TEST_F(TickerTransform, QualityFindingsAreCountedAndTheRowsKept) {
  const std::string body =
      "[" + ticker({.symbol = "BTCUSDT", .bid = "43501", .ask = "43500"}) + "," +
      ticker({.symbol = "ETHUSDT", .last = "45000"}) + "," +
      ticker({.symbol = "SOLUSDT", .close_time = kRequestedAt - kStaleAfter - 1}) + "]";
  const Output out = run(body, {"BTC/USDT", "ETH/USDT", "SOL/USDT"});
  EXPECT_EQ(out.stats.rows, 3);
  EXPECT_EQ(out.stats.rejects, 0);
  EXPECT_EQ(out.stats.checks.crossed, 1);
  EXPECT_EQ(out.stats.checks.last_outside_range, 1);
  EXPECT_EQ(out.stats.checks.stale, 1);
}

TEST_F(TickerTransform, ReasonsHaveStableNames) {
  EXPECT_EQ(to_string(TickerRejectReason::kMalformed), "malformed");
  EXPECT_EQ(to_string(TickerRejectReason::kMissingLast), "missing_last");
  EXPECT_EQ(to_string(TickerRejectReason::kInvalidDecimal), "invalid_decimal");
  EXPECT_EQ(to_string(TickerRejectReason::kNegativeVolume), "negative_volume");
  EXPECT_EQ(to_string(TickerRejectReason::kDuplicate), "duplicate");
}

}  // namespace
}  // namespace cryptopipe::transform
