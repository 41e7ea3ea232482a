// Gate's spot tickers read by parse_tickers (the recorded case is in
// ticker_conformance_test.cpp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/gateio.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using unit::TestExchange;
using unit::ThrowsError;

// One ticker as /spot/tickers?currency_pair= writes it: the sizes are filled for one pair only.
std::string ticker(const std::string& pair = "BTC_USDT") {
  return R"({"currency_pair":")" + pair +
         R"(","last":"73373.9","lowest_ask":"73364.2","lowest_size":"0.5123",)"
         R"("highest_bid":"73364.1","highest_size":"1.25","change_percentage":"-7.45",)"
         R"("change_utc0":"1.2","change_utc8":"0.9","base_volume":"3410.0783503636",)"
         R"("quote_volume":"243764368.46418","high_24h":"73636.3","low_24h":"68629.9",)"
         R"("etf_net_value":"","etf_pre_net_value":null,"etf_pre_timestamp":null,)"
         R"("etf_leverage":null})";
}

class GateIoTickers : public ::testing::Test {
 protected:
  std::vector<RawTicker> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<RawTicker> tickers;
    client_.exchange.parse_tickers(*bodies_.back(), tickers);
    return tickers;
  }

  TestExchange<GateIo> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(GateIoTickers, ReadsEveryFieldGateGives) {
  const auto tickers = parse("[" + ticker() + "]");
  ASSERT_EQ(tickers.size(), 1u);
  const RawTicker& t = tickers[0];
  EXPECT_TRUE(t.malformed.empty()) << t.malformed;
  EXPECT_EQ(t.market_id, "BTC_USDT");
  EXPECT_EQ(t.last, "73373.9");
  EXPECT_EQ(t.bid, "73364.1");
  EXPECT_EQ(t.bid_size, "1.25");
  EXPECT_EQ(t.ask, "73364.2");
  EXPECT_EQ(t.ask_size, "0.5123");
  EXPECT_EQ(t.high, "73636.3");
  EXPECT_EQ(t.low, "68629.9");
  EXPECT_EQ(t.base_volume, "3410.0783503636");
  EXPECT_EQ(t.quote_volume, "243764368.46418");
  EXPECT_EQ(t.change_percent, "-7.45");  // already percent: -7.45 %
  // Gate gives neither an open price nor a timestamp.
  EXPECT_TRUE(t.open.empty());
  EXPECT_FALSE(t.ts.has_value());
}

TEST_F(GateIoTickers, SizesMissingFromTheBulkAnswerStayEmpty) {
  const auto tickers = parse(
      R"([{"currency_pair":"ETH_USDT","last":"3820.06","lowest_ask":"3820.07",)"
      R"("highest_bid":"3820.05","lowest_size":"","highest_size":""},)"
      R"({"currency_pair":"SOL_USDT","last":"140.1","lowest_ask":"140.2","highest_bid":"140.0"}])");
  ASSERT_EQ(tickers.size(), 2u);
  for (const RawTicker& t : tickers) {
    EXPECT_TRUE(t.malformed.empty()) << t.malformed;
    EXPECT_FALSE(t.bid.empty());
    EXPECT_FALSE(t.ask.empty());
    EXPECT_TRUE(t.bid_size.empty()) << t.market_id;
    EXPECT_TRUE(t.ask_size.empty()) << t.market_id;
  }
}

TEST_F(GateIoTickers, NonStringDecimalsAreLeftEmpty) {
  const auto tickers = parse(
      R"([{"currency_pair":"BTC_USDT","last":73373.9,"highest_bid":null,"lowest_ask":false,)"
      R"("high_24h":"73636.3","change_percentage":-7.45}])");
  ASSERT_EQ(tickers.size(), 1u);
  EXPECT_TRUE(tickers[0].last.empty());
  EXPECT_TRUE(tickers[0].bid.empty());
  EXPECT_TRUE(tickers[0].ask.empty());
  EXPECT_EQ(tickers[0].high, "73636.3");
  EXPECT_TRUE(tickers[0].change_percent.empty());
}

TEST_F(GateIoTickers, UnreadableTickersAreFlaggedWhileOthersParse) {
  const auto tickers = parse("[" + ticker("A_USDT") +
                             R"(,["BTC_USDT"],null,{"last":"1"},{"currency_pair":1},)" +
                             ticker("B_USDT") + "]");
  ASSERT_EQ(tickers.size(), 6u);
  EXPECT_TRUE(tickers[0].malformed.empty()) << tickers[0].malformed;
  EXPECT_EQ(tickers[1].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[2].malformed, "ticker is not an object");
  EXPECT_EQ(tickers[3].malformed, "ticker has no market id");
  EXPECT_EQ(tickers[4].malformed, "ticker has no market id");
  EXPECT_TRUE(tickers[5].malformed.empty()) << tickers[5].malformed;
  EXPECT_EQ(tickers[5].market_id, "B_USDT");
}

TEST_F(GateIoTickers, AnErrorBodyIsABadPayloadNamingItsLabel) {
  EXPECT_TRUE(ThrowsError(
      [&] { parse(R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair"})"); },
      ErrorKind::kBadPayload,
      {"gateio", "tickers", "INVALID_CURRENCY_PAIR: Invalid currency pair"}));
}

TEST_F(GateIoTickers, OtherDocumentsAndTruncatedBodiesAreBadPayloads) {
  for (const std::string text : {"null", "{}", "\"[]\"", "", "[] []", "<html>502</html>"}) {
    EXPECT_TRUE(ThrowsError([&] { parse(text); }, ErrorKind::kBadPayload, {"gateio"})) << text;
  }
  const std::string full = "[" + ticker() + "]";
  for (std::size_t length = 0; length < full.size(); ++length) {
    EXPECT_TRUE(ThrowsError([&] { parse(full.substr(0, length)); }, ErrorKind::kBadPayload))
        << "prefix of " << length << " bytes";
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
