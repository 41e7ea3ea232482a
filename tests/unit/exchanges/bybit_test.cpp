#include "cryptopipe/exchanges/bybit.h"

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

nlohmann::json fixture(const std::string& name) {
  std::ifstream in(std::filesystem::path(CRYPTOPIPE_FIXTURES_DIR) / "ccxt-static" / "bybit" / name);
  return nlohmann::json::parse(in);
}

class BybitParse : public ::testing::Test {
 protected:
  std::vector<RawCandle> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(*bodies_.back(), rows);
    return rows;
  }

  TestExchange<Bybit> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

TEST_F(BybitParse, MatchesTheCcxtFixtureOldestFirst) {
  // The recorded case is a linear contract; spot klines have the same shape (and ccxt's
  // recording has retCode and time as strings, which the parser accepts too).
  const nlohmann::json recorded = fixture("fetchOHLCV-1.json");
  const nlohmann::json& response = recorded.at("httpResponse");
  const nlohmann::json& parsed = recorded.at("parsedResponse");
  const auto rows = parse(response.dump());
  ASSERT_EQ(rows.size(), parsed.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE("row " + std::to_string(i));
    EXPECT_TRUE(rows[i].malformed.empty()) << rows[i].malformed;
    EXPECT_EQ(rows[i].open_time, parsed[i][0].get<std::int64_t>());
    const std::string_view fields[] = {rows[i].open, rows[i].high, rows[i].low, rows[i].close,
                                       rows[i].volume};
    for (int f = 0; f < 5; ++f) {
      EXPECT_EQ(compare_decimal(fields[f], parsed[i][f + 1].dump()), 0)
          << fields[f] << " vs ccxt " << parsed[i][f + 1].dump();
    }
    // Turnover, the quote volume, is the last field of the wire row (newest first there).
    EXPECT_EQ(rows[i].quote_volume, response["result"]["list"][rows.size() - 1 - i][6]);
    EXPECT_FALSE(rows[i].close_time.has_value());
    EXPECT_FALSE(rows[i].closed.has_value());
  }
  EXPECT_LT(rows.front().open_time, rows.back().open_time);
}

TEST_F(BybitParse, NumericRetCodeAndMalformedRows) {
  const auto rows = parse(
      R"({"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":"BTCUSDT","list":[)"
      R"(["1706634000000","2","3","1","2","5","10"],["x","1","1","1","1","1","1"],)"
      R"(["1706630400000","1","2"],7]},"retExtInfo":{},"time":1706803708087})");
  ASSERT_EQ(rows.size(), 4u);
  // Reversed into time order: the last wire row comes first.
  EXPECT_EQ(rows[0].malformed, "row is not an array");
  EXPECT_EQ(rows[1].malformed, "row has fewer than 7 fields");
  EXPECT_EQ(rows[2].malformed, "start time is not an integer");
  EXPECT_TRUE(rows[3].malformed.empty());
  EXPECT_EQ(rows[3].open_time, 1706634000000);
  EXPECT_EQ(rows[3].quote_volume, "10");
}

TEST_F(BybitParse, ErrorEnvelopesAndBrokenBodiesAreBadPayloads) {
  for (const std::string body :
       {R"({"retCode":10001,"retMsg":"Not supported symbols","result":{},"retExtInfo":{},"time":1})",
        R"({"retCode":0,"retMsg":"OK","result":{}})", R"([["1","2"]])",
        R"({"retCode":0,"retMsg":"OK","result":{"list":[["1706630400000","1")"}) {
    SCOPED_TRACE(body);
    EXPECT_TRUE(ThrowsError([&] { parse(body); }, ErrorKind::kBadPayload, {"bybit"}));
  }
}

TEST(BybitIntervals, MapsWhatBybitOffersAndNothingElse) {
  EXPECT_EQ(Bybit::interval_token(Timeframe::parse("1m")), "1");
  EXPECT_EQ(Bybit::interval_token(Timeframe::parse("1h")), "60");
  EXPECT_EQ(Bybit::interval_token(Timeframe::parse("12h")), "720");
  EXPECT_EQ(Bybit::interval_token(Timeframe::parse("1d")), "D");
  EXPECT_EQ(Bybit::interval_token(Timeframe::parse("1w")), "W");
  EXPECT_FALSE(Bybit::interval_token(Timeframe::parse("8h")));
}

// A local stand-in for api.bybit.com answering every request with one scripted answer.
class FakeBybit : public ::testing::Test {
 protected:
  void answer(int status, std::string body, httplib::Headers headers = {}) {
    server_.server().Get(".*", [status, body, headers](const httplib::Request&,
                                                       httplib::Response& res) {
      res.status = status;
      for (const auto& [name, value] : headers) res.set_header(name, value);
      res.set_content(body, "application/json");
    });
    server_.start();
  }

  TestExchange<Bybit>& client() {
    if (!client_) {
      client_ = std::make_unique<TestExchange<Bybit>>(
          server_.base_url(), net::RetrySettings{.max_attempts = 2,
                                                 .base_delay = std::chrono::milliseconds(1),
                                                 .max_delay = std::chrono::milliseconds(2)});
    }
    return *client_;
  }

  LocalHttpServer server_;
  std::unique_ptr<TestExchange<Bybit>> client_;
};

const Symbol kBtc = Symbol::parse("BTC/USDT");

TEST_F(FakeBybit, ABusinessErrorWithHttp200IsAnError) {
  answer(200, R"({"retCode":10001,"retMsg":"params error: symbol invalid","result":{},"time":1})");
  EXPECT_TRUE(ThrowsError(
      [&] { client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); },
      ErrorKind::kPermanent, {"retCode 10001", "params error: symbol invalid", "category=spot"}));
}

TEST_F(FakeBybit, TooManyVisitsIsRetriedThenReportedAsRateLimited) {
  answer(200, R"({"retCode":10006,"retMsg":"Too many visits!","result":{},"time":1})");
  EXPECT_TRUE(ThrowsError(
      [&] { client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); },
      ErrorKind::kRateLimited, {"10006", "gave up after 2 attempts"}));
}

TEST_F(FakeBybit, ASpentEndpointBudgetWaitsForItsReset) {
  const TimestampMs reset = unit::FakeClock().now_ms() + 1500;  // every FakeClock starts alike
  answer(200, R"({"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":"BTCUSDT","list":[]},"time":1})",
         {{"X-Bapi-Limit", "10"},
          {"X-Bapi-Limit-Status", "0"},
          {"X-Bapi-Limit-Reset-Timestamp", std::to_string(reset)}});
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1);
  EXPECT_TRUE(client().fake_clock.sleeps().empty());
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1);
  EXPECT_GE(client().fake_clock.now_ms(), reset);
}

TEST_F(FakeBybit, ABudgetWithRequestsLeftDoesNotWait) {
  answer(200, R"({"retCode":0,"retMsg":"OK","result":{"category":"spot","symbol":"BTCUSDT","list":[]},"time":1})",
         {{"X-Bapi-Limit", "10"},
          {"X-Bapi-Limit-Status", "3"},
          {"X-Bapi-Limit-Reset-Timestamp", std::to_string(unit::FakeClock().now_ms() + 1500)}});
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1);
  client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1);
  EXPECT_TRUE(client().fake_clock.sleeps().empty());
}

TEST_F(FakeBybit, Http403IsABanNotRetried) {
  answer(403, "access too frequent");
  EXPECT_TRUE(ThrowsError(
      [&] { client().exchange.fetch_ohlcv(kBtc, Timeframe::parse("1m"), 0, 59'999, 1); },
      ErrorKind::kBanned, {"10 minutes"}));
  EXPECT_TRUE(client().fake_clock.sleeps().empty());
}

TEST_F(FakeBybit, UnknownAndHaltedSymbolsAreNamed) {
  answer(200, R"({"retCode":0,"retMsg":"OK","result":{"category":"spot","list":[)"
              R"({"symbol":"BTCUSDT","baseCoin":"BTC","quoteCoin":"USDT","status":"Trading"},)"
              R"({"symbol":"LUNAUSDT","baseCoin":"LUNA","quoteCoin":"USDT","status":"Closed"}]},"time":1})");
  client().exchange.check_symbols({kBtc});
  EXPECT_TRUE(ThrowsError(
      [&] {
        client().exchange.check_symbols(
            {kBtc, Symbol::parse("ETH/USDT"), Symbol::parse("LUNA/USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT", "LUNA/USDT (status Closed)", "on bybit", "instruments-info"}));
}

// The linear instruments come in pages by nextPageCursor; only perpetuals settled in their
// quote coin count (not the dated futures, not the USDC-settled contracts of a USDT pair).
TEST_F(FakeBybit, PerpetualsAreCheckedAgainstEveryPageOfTheLinearInstruments) {
  std::vector<std::string> asked;
  server_.server().Get(".*", [&asked](const httplib::Request& request, httplib::Response& res) {
    asked.push_back(request.target);
    const bool second = request.get_param_value("cursor") == "page2";
    res.set_content(
        second ? R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[)"
                 R"({"symbol":"SOLUSDT","contractType":"LinearPerpetual","status":"Settling",)"
                 R"("baseCoin":"SOL","quoteCoin":"USDT","settleCoin":"USDT"}],"nextPageCursor":""},"time":1})"
               : R"({"retCode":0,"retMsg":"OK","result":{"category":"linear","list":[)"
                 R"({"symbol":"BTCUSDT","contractType":"LinearPerpetual","status":"Trading",)"
                 R"("baseCoin":"BTC","quoteCoin":"USDT","settleCoin":"USDT"},)"
                 R"({"symbol":"ETHUSDT-27DEC24","contractType":"LinearFutures","status":"Trading",)"
                 R"("baseCoin":"ETH","quoteCoin":"USDT","settleCoin":"USDT"},)"
                 R"({"symbol":"XRPPERP","contractType":"LinearPerpetual","status":"Trading",)"
                 R"("baseCoin":"XRP","quoteCoin":"USDT","settleCoin":"USDC"}],)"
                 R"("nextPageCursor":"page2"},"time":1})",
        "application/json");
  });
  server_.start();
  client().exchange.check_perpetuals({Symbol::parse("BTC/USDT:USDT")});
  ASSERT_EQ(asked.size(), 2u);
  EXPECT_NE(asked[0].find("category=linear"), std::string::npos) << asked[0];
  EXPECT_NE(asked[1].find("cursor=page2"), std::string::npos) << asked[1];
  EXPECT_TRUE(ThrowsError(
      [&] {
        client().exchange.check_perpetuals({Symbol::parse("ETH/USDT:USDT"),
                                            Symbol::parse("XRP/USDT:USDT"),
                                            Symbol::parse("SOL/USDT:USDT")});
      },
      ErrorKind::kInvalidInput,
      {"unknown symbol ETH/USDT:USDT, XRP/USDT:USDT", "SOL/USDT:USDT (status Settling)"}));
}

}  // namespace
}  // namespace cryptopipe::exchanges
