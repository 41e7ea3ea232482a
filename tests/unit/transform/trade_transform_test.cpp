#include "cryptopipe/transform/trade_transform.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/exchanges/okx.h"
#include "cryptopipe/lake/file_store.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"
#include "unit/transform/silver_table.h"

namespace cryptopipe::transform {
namespace {

using unit::ScratchDir;

const UtcDay kDay = UtcDay::parse("2024-01-30");
constexpr TimestampMs kDayStart = 1706572800000;  // 2024-01-30T00:00:00Z

struct Trade {
  std::int64_t id;
  TimestampMs ts;
  std::string price = "43500.10";
  std::string amount = "0.5";
  bool buyer_is_maker = false;
};

// One Binance /api/v3/aggTrades row: the aggregate id numbers the market's trades one by one.
std::string binance_row(const Trade& t) {
  return "{\"a\":" + std::to_string(t.id) + ",\"p\":\"" + t.price + "\",\"q\":\"" + t.amount +
         "\",\"f\":" + std::to_string(t.id * 2) + ",\"l\":" + std::to_string(t.id * 2) +
         ",\"T\":" + std::to_string(t.ts) + ",\"m\":" + (t.buyer_is_maker ? "true" : "false") +
         ",\"M\":true}";
}

// One OKX history-trades answer, newest first as OKX sends it; its ids prove nothing.
std::string okx_page(const std::vector<Trade>& trades) {
  std::string body = "{\"code\":\"0\",\"msg\":\"\",\"data\":[";
  for (auto it = trades.rbegin(); it != trades.rend(); ++it) {
    if (it != trades.rbegin()) body += ",";
    body += "{\"instId\":\"BTC-USDT\",\"side\":\"" + std::string(it->buyer_is_maker ? "sell" : "buy") +
            "\",\"sz\":\"" + it->amount + "\",\"px\":\"" + it->price + "\",\"tradeId\":\"" +
            std::to_string(it->id) + "\",\"ts\":\"" + std::to_string(it->ts) + "\",\"source\":\"0\"}";
  }
  return body + "]}";
}

std::string binance_page(const std::vector<Trade>& trades) {
  std::string body = "[";
  for (const Trade& t : trades) body += (body.size() > 1 ? "," : "") + binance_row(t);
  return body + "]";
}

TradePage page_of(const std::string& key, const std::vector<Trade>& trades, bool numbered) {
  TradePage page{key, static_cast<std::int64_t>(trades.size()), {}};
  if (!trades.empty()) {
    page.first = {numbered ? std::optional<std::int64_t>(trades.front().id) : std::nullopt,
                  trades.front().ts, std::to_string(trades.front().id)};
  }
  return page;
}

// A run of trades, one a second from `first_ts`, numbered from `first_id`.
std::vector<Trade> run_of(std::int64_t first_id, TimestampMs first_ts, int count) {
  std::vector<Trade> trades;
  for (int i = 0; i < count; ++i) trades.push_back({first_id + i, first_ts + i * 1000LL});
  return trades;
}

class TradeTransform : public ::testing::Test {
 protected:
  struct Output {
    TradeSeriesStats stats;
    SilverRows rows;
    SilverRows rejects;
  };

  template <typename Client>
  Output run(Client& client, const std::vector<std::pair<std::string, TradePage>>& pages,
             TimestampMs covered_until = kDayStart + kMillisPerDay) {
    TradeSeriesInput input{std::string(client.exchange.name()), Symbol::parse("BTC/USDT"), kDay,
                           {}, covered_until};
    for (const auto& [body, page] : pages) {
      store_.put(page.key, body);
      input.pages.push_back(page);
    }
    SilverParquetWriter rows(store_, "silver/trades.parquet", trade_schema(), 3);
    SilverParquetWriter rejects(store_, "silver/rejects.parquet", trade_reject_schema(), 3);
    TradeSeriesTransformer transformer(store_, client.exchange);
    Output out;
    out.stats = transformer.run(input, rows, rejects);
    rows.finish();
    rejects.finish();
    out.rows = read_silver_table(store_, "silver/trades.parquet", trade_schema());
    out.rejects = read_silver_table(store_, "silver/rejects.parquet", trade_reject_schema());
    return out;
  }

  Output run_binance(const std::vector<std::vector<Trade>>& pages) {
    std::vector<std::pair<std::string, TradePage>> stored;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      stored.emplace_back(binance_page(pages[i]),
                          page_of("bronze/p" + std::to_string(i) + ".json", pages[i], true));
    }
    return run(binance_, stored);
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
  unit::TestBinance binance_;
  unit::TestExchange<exchanges::Okx> okx_;
};

TEST_F(TradeTransform, PagesAreReadOldestFirstWhateverOrderTheyWereStoredIn) {
  const std::vector<Trade> early = run_of(100, kDayStart + 5000, 3);
  const std::vector<Trade> late = run_of(103, kDayStart + 9000, 2);
  const Output out = run_binance({late, early});
  EXPECT_EQ(out.stats.rows, 5);
  EXPECT_TRUE(out.stats.numbered);
  EXPECT_EQ(out.stats.missing, 0);
  EXPECT_EQ(out.stats.first_sequence, 100);
  EXPECT_EQ(out.stats.last_sequence, 104);
  ASSERT_EQ(out.rows.size(), 5u);
  EXPECT_EQ(out.rows[0], (std::vector<std::string>{"binance", "BTC/USDT", "100", "100",
                                                   "2024-01-30T00:00:05.000Z", "43500.1", "0.5",
                                                   "buy"}));
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    EXPECT_EQ(out.rows[i][2], std::to_string(100 + i));
  }
}

TEST_F(TradeTransform, ACopyOfATradeOnTheNextPageIsDroppedNotRejected) {
  const std::vector<Trade> first = run_of(100, kDayStart + 5000, 3);
  const std::vector<Trade> second = run_of(102, kDayStart + 7000, 3);  // 102 again
  const Output out = run_binance({first, second});
  EXPECT_EQ(out.stats.rows, 5);
  EXPECT_EQ(out.stats.duplicates, 1);
  EXPECT_EQ(out.stats.rejects, 0);
  EXPECT_EQ(out.stats.missing, 0);
}

TEST_F(TradeTransform, MissingTradeNumbersAreProvenAndReported) {
  std::vector<Trade> trades = run_of(100, kDayStart + 5000, 2);
  trades.push_back({110, kDayStart + 60'000});
  trades.push_back({111, kDayStart + 61'000});
  trades.push_back({115, kDayStart + 62'000});
  const Output out = run_binance({trades});
  EXPECT_EQ(out.stats.rows, 5);
  EXPECT_EQ(out.stats.missing, 8 + 3);
  ASSERT_EQ(out.stats.gaps.size(), 2u);
  EXPECT_EQ(out.stats.gaps[0].first, 102);
  EXPECT_EQ(out.stats.gaps[0].last, 109);
  EXPECT_EQ(out.stats.gaps[0].after, kDayStart + 6000);
  EXPECT_EQ(out.stats.gaps[0].before, kDayStart + 60'000);
  EXPECT_EQ(out.stats.gaps[1].first, 112);
  EXPECT_EQ(out.stats.gaps[1].last, 114);
}

TEST_F(TradeTransform, TradesOfNeighbouringDaysAreLeftOutAndNotCountedMissing) {
  std::vector<Trade> trades = {{98, kDayStart - 2}, {99, kDayStart - 1}};
  for (const Trade& t : run_of(100, kDayStart, 2)) trades.push_back(t);
  trades.push_back({102, kDayStart + kMillisPerDay - 1});
  trades.push_back({103, kDayStart + kMillisPerDay});
  const Output out = run_binance({trades});
  EXPECT_EQ(out.stats.rows, 3);
  EXPECT_EQ(out.stats.outside_day, 3);
  EXPECT_EQ(out.stats.missing, 0);
  EXPECT_EQ(out.rows.back()[4], "2024-01-30T23:59:59.999Z");
}

TEST_F(TradeTransform, BadTradesAreRejectedWithTheirReasonAndStillCountAsSeen) {
  std::vector<Trade> trades = run_of(100, kDayStart + 5000, 5);
  trades[1].price = "abc";
  trades[2].amount = "0";
  trades[3].price = "-1";
  trades[4].amount = "0.1234567890123456789";  // 19 fractional digits: beyond DECIMAL(38,18)
  std::vector<Trade> again = {trades[4]};
  again[0].amount = "0.7";  // the same id with other values
  const Output out = run_binance({trades, again});
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects, 5);
  const auto count = [&](TradeRejectReason reason) {
    return out.stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  };
  EXPECT_EQ(count(TradeRejectReason::kInvalidDecimal), 1);
  EXPECT_EQ(count(TradeRejectReason::kNotPositive), 2);
  EXPECT_EQ(count(TradeRejectReason::kDecimalOutOfRange), 1);
  EXPECT_EQ(count(TradeRejectReason::kConflictingDuplicate), 1);
  EXPECT_EQ(out.stats.missing, 0) << "a rejected trade is accounted for, not missing";
  ASSERT_EQ(out.rejects.size(), 5u);
  EXPECT_EQ(out.rejects[0], (std::vector<std::string>{"binance", "BTC/USDT", "bronze/p0.json",
                                                      "1", "101", "invalid_decimal"}));
  EXPECT_EQ(out.rejects[4][5], "conflicting_duplicate");
}

TEST_F(TradeTransform, AMalformedRowIsRejectedAndTheRestOfThePageKept) {
  const std::string body = "[" + binance_row({100, kDayStart + 1000}) + ",{\"a\":\"x\"}," +
                           binance_row({101, kDayStart + 2000}) + "]";
  const Output out =
      run(binance_, {{body, page_of("bronze/p0.json", run_of(100, kDayStart + 1000, 1), true)}});
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<std::size_t>(TradeRejectReason::kMalformed)], 1);
}

TEST_F(TradeTransform, WithoutTradeNumbersTheLongestSilencesAreReported) {
  // OKX pages backwards: the newest page is stored first.
  const std::vector<Trade> older = {{7, kDayStart + 60'000}, {8, kDayStart + 3'600'000}};
  const std::vector<Trade> newer = {{9, kDayStart + 3'660'000}, {10, kDayStart + 3'661'000}};
  const TimestampMs covered_until = kDayStart + 7'200'000;  // the current day, two hours in
  const Output out = run(okx_,
                         {{okx_page(newer), page_of("bronze/p0.json", newer, false)},
                          {okx_page(older), page_of("bronze/p1.json", older, false)}},
                         covered_until);
  EXPECT_EQ(out.stats.rows, 4);
  EXPECT_FALSE(out.stats.numbered);
  EXPECT_EQ(out.stats.missing, 0);
  ASSERT_EQ(out.stats.longest_silences.size(), 5u);
  EXPECT_EQ(out.stats.longest_silences[0].from, kDayStart + 60'000);
  EXPECT_EQ(out.stats.longest_silences[0].to, kDayStart + 3'600'000);
  EXPECT_EQ(out.stats.longest_silences[1].from, kDayStart + 3'661'000);
  EXPECT_EQ(out.stats.longest_silences[1].to, covered_until);
  ASSERT_EQ(out.rows.size(), 4u);
  EXPECT_EQ(out.rows[0][2], "7");
  EXPECT_EQ(out.rows[0][3], "");  // no sequence
  EXPECT_EQ(out.rows[3][2], "10");
}

TEST(TradePositions, NumbersWinWhereBothHaveThemElseTimeThenIdAsANumber) {
  EXPECT_LT(compare_positions({5, 2000, "x"}, {6, 1000, "a"}), 0);
  EXPECT_EQ(compare_positions({5, 2000, "x"}, {5, 1000, "a"}), 0);
  EXPECT_LT(compare_positions({std::nullopt, 1000, "99"}, {std::nullopt, 1000, "100"}), 0);
  EXPECT_GT(compare_positions({std::nullopt, 1001, "1"}, {std::nullopt, 1000, "100"}), 0);
  EXPECT_EQ(compare_positions({std::nullopt, 1000, "abc"}, {std::nullopt, 1000, "abc"}), 0);
}

}  // namespace
}  // namespace cryptopipe::transform
