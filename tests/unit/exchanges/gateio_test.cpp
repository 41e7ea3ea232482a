#include "cryptopipe/exchanges/gateio.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "unit/exchange_for_tests.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"
#include "support/test_paths.h"

namespace cryptopipe::exchanges {
namespace {

using unit::LocalHttpServer;
using unit::TestExchange;
using unit::ThrowsError;

class GateIoParse : public ::testing::Test {
 protected:
  std::vector<RawCandle> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(*bodies_.back(), rows);
    return rows;
  }

  TestExchange<GateIo> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(GateIoParse, MatchesTheCcxtFixture) {
  std::ifstream in(std::filesystem::path(CRYPTOPIPE_FIXTURES_DIR) / "ccxt-static" / "gate" /
                   "fetchOHLCV-1.json");
  const nlohmann::json recorded = nlohmann::json::parse(in);
  const nlohmann::json& response = recorded.at("httpResponse");
  const nlohmann::json& parsed = recorded.at("parsedResponse");
  const auto rows = parse(response.dump());
  ASSERT_EQ(rows.size(), parsed.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_TRUE(rows[i].malformed.empty()) << rows[i].malformed;
    EXPECT_EQ(rows[i].open_time, parsed[i][0].get<std::int64_t>());  // seconds on the wire
    const std::string_view fields[] = {rows[i].open, rows[i].high, rows[i].low, rows[i].close,
                                       rows[i].volume};
    for (int f = 0; f < 5; ++f) {
      EXPECT_EQ(compare_decimal(fields[f], parsed[i][f + 1].dump()), 0)
          << "field " << f + 1 << ": " << fields[f] << " vs ccxt " << parsed[i][f + 1].dump();
    }
    EXPECT_EQ(rows[i].quote_volume, response[i][1].get<std::string>());  // index 1: quote volume
    ASSERT_TRUE(rows[i].closed.has_value());
    EXPECT_FALSE(*rows[i].closed);  // the recorded candle was still forming ("false")
  }
}

TEST_F(GateIoParse, ClosedFlagAndMalformedRows) {
  const auto rows = parse(
      R"([["1710327600","10","3","4","1","2","5","true"],["1710331200","10","3","4","1","2","5","maybe"],)"
      R"(["x","1","1","1","1","1","1","true"],["1710334800","1"]])");
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_TRUE(rows[0].malformed.empty());
  EXPECT_EQ(rows[0].open_time, 1710327600000);
  EXPECT_EQ(rows[0].open, "2");
  EXPECT_EQ(rows[0].high, "4");
  EXPECT_EQ(rows[0].low, "1");
  EXPECT_EQ(rows[0].close, "3");
  EXPECT_EQ(rows[0].volume, "5");
  EXPECT_EQ(rows[0].closed, true);
  EXPECT_EQ(rows[1].malformed, "closed flag is not \"true\" or \"false\"");
  EXPECT_EQ(rows[2].malformed, "open time is not an integer of seconds in range");
  EXPECT_EQ(rows[3].malformed, "row has fewer than 8 fields");
}

TEST_F(GateIoParse, ATimeBeyondWhatMillisecondsHoldIsMalformed) {
  // Found by fuzzing: the seconds were multiplied into milliseconds without an overflow check.
  const auto rows = parse(R"([["16713401124054624", "1.5", "3", "2", "2.5", "1", "0.5", "true"]])");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].malformed, "open time is not an integer of seconds in range");
}

TEST_F(GateIoParse, AnErrorObjectIsABadPayload) {
  EXPECT_TRUE(ThrowsError(
      [&] { parse(R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair"})"); },
      ErrorKind::kBadPayload, {"gateio", "candlesticks"}));
}

TEST(GateIoIntervals, WeeklyIsSevenDaysAndThereIsNoThreeMinute) {
  EXPECT_EQ(GateIo::interval_token(Timeframe::parse("1w")), "7d");
  EXPECT_EQ(GateIo::interval_token(Timeframe::parse("4h")), "4h");
  EXPECT_FALSE(GateIo::interval_token(Timeframe::parse("3m")));
  EXPECT_FALSE(GateIo::interval_token(Timeframe::parse("2h")));
}

class FakeGateIo : public ::testing::Test {
 protected:
  void answer(int status, std::string body, httplib::Headers headers = {}) {
    server_.server().Get(".*", [this, status, body, headers](const httplib::Request& req,
                                                             httplib::Response& res) {
      last_query_ = req.target;
      res.status = status;
      for (const auto& [name, value] : headers) res.set_header(name, value);
      res.set_content(body, "application/json");
    });
    server_.start();
    client_ = std::make_unique<TestExchange<GateIo>>(
        server_.base_url(), net::RetrySettings{.max_attempts = 2,
                                               .base_delay = std::chrono::milliseconds(1),
                                               .max_delay = std::chrono::milliseconds(2)});
  }

  LocalHttpServer server_;
  std::unique_ptr<TestExchange<GateIo>> client_;
  std::string last_query_;
};

TEST_F(FakeGateIo, AsksForAWindowInSecondsWithoutALimit) {
  answer(200, "[]");
  client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"),
                                1710327600000, 1710327600000 + 59'999'999, 1000);
  EXPECT_EQ(last_query_,
            "/spot/candlesticks?currency_pair=BTC_USDT&interval=1m&from=1710327600&to=1710387599");
}

TEST_F(FakeGateIo, AnEndpointWithNoRequestsLeftWaitsForItsReset) {
  const TimestampMs reset = unit::FakeClock().now_ms() + 4000;  // every FakeClock starts alike
  answer(200, "[]",
         {{"X-Gate-RateLimit-Limit", "200"},
          {"X-Gate-RateLimit-Requests-Remain", "0"},
          {"X-Gate-RateLimit-Reset-Timestamp", std::to_string(reset)}});
  const auto fetch = [&] {
    client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"), 0, 59'999, 1);
  };
  fetch();
  EXPECT_LT(client_->fake_clock.now_ms(), reset);
  fetch();
  EXPECT_GE(client_->fake_clock.now_ms(), reset);
}

TEST_F(FakeGateIo, ErrorLabelsAreNamed) {
  answer(400, R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair FOO_USDT"})");
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_->exchange.fetch_ohlcv(Symbol::parse("FOO/USDT"), Timeframe::parse("1m"), 0,
                                      59'999, 1);
      },
      ErrorKind::kPermanent, {"HTTP 400", "INVALID_CURRENCY_PAIR: Invalid currency pair"}));
}

TEST_F(FakeGateIo, TooManyRequestsIsRetried) {
  answer(429, R"({"label":"TOO_MANY_REQUESTS","message":"Request Rate Limit Exceeded"})");
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_->exchange.fetch_ohlcv(Symbol::parse("BTC/USDT"), Timeframe::parse("1m"), 0,
                                      59'999, 1);
      },
      ErrorKind::kRateLimited, {"TOO_MANY_REQUESTS", "gave up after 2 attempts"}));
  EXPECT_EQ(client_->fake_clock.sleeps().size(), 1u);
}

TEST_F(FakeGateIo, UntradablePairsAreNamed) {
  answer(200, R"([{"id":"BTC_USDT","base":"BTC","quote":"USDT","trade_status":"tradable"},)"
              R"({"id":"OLD_USDT","base":"OLD","quote":"USDT","trade_status":"untradable"}])");
  client_->exchange.check_symbols({Symbol::parse("BTC/USDT")});
  EXPECT_TRUE(ThrowsError(
      [&] { client_->exchange.check_symbols({Symbol::parse("OLD/USDT")}); },
      ErrorKind::kInvalidInput, {"OLD/USDT (status untradable)", "gateio"}));
}

TEST_F(FakeGateIo, PerpetualsAreCheckedAgainstTheUsdtContracts) {
  answer(200, R"([{"name":"BTC_USDT","type":"direct","quanto_multiplier":"0.0001","in_delisting":false},)"
              R"({"name":"OLD_USDT","type":"direct","quanto_multiplier":"1","in_delisting":true}])");
  client_->exchange.check_perpetuals({Symbol::parse("BTC/USDT:USDT")});
  EXPECT_TRUE(ThrowsError(
      [&] {
        client_->exchange.check_perpetuals(
            {Symbol::parse("OLD/USDT:USDT"), Symbol::parse("ETH/USDT:USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT:USDT", "OLD/USDT:USDT (status delisting)",
       "/futures/usdt/contracts"}));
}

TEST_F(FakeGateIo, AContractListWithoutNamesIsABadPayload) {
  answer(200, R"([{"type":"direct","in_delisting":false}])");
  EXPECT_TRUE(ThrowsError(
      [&] { client_->exchange.check_perpetuals({Symbol::parse("BTC/USDT:USDT")}); },
      ErrorKind::kBadPayload, {"lacks a BASE_QUOTE name"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
