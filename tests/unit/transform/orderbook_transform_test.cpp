#include "cryptopipe/transform/orderbook_transform.h"

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
const std::string kBronzeKey = "bronze/binance/orderbook/dt=2024-01-30/book.json";

class OrderBookTransform : public ::testing::Test {
 protected:
  struct Output {
    BookStats stats;
    SilverRows rows;
    SilverRows rejects;
  };

  // Runs every Binance depth body through one transformer, as the asset does for a snapshot.
  Output run(const std::vector<std::string>& bodies, int depth) {
    SilverParquetWriter rows(store_, "silver/levels.parquet", orderbook_schema(), 3);
    SilverParquetWriter rejects(store_, "silver/rejects.parquet", orderbook_reject_schema(), 3);
    Output out;
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      const std::string key = kBronzeKey + "." + std::to_string(i);
      store_.put(key, bodies[i]);
      transformer_.run({.exchange = "binance", .symbol = Symbol::parse("BTC/USDT"),
                        .bronze_key = key, .requested_at = kRequestedAt, .depth = depth},
                       rows, rejects, out.stats);
    }
    rows.finish();
    rejects.finish();
    out.rows = read_silver_table(store_, "silver/levels.parquet", orderbook_schema());
    out.rejects = read_silver_table(store_, "silver/rejects.parquet", orderbook_reject_schema());
    return out;
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
  TestBinance client_;
  OrderBookTransformer transformer_{store_, client_.exchange};
};

TEST_F(OrderBookTransform, WritesEveryLevelBestFirstWithTheFetchTimeAndSequence) {
  const Output out = run({R"({"lastUpdateId":77,"bids":[["100.5","1"],["100","2.5"]],)"
                          R"("asks":[["101","0.25"],["102.75","3"]]})"},
                         2);
  EXPECT_EQ(out.stats.books, 1);
  EXPECT_EQ(out.stats.rows, 4);
  EXPECT_EQ(out.rows, (SilverRows{
      {"binance", "BTC/USDT", "2024-01-30T00:00:00.000Z", "fetch", "77", "bid", "0", "100.5", "1"},
      {"binance", "BTC/USDT", "2024-01-30T00:00:00.000Z", "fetch", "77", "bid", "1", "100", "2.5"},
      {"binance", "BTC/USDT", "2024-01-30T00:00:00.000Z", "fetch", "77", "ask", "0", "101", "0.25"},
      {"binance", "BTC/USDT", "2024-01-30T00:00:00.000Z", "fetch", "77", "ask", "1", "102.75", "3"}}));
  EXPECT_TRUE(out.rejects.empty());
  EXPECT_EQ(out.stats.checks.unsorted + out.stats.checks.crossed + out.stats.checks.short_books, 0);
}

TEST_F(OrderBookTransform, BadLevelsAreRejectedWithTheirSideIndexAndReason) {
  const Output out = run({R"({"lastUpdateId":5,"bids":[["100","1"],["x","1"],["99","0"]],)"
                          R"("asks":[["101","1"],"bad",["-1","1"]]})"},
                         3);
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.rejects, 4);
  const auto count = [&](LevelRejectReason reason) {
    return out.stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  };
  EXPECT_EQ(count(LevelRejectReason::kMalformed), 1);
  EXPECT_EQ(count(LevelRejectReason::kInvalidDecimal), 1);
  EXPECT_EQ(count(LevelRejectReason::kNonPositivePrice), 1);
  EXPECT_EQ(count(LevelRejectReason::kNonPositiveAmount), 1);
  const std::string key = kBronzeKey + ".0";
  EXPECT_EQ(out.rejects, (SilverRows{{"binance", "BTC/USDT", key, "bid", "1", "invalid_decimal"},
                                     {"binance", "BTC/USDT", key, "bid", "2", "non_positive_amount"},
                                     {"binance", "BTC/USDT", key, "ask", "1", "malformed"},
                                     {"binance", "BTC/USDT", key, "ask", "2", "non_positive_price"}}));
}

TEST_F(OrderBookTransform, UnsortedCrossedAndShortBooksAreCountedAndKeptAsTheyCame) {
  const Output out = run({R"({"lastUpdateId":1,"bids":[["100","1"],["100.5","1"]],"asks":[["101","1"],["102","1"]]})",
                          R"({"lastUpdateId":2,"bids":[["101","1"],["100","1"]],"asks":[["101","1"],["102","1"]]})",
                          R"({"lastUpdateId":3,"bids":[["100","1"]],"asks":[["101","1"],["102","1"]]})"},
                         2);
  EXPECT_EQ(out.stats.books, 3);
  EXPECT_EQ(out.stats.rows, 11);
  EXPECT_EQ(out.stats.checks.unsorted, 1);
  EXPECT_EQ(out.stats.checks.crossed, 1);
  EXPECT_EQ(out.stats.checks.short_books, 1);
}

TEST_F(OrderBookTransform, ALevelWhoseDecimalsDoNotFitItsColumnIsRejectedNotRounded) {
  // price is DECIMAL(28,12), amount DECIMAL(38,18); zeros past the scale are not digits.
  const Output out = run({R"({"lastUpdateId":9,"bids":[["100.0000000000001","1"],)"
                          R"(["99.500000000000000000","2.0000000000000000000000"]],)"
                          R"("asks":[["101","0.0000000000000000001"],)"
                          R"(["12345678901234567","1"],["102","1"]]})"},
                         3);
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<std::size_t>(
                LevelRejectReason::kDecimalOutOfRange)],
            3);
  const std::string key = kBronzeKey + ".0";
  EXPECT_EQ(out.rejects,
            (SilverRows{{"binance", "BTC/USDT", key, "bid", "0", "decimal_out_of_range"},
                        {"binance", "BTC/USDT", key, "ask", "0", "decimal_out_of_range"},
                        {"binance", "BTC/USDT", key, "ask", "1", "decimal_out_of_range"}}));
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0][7], "99.5");
  EXPECT_EQ(out.rows[0][8], "2");
  EXPECT_EQ(out.rows[1][6], "2") << "a level keeps its index in the book as sent";
}

TEST_F(OrderBookTransform, LevelsPastTheAskedDepthAreNotKept) {
  // A venue that answers only fixed sizes (Bitfinex 25, KuCoin 20 or 100) for a depth of 2.
  const Output out = run({R"({"lastUpdateId":4,"bids":[["100","1"],["99","1"],["98","1"]],)"
                          R"("asks":[["101","1"],["102","1"],["103","1"],["104","x"]]})"},
                         2);
  EXPECT_EQ(out.stats.rows, 4);
  EXPECT_EQ(out.stats.rejects, 0) << "the bad level lies beyond the depth";
  EXPECT_EQ(out.stats.checks.short_books, 0);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[1][7], "99");
  EXPECT_EQ(out.rows[3][7], "102");
}

TEST_F(OrderBookTransform, ReasonsHaveStableNames) {
  EXPECT_EQ(to_string(LevelRejectReason::kMalformed), "malformed");
  EXPECT_EQ(to_string(LevelRejectReason::kInvalidDecimal), "invalid_decimal");
  EXPECT_EQ(to_string(LevelRejectReason::kNonPositivePrice), "non_positive_price");
  EXPECT_EQ(to_string(LevelRejectReason::kNonPositiveAmount), "non_positive_amount");
  EXPECT_EQ(to_string(LevelRejectReason::kDecimalOutOfRange), "decimal_out_of_range");
}

}  // namespace
}  // namespace cryptopipe::transform
