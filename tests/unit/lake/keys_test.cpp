#include "cryptopipe/lake/keys.h"

#include <gtest/gtest.h>

#include <string>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe::lake {
namespace {

using unit::ThrowsError;

constexpr const char* kRunId = "20261126T101459870Z-1a2b3c4d5e6f";
constexpr const char* kExampleKey =
    "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/"
    "20261126T101500123Z-20261126T101459870Z-1a2b3c4d5e6f-0001-ab12cd34ef56.json";

SeriesId btc_1m() {
  return SeriesId{.exchange = "binance",
                  .dataset = "ohlcv",
                  .symbol = Symbol::parse("BTC/USDT"),
                  .timeframe = "1m"};
}

TEST(ValidateKey, AcceptsTheLakeLayout) {
  for (const std::string& key :
       {std::string(kExampleKey),
        std::string("bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/_extractions/"
                    "20261126T101500123Z-1a2b3c.json"),
        std::string("silver/ohlcv/dt=2026-11-25/run=20261126T101500123Z-1a2b3c/ohlcv.parquet"),
        std::string("a"), std::string("a.b"), std::string("a..b"), std::string("x/y_z=1-2.3"),
        std::string(1024, 'k')}) {
    EXPECT_NO_THROW(validate_key(key)) << key;
  }
}

TEST(ValidateKey, RefusesKeysThatCouldEscapeOrCollideNamingTheKey) {
  for (const std::string& key :
       {std::string("../x"), std::string("a/../../b"), std::string("a/.."), std::string(".."),
        std::string("."), std::string("./a"), std::string("a/./b"), std::string("/abs"),
        std::string("/"), std::string("a//b"), std::string("a/"), std::string(".meta/x"),
        std::string(".tmp/x"), std::string("a/.hidden"), std::string("a b"), std::string("a\\b"),
        std::string("a\tb"), std::string("a\nb"), std::string("a:b"), std::string("a*b"),
        std::string("caf\xc3\xa9"), std::string(""),
        std::string(2000, 'k'), std::string(1025, 'k')}) {
    EXPECT_TRUE(ThrowsError([&] { validate_key(key); }, ErrorKind::kInvalidInput, {key}))
        << "'" << key << "'";
  }
  // A NUL byte too (what() would stop at it, so only the kind is checked).
  EXPECT_TRUE(ThrowsError([] { validate_key(std::string("a\0b", 3)); }, ErrorKind::kInvalidInput));
}

TEST(LakeKeys, BronzeObjectKeyFollowsTheLayout) {
  const UtcDay day = UtcDay::parse("2026-11-25");
  const TimestampMs fetched =
      UtcDay::parse("2026-11-26").start_ms() + 10 * kMillisPerHour + 15 * kMillisPerMinute + 123;
  const std::string sha = "ab12cd34ef56" + std::string(52, '0');
  const std::string key = bronze_object_key(btc_1m(), day, fetched, kRunId, 1, sha);
  EXPECT_EQ(key, kExampleKey);
  EXPECT_NO_THROW(validate_key(key));
  EXPECT_EQ(bronze_object_key(btc_1m(), day, fetched, kRunId, 1234, sha).substr(47),
            "20261126T101500123Z-20261126T101459870Z-1a2b3c4d5e6f-1234-ab12cd34ef56.json");
}

// Regression (issue 11): two runs of one partition fetched the same page in the same
// millisecond with the same bytes, and the second one's write failed with "already exists".
TEST(LakeKeys, TheSamePageFetchedByTwoRunsInOneMillisecondGetsTwoKeys) {
  const UtcDay day = UtcDay::parse("2026-11-25");
  const TimestampMs fetched = UtcDay::parse("2026-11-26").start_ms() + 123;
  const std::string sha(64, 'a');
  const std::string first =
      bronze_object_key(btc_1m(), day, fetched, "20261126T000000001Z-000000000001", 0, sha);
  const std::string second =
      bronze_object_key(btc_1m(), day, fetched, "20261126T000000001Z-000000000002", 0, sha);
  EXPECT_NE(first, second);
  EXPECT_EQ(first.substr(0, 67), second.substr(0, 67)) << "the prefix stays deterministic";
  // Keys of a partition list in fetch-time order, whichever run fetched them.
  const std::string later = bronze_object_key(btc_1m(), day, fetched + 1,
                                              "20261126T000000000Z-000000000000", 0, sha);
  EXPECT_LT(second, later);
}

TEST(LakeKeys, PrefixesFollowTheLayout) {
  const UtcDay day = UtcDay::parse("2026-11-25");
  EXPECT_EQ(bronze_partition_prefix(btc_1m(), day), "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/");
  EXPECT_EQ(bronze_month_prefix(btc_1m(), day), "bronze/binance/ohlcv/BTC-USDT/1m/month=2026-11/");
  EXPECT_NO_THROW(validate_key(bronze_month_prefix(btc_1m(), day) + "x.zip"));
  EXPECT_EQ(extraction_manifest_prefix(btc_1m(), day),
            "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/_extractions/");
  EXPECT_EQ(extraction_manifest_key(btc_1m(), day, "20261126T101500123Z-1a2b3c"),
            "bronze/binance/ohlcv/BTC-USDT/1m/dt=2026-11-25/_extractions/"
            "20261126T101500123Z-1a2b3c.json");
  EXPECT_EQ(silver_partition_prefix("ohlcv", day), "silver/ohlcv/dt=2026-11-25/");
  EXPECT_EQ(silver_run_prefix("ohlcv", day, "20261126T101500123Z-1a2b3c"),
            "silver/ohlcv/dt=2026-11-25/run=20261126T101500123Z-1a2b3c/");
  EXPECT_NO_THROW(validate_key(extraction_manifest_key(btc_1m(), day, "r1")));
}

TEST(LakeKeys, KeysOfDifferentSeriesNeverShareAPrefix) {
  const UtcDay day = UtcDay::parse("2026-11-25");
  SeriesId other = btc_1m();
  other.symbol = Symbol::parse("BTC/USDC");
  const std::string a = bronze_partition_prefix(btc_1m(), day);
  const std::string b = bronze_partition_prefix(other, day);
  EXPECT_NE(a.rfind(b, 0), 0u);
  EXPECT_NE(b.rfind(a, 0), 0u);
  other = btc_1m();
  other.timeframe = "1h";
  EXPECT_NE(bronze_partition_prefix(other, day), a);
  EXPECT_NE(bronze_partition_prefix(btc_1m(), day.next()), a);
}

}  // namespace
}  // namespace cryptopipe::lake
