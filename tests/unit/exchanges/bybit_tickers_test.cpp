// Bybit's spot tickers read by parse_tickers, and the fraction-to-percent scaling of its 24 h
// change (the recorded cases are in ticker_conformance_test.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/bybit.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::TestExchange;
using unit::ThrowsError;

// A spot tickers envelope around `list` (the JSON text of the entries), stamped `time`.
std::string envelope(const std::string& list, const std::string& time = "1707905549267",
                     const std::string& ret_code = "0") {
  return R"({"retCode":)" + ret_code + R"(,"retMsg":"OK","result":{"category":"spot","list":[)" +
         list + R"(]},"retExtInfo":{},"time":)" + time + "}";
}

// One spot ticker as the docs show it, every field a string.
std::string ticker(const std::string& symbol = "BTCUSDT", const std::string& pcnt = "0.025861") {
  return R"({"symbol":")" + symbol +
         R"(","bid1Price":"51444.3","bid1Size":"55.841","ask1Price":"51444.4",)"
         R"("ask1Size":"491.691","lastPrice":"51444.4","prevPrice24h":"50147.5",)"
         R"("price24hPcnt":")" + pcnt +
         R"(","highPrice24h":"51444.4","lowPrice24h":"48381.6",)"
         R"("turnover24h":"2352063794.0035","volume24h":"47293.887","usdIndexPrice":""})";
}

class BybitTickers : public ::testing::Test {
 protected:
  std::vector<RawTicker> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<RawTicker> tickers;
    client_.exchange.parse_tickers(*bodies_.back(), tickers);
    return tickers;
  }

  TestExchange<Bybit> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(BybitTickers, ReadsEveryFieldAndStampsTheResponseTime) {
  const auto tickers = parse(envelope(ticker()));
  ASSERT_EQ(tickers.size(), 1u);
  const RawTicker& t = tickers[0];
  EXPECT_TRUE(t.malformed.empty()) << t.malformed;
  EXPECT_EQ(t.market_id, "BTCUSDT");
  EXPECT_EQ(t.ts, 1707905549267);
  EXPECT_EQ(t.last, "51444.4");
  EXPECT_EQ(t.bid, "51444.3");
  EXPECT_EQ(t.bid_size, "55.841");
  EXPECT_EQ(t.ask, "51444.4");
  EXPECT_EQ(t.ask_size, "491.691");
  EXPECT_EQ(t.open, "50147.5");  // prevPrice24h: the price 24 h ago
  EXPECT_EQ(t.high, "51444.4");
  EXPECT_EQ(t.low, "48381.6");
  EXPECT_EQ(t.base_volume, "47293.887");
  EXPECT_EQ(t.quote_volume, "2352063794.0035");
  EXPECT_EQ(t.change_percent, "2.5861");  // the fraction 0.025861, in percent
}

TEST_F(BybitTickers, RetCodeAndTimeAsStringsLikeCcxtsRecordings) {
  const auto tickers = parse(envelope(ticker(), "\"1707905549268\"", "\"0\""));
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_EQ(tickers[0].ts, 1707905549268);
}

TEST_F(BybitTickers, NoTimeLeavesTheTimestampEmpty) {
  const auto tickers = parse(R"({"retCode":0,"retMsg":"OK","result":{"list":[)" + ticker() + "]}}");
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_TRUE(tickers[0].malformed.empty()) << tickers[0].malformed;
  EXPECT_FALSE(tickers[0].ts.has_value());
}

TEST_F(BybitTickers, AnUnreadableTimeIsABadPayload) {
  for (const std::string time : {"\"soon\"", "1.5", "null", "[]"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(envelope(ticker(), time)); }, ErrorKind::kBadPayload,
                            {"bybit", "time"}))
        << time;
  }
}

TEST_F(BybitTickers, EveryScaledChangeSurvivesTheOthers) {
  // The scaled texts live in storage of their own: none may move while later ones are added.
  constexpr int kCount = 2000;
  std::string list;
  for (int i = 0; i < kCount; ++i) {
    if (i > 0) list += ',';
    list += ticker("M" + std::to_string(i), "0.00" + std::to_string(i));
  }
  const auto tickers = parse(envelope(list));
  ASSERT_EQ(tickers.size(), static_cast<std::size_t>(kCount));
  for (int i = 0; i < kCount; ++i) {
    // 0.00<i> times 100 is 0.<i> ("0.000" gives "0.0").
    EXPECT_EQ(tickers[i].change_percent, "0." + std::to_string(i)) << i;
  }
}

TEST_F(BybitTickers, ChangeFieldsThatAreNotDecimalTextAreLeftEmpty) {
  const auto tickers = parse(envelope(ticker("A", "") + "," + ticker("B", "n/a") + "," +
                                      R"({"symbol":"C","price24hPcnt":0.01,"lastPrice":"1"},)"
                                      R"({"symbol":"D","lastPrice":"1"})"));
  ASSERT_EQ(tickers.size(), 4u);
  for (const RawTicker& t : tickers) {
    EXPECT_TRUE(t.malformed.empty()) << t.malformed;
    EXPECT_TRUE(t.change_percent.empty()) << t.market_id << ": " << t.change_percent;
  }
  EXPECT_EQ(tickers[2].last, "1");
}

TEST_F(BybitTickers, UnreadableTickersAreFlaggedWhileOthersParse) {
  const auto tickers = parse(envelope(ticker("AUSDT") + R"(,["BTCUSDT"],"BTCUSDT",)"
                                      R"({"lastPrice":"1"},{"symbol":7},)" + ticker("BUSDT")));
  ASSERT_EQ(tickers.size(), 6u);
  EXPECT_TRUE(tickers[0].malformed.empty()) << tickers[0].malformed;
  EXPECT_EQ(tickers[1].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[2].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[3].malformed, "ticker has no market id");
  EXPECT_EQ(tickers[4].malformed, "ticker has no market id");
  EXPECT_TRUE(tickers[5].malformed.empty()) << tickers[5].malformed;
  EXPECT_EQ(tickers[5].market_id, "BUSDT");
  EXPECT_EQ(tickers[5].change_percent, "2.5861");
}

TEST_F(BybitTickers, NonStringDecimalsAreLeftEmpty) {
  const auto tickers = parse(envelope(
      R"({"symbol":"BTCUSDT","lastPrice":51444.4,"bid1Price":null,"ask1Price":"",)"
      R"("highPrice24h":"0","volume24h":{"v":"1"}})"));
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_TRUE(tickers[0].last.empty());
  EXPECT_TRUE(tickers[0].bid.empty());
  EXPECT_TRUE(tickers[0].ask.empty());
  EXPECT_EQ(tickers[0].high, "0");
  EXPECT_TRUE(tickers[0].base_volume.empty());
}

TEST_F(BybitTickers, ErrorEnvelopesAndOtherDocumentsAreBadPayloads) {
  EXPECT_TRUE(ThrowsError(
      [&] { parse(R"({"retCode":10001,"retMsg":"Not supported symbols","result":{},"time":1})"); },
      ErrorKind::kBadPayload, {"bybit", "tickers", "retCode 10001", "Not supported symbols"}));
  for (const std::string& text : std::vector<std::string>{
           R"({"retCode":0,"retMsg":"OK","result":{}})", R"({"retCode":0,"result":{"list":{}}})",
        R"([{"symbol":"BTCUSDT"}])", R"({"retMsg":"OK","result":{"list":[]}})", "", "null",
        envelope(ticker()).substr(0, 40)}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload, {"bybit"})) << text;
  }
}

// The exact decimal shift, as a table.
struct Scaling {
  const char* fraction;
  const char* percent;  // "" for text that is not a decimal
};

class BybitPercentFromFraction : public ::testing::TestWithParam<Scaling> {};

TEST_P(BybitPercentFromFraction, MovesThePointTwoPlaces) {
  EXPECT_EQ(percent_from_fraction(GetParam().fraction), GetParam().percent);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BybitPercentFromFraction,
    ::testing::Values(
        // The docs' and ccxt's examples.
        Scaling{"0.025861", "2.5861"}, Scaling{"-0.0068", "-0.68"}, Scaling{"0.0068", "0.68"},
        // Zero, however written, is 0 %, without a sign.
        Scaling{"0", "0"}, Scaling{"0.0", "0"}, Scaling{"0.00", "0"}, Scaling{"0.000", "0.0"},
        Scaling{"-0", "0"}, Scaling{"-0.00", "0"}, Scaling{"-0.0000", "0.00"},
        // Integers and short fractions gain zeros.
        Scaling{"1", "100"}, Scaling{"1.5", "150"}, Scaling{"-1.5", "-150"}, Scaling{"12", "1200"},
        Scaling{"0.1", "10"}, Scaling{"-0.1", "-10"}, Scaling{"0.01", "1"}, Scaling{"3.25", "325"},
        // Long fractions keep every digit, trailing zeros included (the exchange's precision).
        Scaling{"0.123456789012345678901234", "12.3456789012345678901234"},
        Scaling{"-0.00000001", "-0.000001"}, Scaling{"0.12340", "12.340"},
        Scaling{"123456789.987654321", "12345678998.7654321"},
        // Leading zeros, which is_decimal tolerates, are dropped.
        Scaling{"00.5", "50"}, Scaling{"007", "700"},
        // Not decimal text: left empty, then rejected as a missing or invalid value.
        Scaling{"", ""}, Scaling{"-", ""}, Scaling{".5", ""}, Scaling{"5.", ""},
        Scaling{"+0.1", ""}, Scaling{"1e-3", ""}, Scaling{"0.1 ", ""}, Scaling{"abc", ""},
        Scaling{"1,5", ""}, Scaling{"--1", ""}, Scaling{"NaN", ""}));

}  // namespace
}  // namespace cryptopipe::exchanges
