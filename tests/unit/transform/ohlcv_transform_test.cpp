#include "cryptopipe/transform/ohlcv_transform.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/exchanges/kraken.h"
#include "cryptopipe/lake/file_store.h"
#include "cryptopipe/transform/silver_parquet.h"
#include "unit/transform/silver_table.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::transform {
namespace {

using unit::ScratchDir;
using unit::TestBinance;

const UtcDay kDay = UtcDay::parse("2024-01-30");
const TimestampMs kStart = kDay.start_ms();  // 1706572800000
constexpr TimestampMs kHour = kMillisPerHour;

// A Binance kline row for the hour opening at kStart + hours.
std::string kline(int hours, const std::string& open = "43519.34000000",
                  const std::string& close = "43488.71000000") {
  const TimestampMs open_time = kStart + hours * kHour;
  return "[" + std::to_string(open_time) + ",\"" + open + "\",\"43936.00000000\",\"43171.00000000\",\"" +
         close + "\",\"20.55495000\"," + std::to_string(open_time + kHour - 1) +
         ",\"891428.42858070\"," + std::to_string(3700 + hours) +
         ",\"10.91428000\",\"473782.95739920\",\"0\"]";
}

std::string page(const std::vector<std::string>& rows) {
  std::string body = "[";
  for (const std::string& row : rows) body += (body.size() > 1 ? "," : "") + row;
  return body + "]";
}

class OhlcvTransform : public ::testing::Test {
 protected:
  lake::SeriesId series() const {
    return {.exchange = "binance", .dataset = "ohlcv", .symbol = Symbol::parse("BTC/USDT"),
            .timeframe = "1h"};
  }

  BronzePage add_page(const std::string& body, TimestampMs requested_at) {
    const std::string key = lake::bronze_object_key(series(), kDay, requested_at, "run-1",
                                                    static_cast<int>(++pages_), "0123456789ab");
    store_.put(key, body);
    return {.key = key, .requested_at = requested_at};
  }

  struct Output {
    SeriesStats stats;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::vector<std::string>> rejects;
  };

  Output run(const std::vector<BronzePage>& pages, TimestampMs expected_until,
             OhlcvSeriesTransformer* transformer = nullptr) {
    const std::string prefix = "silver/ohlcv/dt=2024-01-30/run=r" + std::to_string(++runs_) + "/";
    SilverParquetWriter rows(store_, prefix + "ohlcv.parquet", ohlcv_schema(), 3);
    SilverParquetWriter rejects(store_, prefix + "rejects.parquet", ohlcv_reject_schema(), 3);
    SeriesInput input{.series = series(),
                      .timeframe = Timeframe::parse("1h"),
                      .day = kDay,
                      .pages = pages,
                      .expected_until = expected_until};
    Output out;
    out.stats = (transformer ? *transformer : transformer_).run(input, rows, rejects);
    EXPECT_EQ(static_cast<std::int64_t>(rows.rows()), out.stats.rows);
    EXPECT_EQ(static_cast<std::int64_t>(rejects.rows()), out.stats.rejects);
    rows.finish();
    rejects.finish();
    out.rows = read_silver_table(store_, prefix + "ohlcv.parquet", ohlcv_schema());
    out.rejects = read_silver_table(store_, prefix + "rejects.parquet", ohlcv_reject_schema());
    return out;
  }

  ScratchDir scratch_;
  lake::FileStore store_{scratch_.path()};
  TestBinance client_;
  OhlcvSeriesTransformer transformer_{store_, client_.exchange};
  std::size_t pages_ = 0;
  int runs_ = 0;
};

TEST_F(OhlcvTransform, TablesHaveTheDocumentedColumns) {
  EXPECT_EQ(column_names(ohlcv_schema()),
            (std::vector<std::string_view>{"exchange", "symbol", "timeframe", "open_time", "open",
                                           "high", "low", "close", "volume", "quote_volume",
                                           "trade_count", "is_closed"}));
  EXPECT_EQ(column_names(ohlcv_reject_schema()),
            (std::vector<std::string_view>{"exchange", "symbol", "timeframe", "bronze_key", "row",
                                           "open_time", "reason"}));
}

TEST_F(OhlcvTransform, WritesAcceptedRowsWithTheExactValues) {
  const BronzePage p = add_page(page({kline(0), kline(1, "43488.71000000", "43500")}),
                                kStart + 5 * kHour);
  const Output out = run({p}, kStart + 2 * kHour);
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.rejects, 0);
  EXPECT_EQ(out.stats.open_rows, 0);
  EXPECT_EQ(out.stats.bytes_in, static_cast<std::int64_t>(store_.read(p.key).size()));
  EXPECT_TRUE(out.stats.gaps.empty());
  ASSERT_EQ(out.rows.size(), 2u);
  // Values come back in their shortest exact form: the trailing zeros Binance pads with are not
  // digits of the value.
  EXPECT_EQ(out.rows[0],
            (std::vector<std::string>{"binance", "BTC/USDT", "1h", "2024-01-30T00:00:00.000Z",
                                      "43519.34", "43936", "43171", "43488.71", "20.55495",
                                      "891428.4285807", "3700", "true"}));
  EXPECT_EQ(out.rows[1],
            (std::vector<std::string>{"binance", "BTC/USDT", "1h", "2024-01-30T01:00:00.000Z",
                                      "43488.71", "43936", "43171", "43500", "20.55495",
                                      "891428.4285807", "3701", "true"}));
  EXPECT_TRUE(out.rejects.empty());
}

TEST_F(OhlcvTransform, TakesEachPageInOpenTimeOrderAndDropsDuplicatesAndOutOfOrderRows) {
  const BronzePage p1 = add_page(page({kline(0), kline(2)}), kStart + 3 * kHour);
  const BronzePage p2 = add_page(
      page({kline(2, "43500.00000000", "43488.71000000"), kline(1), kline(3), kline(5), kline(4),
            "{\"not\":\"a row\"}"}),
      kStart + 5 * kHour + 30 * kMillisPerMinute);
  const Output out = run({p1, p2}, kStart + 8 * kHour);

  ASSERT_EQ(out.rows.size(), 5u);
  const std::vector<std::string> expected_times = {
      "2024-01-30T00:00:00.000Z", "2024-01-30T02:00:00.000Z", "2024-01-30T03:00:00.000Z",
      "2024-01-30T04:00:00.000Z", "2024-01-30T05:00:00.000Z"};
  for (std::size_t i = 0; i < out.rows.size(); ++i) EXPECT_EQ(out.rows[i][3], expected_times[i]);
  // The first version of 02:00 is kept, not the later duplicate.
  EXPECT_EQ(out.rows[1][4], "43519.34");
  // Fetched at 05:30, the 05:00 candle of the second page was still forming.
  EXPECT_EQ(out.rows[3][11], "true");
  EXPECT_EQ(out.rows[4][11], "false");
  // 01:00 came only in a later page than 02:00: it is missing, like 06:00 and 07:00.
  ASSERT_EQ(out.stats.gaps.size(), 2u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart + kHour);
  EXPECT_EQ(out.stats.gaps[1].first, kStart + 6 * kHour);
  EXPECT_EQ(out.stats.missing, 3);

  EXPECT_EQ(out.stats.rows, 5);
  EXPECT_EQ(out.stats.rejects, 3);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kDuplicate)], 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kOutOfOrder)], 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kMalformedRow)], 1);

  // Row-level rejects first, in page order; then the series' own, in open-time order.
  ASSERT_EQ(out.rejects.size(), 3u);
  EXPECT_EQ(out.rejects[0], (std::vector<std::string>{"binance", "BTC/USDT", "1h", p2.key, "5", "",
                                                      "malformed_row"}));
  EXPECT_EQ(out.rejects[1],
            (std::vector<std::string>{"binance", "BTC/USDT", "1h", p2.key, "1",
                                      std::to_string(kStart + kHour), "out_of_order"}));
  EXPECT_EQ(out.rejects[2],
            (std::vector<std::string>{"binance", "BTC/USDT", "1h", p2.key, "0",
                                      std::to_string(kStart + 2 * kHour), "duplicate"}));
}

// Regression (issue 7, fault suite): an exchange that sent a page's candles out of order lost
// every candle that came after a later one.
TEST_F(OhlcvTransform, AShuffledPageLosesNoCandle) {
  const BronzePage p =
      add_page(page({kline(3), kline(0), kline(2), kline(1), kline(1)}), kStart + 9 * kHour);
  const Output out = run({p}, kStart + 4 * kHour);
  ASSERT_EQ(out.rows.size(), 4u);
  for (std::size_t i = 0; i < out.rows.size(); ++i) {
    EXPECT_EQ(out.rows[i][3], "2024-01-30T0" + std::to_string(i) + ":00:00.000Z");
  }
  EXPECT_TRUE(out.stats.gaps.empty());
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kDuplicate)], 1);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_EQ(out.rejects[0][4], "4") << "the second 01:00 sent is the duplicate";
}

TEST_F(OhlcvTransform, ACandleWhoseDecimalsDoNotFitItsColumnsIsRejectedNotRounded) {
  // Prices are DECIMAL(28,12), volumes DECIMAL(38,18).
  const std::string huge = "\"12345678901234567\"";  // 17 integer digits
  const std::string huge_candle = "[" + std::to_string(kStart + kHour) + "," + huge + "," + huge +
                                  "," + huge + "," + huge + ",\"1\"," +
                                  std::to_string(kStart + 2 * kHour - 1) + ",\"1\",1]";
  const BronzePage p = add_page(
      page({kline(0, "43519.3400000000001"), huge_candle, kline(2, "43519.340000000000000000000")}),
      kStart + 5 * kHour);
  const Output out = run({p}, kStart + 3 * kHour);
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kDecimalOutOfRange)], 2);
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0], (std::vector<std::string>{"binance", "BTC/USDT", "1h", p.key, "0",
                                                      std::to_string(kStart),
                                                      "decimal_out_of_range"}));
  EXPECT_EQ(out.rejects[1][4], "1");
  ASSERT_EQ(out.rows.size(), 1u);
  EXPECT_EQ(out.rows[0][4], "43519.34") << "zeros past the scale are not digits of the value";
  // A rejected candle is missing, like any other.
  ASSERT_EQ(out.stats.gaps.size(), 1u);
  EXPECT_EQ(out.stats.gaps[0].missing, 2);
}

TEST_F(OhlcvTransform, MarksTheCandleStillFormingAtTheFetchAsOpen) {
  // Fetched at 05:30: the 05:00 candle closes at 06:00, after the fetch.
  const BronzePage p = add_page(page({kline(3), kline(4), kline(5)}),
                                kStart + 5 * kHour + 30 * kMillisPerMinute);
  const Output out = run({p}, kStart + 6 * kHour);
  ASSERT_EQ(out.rows.size(), 3u);
  EXPECT_EQ(out.rows[0][11], "true");
  EXPECT_EQ(out.rows[1][11], "true");
  EXPECT_EQ(out.rows[2][11], "false");
  EXPECT_EQ(out.stats.open_rows, 1);
}

TEST_F(OhlcvTransform, AFinalVersionFromALaterPageIsADuplicateOfTheOpenOne) {
  const BronzePage early = add_page(page({kline(0)}), kStart + 30 * kMillisPerMinute);
  const BronzePage late = add_page(page({kline(0), kline(1)}), kStart + 3 * kHour);
  const Output out = run({early, late}, kStart + 2 * kHour);
  ASSERT_EQ(out.rows.size(), 2u);
  EXPECT_EQ(out.rows[0][11], "false");
  EXPECT_EQ(out.rows[1][11], "true");
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kDuplicate)], 1);
}

TEST_F(OhlcvTransform, FindsGapsWithTheirMissingCounts) {
  const BronzePage p = add_page(page({kline(0), kline(1), kline(2), kline(3), kline(5)}),
                                kStart + 9 * kHour);
  const Output out = run({p}, kStart + 8 * kHour);
  ASSERT_EQ(out.stats.gaps.size(), 2u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart + 4 * kHour);
  EXPECT_EQ(out.stats.gaps[0].last, kStart + 4 * kHour);
  EXPECT_EQ(out.stats.gaps[0].missing, 1);
  EXPECT_EQ(out.stats.gaps[1].first, kStart + 6 * kHour);
  EXPECT_EQ(out.stats.gaps[1].last, kStart + 7 * kHour);
  EXPECT_EQ(out.stats.gaps[1].missing, 2);
  EXPECT_EQ(out.stats.missing, 3);
}

TEST_F(OhlcvTransform, FindsAGapAtTheStartOfTheDay) {
  const BronzePage p = add_page(page({kline(2), kline(3)}), kStart + 9 * kHour);
  const Output out = run({p}, kStart + 4 * kHour);
  ASSERT_EQ(out.stats.gaps.size(), 1u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart);
  EXPECT_EQ(out.stats.gaps[0].last, kStart + kHour);
  EXPECT_EQ(out.stats.gaps[0].missing, 2);
}

TEST_F(OhlcvTransform, ExpectsCandlesOnlyUntilExpectedUntil) {
  const BronzePage p = add_page(page({kline(0), kline(1), kline(2), kline(3), kline(5)}),
                                kStart + 9 * kHour);
  // Up to 04:00 (exclusive) everything is there; the missing 04:00 is not expected yet.
  EXPECT_TRUE(run({p}, kStart + 4 * kHour).stats.gaps.empty());
  const Output until5 = run({p}, kStart + 5 * kHour);
  ASSERT_EQ(until5.stats.gaps.size(), 1u);
  EXPECT_EQ(until5.stats.gaps[0].first, kStart + 4 * kHour);
  EXPECT_EQ(until5.stats.missing, 1);
  // Rows after expected_until are still written.
  EXPECT_EQ(until5.stats.rows, 5);
}

TEST_F(OhlcvTransform, ExpectedUntilIsCappedAtTheDaysEnd) {
  const BronzePage p = add_page(page({kline(0)}), kDay.end_ms() + kHour);
  const Output out = run({p}, kDay.end_ms() + 5 * kMillisPerDay);
  ASSERT_EQ(out.stats.gaps.size(), 1u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart + kHour);
  EXPECT_EQ(out.stats.gaps[0].last, kStart + 23 * kHour);
  EXPECT_EQ(out.stats.missing, 23);
}

TEST_F(OhlcvTransform, NoPagesMeansTheWholeExpectedRangeIsMissing) {
  const Output out = run({}, kDay.end_ms());
  EXPECT_EQ(out.stats.rows, 0);
  ASSERT_EQ(out.stats.gaps.size(), 1u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart);
  EXPECT_EQ(out.stats.gaps[0].last, kStart + 23 * kHour);
  EXPECT_EQ(out.stats.missing, 24);
  EXPECT_TRUE(out.rows.empty());
}

TEST_F(OhlcvTransform, RejectsRowsOutsideThePartitionAndInvalidRows) {
  const std::string yesterday =
      "[" + std::to_string(kStart - kHour) +
      ",\"1\",\"1\",\"1\",\"1\",\"1\"," + std::to_string(kStart - 1) + ",\"1\",1]";
  const std::string high_below_low =
      "[" + std::to_string(kStart) + ",\"1\",\"1\",\"2\",\"1\",\"1\"," +
      std::to_string(kStart + kHour - 1) + ",\"1\",1]";
  const BronzePage p = add_page(page({yesterday, high_below_low, kline(1)}), kStart + 9 * kHour);
  const Output out = run({p}, kStart + 2 * kHour);
  EXPECT_EQ(out.stats.rows, 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kOutsidePartition)], 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kHighBelowLow)], 1);
  ASSERT_EQ(out.rejects.size(), 2u);
  EXPECT_EQ(out.rejects[0][6], "outside_partition");
  EXPECT_EQ(out.rejects[1][6], "high_below_low");
  // The rejected 00:00 candle is a gap.
  ASSERT_EQ(out.stats.gaps.size(), 1u);
  EXPECT_EQ(out.stats.gaps[0].first, kStart);
}

// Kraken's answers run on to the candle still open: the rows after the day belong to the next
// days and are left out without a reject; a row before the day is still rejected.
TEST_F(OhlcvTransform, RowsAfterTheDayFromAVenueWhoseAnswersRunToNowAreLeftOut) {
  unit::TestExchange<exchanges::Kraken> kraken;
  OhlcvSeriesTransformer transformer{store_, kraken.exchange};
  std::string rows;
  for (const int hours : {-1, 22, 23, 24, 25}) {
    rows += (rows.empty() ? "[" : ",[") + std::to_string((kStart + hours * kHour) / 1000) +
            R"(,"1","1","1","1","1","1",1])";
  }
  const BronzePage p = add_page(R"({"error":[],"result":{"XBTUSDT":[)" + rows + "]}}",
                                kStart + 25 * kHour + 60'000);
  const Output out = run({p}, kDay.end_ms(), &transformer);
  EXPECT_EQ(out.stats.rows, 2);
  EXPECT_EQ(out.stats.rejects, 1);
  EXPECT_EQ(out.stats.rejects_by_reason[static_cast<int>(RejectReason::kOutsidePartition)], 1);
}

TEST_F(OhlcvTransform, AMissingWeeklyCandleOnItsMondayIsOneMissingCandle) {
  const UtcDay monday = UtcDay::parse("2024-01-29");
  const std::string prefix = "silver/weekly/";
  SilverParquetWriter rows(store_, prefix + "rows.parquet", ohlcv_schema(), 3);
  SilverParquetWriter rejects(store_, prefix + "rejects.parquet", ohlcv_reject_schema(), 3);
  lake::SeriesId weekly = series();
  weekly.timeframe = "1w";
  SeriesInput input{.series = weekly, .timeframe = Timeframe::parse("1w"), .day = monday,
                    .pages = {}, .expected_until = monday.end_ms()};
  const SeriesStats stats = transformer_.run(input, rows, rejects);
  ASSERT_EQ(stats.gaps.size(), 1u);
  EXPECT_EQ(stats.gaps[0].first, monday.start_ms());
  EXPECT_EQ(stats.gaps[0].last, monday.start_ms()) << "a gap must not end before it starts";
  EXPECT_EQ(stats.gaps[0].missing, 1);
  EXPECT_EQ(stats.missing, 1);
}

TEST_F(OhlcvTransform, NoWeeklyCandleIsExpectedOnOtherDays) {
  const UtcDay tuesday = UtcDay::parse("2024-01-30");
  SilverParquetWriter rows(store_, "silver/weekly2/rows.parquet", ohlcv_schema(), 3);
  SilverParquetWriter rejects(store_, "silver/weekly2/rejects.parquet", ohlcv_reject_schema(), 3);
  lake::SeriesId weekly = series();
  weekly.timeframe = "1w";
  SeriesInput input{.series = weekly, .timeframe = Timeframe::parse("1w"), .day = tuesday,
                    .pages = {}, .expected_until = tuesday.end_ms()};
  const SeriesStats stats = transformer_.run(input, rows, rejects);
  EXPECT_TRUE(stats.gaps.empty());
  EXPECT_EQ(stats.missing, 0);
}

TEST_F(OhlcvTransform, ABadPageFailsTheRun) {
  const BronzePage p = add_page("{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", kStart + kHour);
  SilverParquetWriter rows(store_, "silver/x/rows.parquet", ohlcv_schema(), 3);
  SilverParquetWriter rejects(store_, "silver/x/rejects.parquet", ohlcv_reject_schema(), 3);
  SeriesInput input{.series = series(), .timeframe = Timeframe::parse("1h"), .day = kDay,
                    .pages = {p}, .expected_until = kDay.end_ms()};
  try {
    transformer_.run(input, rows, rejects);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kBadPayload) << e.what();
  }
}

TEST_F(OhlcvTransform, AMissingPageIsNotFound) {
  SilverParquetWriter rows(store_, "silver/x/rows.parquet", ohlcv_schema(), 3);
  SilverParquetWriter rejects(store_, "silver/x/rejects.parquet", ohlcv_reject_schema(), 3);
  SeriesInput input{.series = series(), .timeframe = Timeframe::parse("1h"), .day = kDay,
                    .pages = {{.key = "bronze/none.json", .requested_at = kStart}},
                    .expected_until = kDay.end_ms()};
  try {
    transformer_.run(input, rows, rejects);
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kNotFound) << e.what();
  }
}

TEST_F(OhlcvTransform, EachRunStartsAfresh) {
  const BronzePage p = add_page(page({kline(0), kline(1)}), kStart + 9 * kHour);
  const Output first = run({p}, kStart + 2 * kHour);
  const Output second = run({p}, kStart + 2 * kHour);
  EXPECT_EQ(second.stats.rows, 2);
  EXPECT_EQ(second.stats.rejects, 0);
  EXPECT_EQ(second.rows, first.rows);
}

}  // namespace
}  // namespace cryptopipe::transform
