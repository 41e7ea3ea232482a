#include "cryptopipe/transform/perp_transform.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/exchanges/bybit.h"
#include "cryptopipe/exchanges/gateio.h"
#include "cryptopipe/lake/file_store.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"
#include "unit/transform/silver_table.h"

namespace cryptopipe::transform {
namespace {

using unit::ScratchDir;

const UtcDay kDay = UtcDay::parse("2024-01-30");
constexpr TimestampMs kDayStart = 1706572800000;  // 2024-01-30T00:00:00Z
constexpr TimestampMs kHour = kMillisPerHour;

std::string binance_funding(TimestampMs ts, const std::string& rate,
                            const std::string& mark = "43000.10000000") {
  return "{\"symbol\":\"BTCUSDT\",\"fundingTime\":" + std::to_string(ts) + ",\"fundingRate\":\"" +
         rate + "\",\"markPrice\":\"" + mark + "\"}";
}

std::string array_of(const std::vector<std::string>& entries) {
  std::string body = "[";
  for (const std::string& entry : entries) body += (body.size() > 1 ? "," : "") + entry;
  return body + "]";
}

class PerpTransform : public ::testing::Test {
 protected:
  struct Output {
    PerpSeriesStats stats;
    SilverRows rows;
    SilverRows rejects;
  };

  Output run(const exchanges::Exchange& exchange, PerpDataset dataset,
             const std::vector<std::string>& bodies, const std::string& contract_size = "",
             TimestampMs covered_until = kDayStart + kMillisPerDay) {
    PerpSeriesInput input{std::string(exchange.name()), Symbol::parse("BTC/USDT:USDT"), kDay, {},
                          contract_size, std::nullopt, covered_until};
    if (dataset == PerpDataset::kOpenInterest) input.period = Timeframe::parse("1h");
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      input.pages.push_back("bronze/p" + std::to_string(i) + ".json");
      store_.put(input.pages.back(), bodies[i]);
    }
    SilverParquetWriter rows(store_, "silver/rows.parquet", perp_schema(dataset), 3);
    SilverParquetWriter rejects(store_, "silver/rejects.parquet", perp_reject_schema(), 3);
    PerpSeriesTransformer transformer(store_, exchange, dataset);
    Output out;
    out.stats = transformer.run(input, rows, rejects);
    rows.finish();
    rejects.finish();
    out.rows = read_silver_table(store_, "silver/rows.parquet", perp_schema(dataset));
    out.rejects = read_silver_table(store_, "silver/rejects.parquet", perp_reject_schema());
    return out;
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
  unit::TestBinance binance_;
  unit::TestExchange<exchanges::Bybit> bybit_;
  unit::TestExchange<exchanges::GateIo> gate_;
};

TEST_F(PerpTransform, BinanceFundingKeepsTheDaysEventsWithTheirMarkPrices) {
  const Output out = run(binance_.exchange, PerpDataset::kFunding,
                         {array_of({binance_funding(kDayStart - 8 * kHour, "0.0001"),
                                    binance_funding(kDayStart, "0.00010000"),
                                    binance_funding(kDayStart + 8 * kHour, "-0.00007500"),
                                    binance_funding(kDayStart + 16 * kHour, "0.00030000"),
                                    binance_funding(kDayStart + 24 * kHour, "0.0001")})});
  EXPECT_EQ(out.stats.rows, 3);
  EXPECT_EQ(out.stats.outside_day, 2);
  EXPECT_EQ(out.stats.expected, 3);
  EXPECT_EQ(out.stats.missing, 0);
  EXPECT_EQ(out.stats.interval_ms, 8 * kHour);
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0], (std::vector<std::string>{"binance", "BTC/USDT:USDT",
                                                   "2024-01-30T00:00:00.000Z", "0.0001",
                                                   "43000.1"}));
  EXPECT_EQ(out.rows[1][3], "-0.000075");
  EXPECT_EQ(out.rows[2][3], "0.0003");
}

TEST_F(PerpTransform, AMissingFundingTimeIsCountedAndNamed) {
  const Output out = run(binance_.exchange, PerpDataset::kFunding,
                         {array_of({binance_funding(kDayStart + 3, "0.0001"),
                                    binance_funding(kDayStart + 16 * kHour + 2, "0.0002")})});
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.expected, 3);
  EXPECT_EQ(out.stats.missing, 1);
  ASSERT_EQ(out.stats.missing_ranges.size(), 1u);
  EXPECT_EQ(out.stats.missing_ranges[0].first, kDayStart + 8 * kHour);
  EXPECT_EQ(out.stats.missing_ranges[0].points, 1);
}

TEST_F(PerpTransform, AShorterFundingSpacingIsTheMarketsOwnInterval) {
  std::vector<std::string> events;
  for (int hour = 0; hour < 24; hour += 4) {
    if (hour != 12) events.push_back(binance_funding(kDayStart + hour * kHour, "0.0001"));
  }
  const Output out = run(binance_.exchange, PerpDataset::kFunding, {array_of(events)});
  EXPECT_EQ(out.stats.interval_ms, 4 * kHour);
  EXPECT_EQ(out.stats.expected, 6);
  EXPECT_EQ(out.stats.missing, 1);
}

TEST_F(PerpTransform, TodayExpectsOnlyWhatHasHappened) {
  const Output out = run(binance_.exchange, PerpDataset::kFunding,
                         {array_of({binance_funding(kDayStart, "0.0001")})}, "",
                         kDayStart + 7 * kHour);
  EXPECT_EQ(out.stats.expected, 1);
  EXPECT_EQ(out.stats.missing, 0);
}

TEST_F(PerpTransform, BybitFundingComesNewestFirstAndIsPutInOrder) {
  const std::string body =
      "{\"retCode\":0,\"retMsg\":\"OK\",\"result\":{\"category\":\"linear\",\"list\":["
      "{\"symbol\":\"BTCUSDT\",\"fundingRate\":\"0.0003\",\"fundingRateTimestamp\":\"" +
      std::to_string(kDayStart + 16 * kHour) +
      "\"},{\"symbol\":\"BTCUSDT\",\"fundingRate\":\"-0.0001\",\"fundingRateTimestamp\":\"" +
      std::to_string(kDayStart + 8 * kHour) +
      "\"},{\"symbol\":\"BTCUSDT\",\"fundingRate\":\"0.0001\",\"fundingRateTimestamp\":\"" +
      std::to_string(kDayStart) + "\"}]},\"retExtInfo\":{},\"time\":1706659200000}";
  const Output out = run(bybit_.exchange, PerpDataset::kFunding, {body});
  EXPECT_EQ(out.stats.rows, 3);
  EXPECT_EQ(out.stats.missing, 0);
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0][3], "0.0001");
  EXPECT_EQ(out.rows[0][4], "");  // Bybit gives no mark price
  EXPECT_EQ(out.rows[2][3], "0.0003");
}

TEST_F(PerpTransform, GateFundingTimesAreSeconds) {
  const std::string body = "[{\"t\":" + std::to_string((kDayStart + 8 * kHour) / 1000) +
                           ",\"r\":\"0.000157\"},{\"t\":" + std::to_string(kDayStart / 1000) +
                           ",\"r\":\"-0.00002\"}]";
  const Output out = run(gate_.exchange, PerpDataset::kFunding, {body});
  EXPECT_EQ(out.stats.rows, 2);
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0][2], "2024-01-30T00:00:00.000Z");
  EXPECT_EQ(out.rows[0][3], "-0.00002");
  EXPECT_EQ(out.rows[1][3], "0.000157");
}

TEST_F(PerpTransform, GateOpenInterestInContractsBecomesBaseExactly) {
  std::string body = "[";
  for (int hour = 0; hour < 24; ++hour) {
    body += std::string(hour ? "," : "") + "{\"time\":" +
            std::to_string((kDayStart + hour * kHour) / 1000) + ",\"open_interest\":" +
            std::to_string(124724 + hour) + ",\"open_interest_usd\":1327.5,\"mark_price\":\"8865\"}";
  }
  const Output out = run(gate_.exchange, PerpDataset::kOpenInterest, {body + "]"}, "0.0001");
  EXPECT_EQ(out.stats.rows, 24);
  EXPECT_EQ(out.stats.missing, 0);
  ASSERT_EQ(out.rows.size(), 24u);
  EXPECT_EQ(out.rows[0], (std::vector<std::string>{"gateio", "BTC/USDT:USDT", "1h",
                                                   "2024-01-30T00:00:00.000Z", "12.4724", ""}));
}

TEST_F(PerpTransform, ACopyOfAContractCountIsACopyNotAConflict) {
  const std::string sample = "{\"time\":" + std::to_string(kDayStart / 1000) +
                             ",\"open_interest\":124724,\"mark_price\":\"8865\"}";
  const Output out = run(gate_.exchange, PerpDataset::kOpenInterest,
                         {"[" + sample + "," + sample + "]"}, "0.0001");
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.duplicates, 1);
  EXPECT_EQ(out.stats.rejects, 0);
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0][4], "12.4724");
}

TEST_F(PerpTransform, OpenInterestSamplesMissingAreRangedAndCopiesDropped) {
  std::vector<std::string> first, second;
  const auto sample = [](int hour, const std::string& oi) {
    return "{\"symbol\":\"BTCUSDT\",\"sumOpenInterest\":\"" + oi +
           "\",\"sumOpenInterestValue\":\"1000.5\",\"timestamp\":" +
           std::to_string(kDayStart + hour * kHour) + "}";
  };
  for (int hour = 0; hour < 12; ++hour) {
    if (hour < 3 || hour > 5) first.push_back(sample(hour, "20403.637"));
  }
  for (int hour = 11; hour < 24; ++hour) second.push_back(sample(hour, "20403.637"));
  const Output out =
      run(binance_.exchange, PerpDataset::kOpenInterest, {array_of(second), array_of(first)});
  EXPECT_EQ(out.stats.rows, 21);
  EXPECT_EQ(out.stats.duplicates, 1);
  EXPECT_EQ(out.stats.expected, 24);
  EXPECT_EQ(out.stats.missing, 3);
  ASSERT_EQ(out.stats.missing_ranges.size(), 1u);
  EXPECT_EQ(out.stats.missing_ranges[0].first, kDayStart + 3 * kHour);
  EXPECT_EQ(out.stats.missing_ranges[0].last, kDayStart + 5 * kHour);
  EXPECT_EQ(out.rows[0][4], "20403.637");
  EXPECT_EQ(out.rows[0][5], "1000.5");
}

TEST_F(PerpTransform, BadPointsAreRejectedWithTheirReasons) {
  const auto sample = [](int hour, const std::string& oi, const std::string& value) {
    return "{\"sumOpenInterest\":\"" + oi + "\",\"sumOpenInterestValue\":\"" + value +
           "\",\"timestamp\":" + std::to_string(kDayStart + hour * kHour) + "}";
  };
  const Output out = run(binance_.exchange, PerpDataset::kOpenInterest,
                         {array_of({sample(0, "1.5", "10"), sample(0, "1.6", "10"),
                                    sample(1, "-1", "10"), sample(2, "abc", "10"),
                                    sample(3, "1", "-5"), "{\"timestamp\":\"soon\"}", "7",
                                    sample(4, "1" + std::string(30, '0'), "1")})});
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects, 7);
  const auto count = [&](PerpRejectReason reason) {
    return out.stats.rejects_by_reason[static_cast<std::size_t>(reason)];
  };
  EXPECT_EQ(count(PerpRejectReason::kConflictingDuplicate), 1);
  EXPECT_EQ(count(PerpRejectReason::kNegative), 2);
  EXPECT_EQ(count(PerpRejectReason::kInvalidDecimal), 1);
  EXPECT_EQ(count(PerpRejectReason::kMalformed), 2);
  EXPECT_EQ(count(PerpRejectReason::kDecimalOutOfRange), 1);
  // Rejected samples were there: only hours 5 to 23 are missing.
  EXPECT_EQ(out.stats.missing, 19);
  ASSERT_EQ(out.rejects.size(), 7u);
  EXPECT_EQ(out.rejects[0][2], "bronze/p0.json");
}

TEST_F(PerpTransform, AnErrorBodyIsABadPayloadNamingTheVenue) {
  EXPECT_TRUE(unit::ThrowsError(
      [&] {
        run(binance_.exchange, PerpDataset::kFunding, {"{\"code\":-1121,\"msg\":\"Invalid symbol.\"}"});
      },
      ErrorKind::kBadPayload, {"binance", "Invalid symbol"}));
}

}  // namespace
}  // namespace cryptopipe::transform
