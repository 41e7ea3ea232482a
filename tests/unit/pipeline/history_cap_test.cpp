// A venue that serves only its most recent candles (ExchangeDescriptor::ohlcv_history_candles)
// cannot reach an older partition: require_within_history says so, naming the cap.
#include <gtest/gtest.h>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"

namespace cryptopipe::pipeline {
namespace {

constexpr TimestampMs kMinute = 60'000;

ExchangeConfig gate(std::vector<std::string> timeframes) {
  ExchangeConfig config{.name = "gateio"};
  for (const std::string& timeframe : timeframes) {
    config.timeframes.push_back(Timeframe::parse(timeframe));
  }
  return config;
}

TEST(HistoryCap, GateServesTenThousandCandlesBack) {
  EXPECT_EQ(exchanges::find_exchange("gateio").ohlcv_history_candles, 10000);
  EXPECT_EQ(exchanges::find_exchange("binance").ohlcv_history_candles, 0);
}

TEST(HistoryCap, ADayWhoseFirstCandleIsWithinTheCapIsReachable) {
  const UtcDay day = UtcDay::parse("2026-11-20");
  // The open candle counts: 9,999 earlier candles reach back exactly to the day's first.
  const TimestampMs now = day.start_ms() + 9999 * kMinute + 30'000;
  EXPECT_NO_THROW(require_within_history(gate({"1m"}), day, now));
}

TEST(HistoryCap, ADayOneCandleBeyondTheCapIsRefusedNamingTheCap) {
  const UtcDay day = UtcDay::parse("2026-11-20");
  const TimestampMs now = day.start_ms() + 10000 * kMinute;
  try {
    require_within_history(gate({"1h", "1m"}), day, now);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInvalidInput);
    EXPECT_TRUE(e.is_usage_error());
    EXPECT_EQ(std::string(e.what()),
              "gateio serves only its 10000 most recent 1m candles (from "
              "2026-11-20T00:01:00.000Z on): partition 2026-11-20 is out of its reach; choose a "
              "later day or a longer timeframe");
  }
}

TEST(HistoryCap, ALongerTimeframeReachesFurtherBack) {
  const UtcDay day = UtcDay::parse("2026-01-01");
  const TimestampMs now = UtcDay::parse("2026-11-20").start_ms();
  EXPECT_NO_THROW(require_within_history(gate({"1h", "1d"}), day, now));
  EXPECT_THROW(require_within_history(gate({"1h", "15m"}), day, now), Error);
}

TEST(HistoryCap, AVenueWithItsWholeHistoryReachesAnyDay) {
  ExchangeConfig binance{.name = "binance", .timeframes = {Timeframe::parse("1m")}};
  EXPECT_NO_THROW(require_within_history(binance, UtcDay::parse("2017-08-17"),
                                         UtcDay::parse("2026-11-20").start_ms()));
}

}  // namespace
}  // namespace cryptopipe::pipeline
