// OKX public trades (/api/v5/market/history-trades): ccxt's recorded case, malformed rows and
// error envelopes, newest-first pages put oldest first, the requests sent, and paging a day
// backwards against a fake OKX that serves a made-up history.
#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/okx.h"
#include "unit/exchange_for_tests.h"
#include "unit/exchanges/ccxt_fixtures.h"
#include "unit/exchanges/recording_server.h"
#include "unit/exchanges/trade_paging.h"
#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

using nlohmann::json;
using unit::HistoryTrade;
using unit::RecordingServer;
using unit::TestExchange;
using unit::ThrowsError;

const Symbol kBtc = Symbol::parse("BTC/USDT");
constexpr TimestampMs kDay = 1'706'572'800'000;  // 2024-01-30
constexpr TimestampMs kHour = kMillisPerHour;

using OkxTrades = unit::TradesParserTest<Okx>;

TEST_F(OkxTrades, MatchCcxtsRecordedCase) {
  const auto cases = unit::ccxt_cases("okx", "fetchTrades");
  ASSERT_EQ(cases.size(), 1u);
  for (const auto& path : cases) {
    SCOPED_TRACE(path.filename().string());
    const json recorded = unit::read_json_file(path);
    const json& ccxt = recorded.at("parsedResponse");
    const auto trades = parse(recorded.at("httpResponse").dump());
    ASSERT_EQ(trades.size(), ccxt.size());
    for (std::size_t i = 0; i < trades.size(); ++i) {
      ASSERT_TRUE(trades[i].malformed.empty()) << trades[i].malformed;
      EXPECT_EQ(trades[i].id, ccxt[i].at("id").get<std::string>());
      EXPECT_FALSE(trades[i].sequence.has_value());  // tradeIds are not documented consecutive
      EXPECT_EQ(trades[i].ts, unit::integer_of(ccxt[i].at("timestamp")));
      EXPECT_EQ(trades[i].side, ccxt[i].at("side").get<std::string>());
      EXPECT_TRUE(unit::same_number(trades[i].price, ccxt[i].at("price")));
      EXPECT_TRUE(unit::same_number(trades[i].amount, ccxt[i].at("amount")));
      EXPECT_EQ(trades[i].amount, ccxt[i].at("info").at("sz").get<std::string>());
    }
  }
}

TEST_F(OkxTrades, NewestFirstPagesComeOutOldestFirst) {
  // ccxt's own comment in okx.fetch_trades: three ETH-BTC trades, newest first.
  const auto trades = parse(
      R"({"code":"0","msg":"","data":[)"
      R"({"instId":"ETH-BTC","side":"sell","sz":"0.119501","px":"0.07065","tradeId":"15826757",)"
      R"("ts":"1621446178316"},)"
      R"({"instId":"ETH-BTC","side":"sell","sz":"0.03","px":"0.07068","tradeId":"15826756",)"
      R"("ts":"1621446178066"},)"
      R"({"instId":"ETH-BTC","side":"buy","sz":"0.507","px":"0.07069","tradeId":"15826755",)"
      R"("ts":"1621446175085"}]})");
  ASSERT_EQ(trades.size(), 3u);
  EXPECT_EQ(trades[0].id, "15826755");
  EXPECT_EQ(trades[0].ts, 1'621'446'175'085);
  EXPECT_EQ(trades[0].side, "buy");
  EXPECT_EQ(trades[0].price, "0.07069");
  EXPECT_EQ(trades[0].amount, "0.507");
  EXPECT_EQ(trades[2].id, "15826757");
}

TEST_F(OkxTrades, TradesOfOneMillisecondAreOrderedByTradeId) {
  const auto trades = parse(
      R"({"code":"0","msg":"","data":[{"tradeId":"100","ts":"5","px":"1","sz":"1","side":"buy"},)"
      R"({"tradeId":"99","ts":"5","px":"1","sz":"1","side":"buy"}]})");
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].id, "99");  // as numbers, not as text
  EXPECT_EQ(trades[1].id, "100");
}

TEST_F(OkxTrades, MalformedRowsAreKeptAndNamed) {
  const auto trades = parse(
      R"({"code":"0","msg":"","data":["t",{"ts":"1"},{"tradeId":5,"ts":"1"},)"
      R"({"tradeId":"6","ts":"soon"},{"tradeId":"7"},{"tradeId":"8","ts":"9","px":1}]})");
  ASSERT_EQ(trades.size(), 6u);
  // The last readable trade is the only one: nothing to reorder.
  EXPECT_EQ(trades[0].malformed, "trade is not an object");
  EXPECT_EQ(trades[1].malformed, "trade has no tradeId");
  EXPECT_EQ(trades[2].malformed, "trade has no tradeId");
  EXPECT_EQ(trades[3].malformed, "ts is not an integer");
  EXPECT_EQ(trades[4].malformed, "ts is not an integer");
  EXPECT_TRUE(trades[5].malformed.empty());
  EXPECT_TRUE(trades[5].price.empty());  // not a string: no exact decimal, the transform rejects
}

TEST_F(OkxTrades, ErrorEnvelopesAndBrokenBodiesAreBadPayloads) {
  std::vector<RawTrade> trades;
  std::string error = R"({"code":"51001","data":[],"msg":"Instrument ID does not exist"})";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(error, trades); },
                          ErrorKind::kBadPayload,
                          {"history-trades response", "code 51001",
                           "Instrument ID does not exist"}));
  std::string broken = R"({"code":"0","data":[{"tradeId")";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(broken, trades); },
                          ErrorKind::kBadPayload, {"okx: history-trades response"}));
  std::string no_data = R"({"code":"0","msg":""})";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(no_data, trades); },
                          ErrorKind::kBadPayload, {"no data array"}));
}

TEST(OkxTradesRequests, ByTimeBeforeTheEndThenByTradeId) {
  RecordingServer server(200, R"({"code":"0","msg":"","data":[]})");
  TestExchange<Okx> client(server.base_url());
  const TradesRequest first = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  const RawResponse raw = client.exchange.fetch_trades(kBtc, first);
  TradesRequest by_id = first;
  by_id.from_id = "497859870";
  client.exchange.fetch_trades(kBtc, by_id);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/api/v5/market/history-trades?instId=BTC-USDT&type=2&after=1706659200000"
                "&limit=100",
                "/api/v5/market/history-trades?instId=BTC-USDT&type=1&after=497859870"
                "&limit=100"}));
  EXPECT_EQ(raw.params.size(), 4u);
  EXPECT_TRUE(ThrowsError([&] { client.exchange.first_trades_request(-1, kDay); },
                          ErrorKind::kInvalidInput, {"okx"}));
}

// A page of `count` trades numbered down from `newest`, `step_ms` apart back from `ts`, put
// oldest first as parse_trades leaves it.
std::vector<RawTrade> page_of(std::int64_t newest, int count, TimestampMs ts,
                              TimestampMs step_ms = 1) {
  static std::deque<std::string> ids;  // the views' storage, for the life of the test binary
  std::vector<RawTrade> trades;
  for (int i = count - 1; i >= 0; --i) {
    RawTrade trade;
    trade.id = ids.emplace_back(std::to_string(newest - i));
    trade.ts = ts - i * step_ms;
    trades.push_back(trade);
  }
  return trades;
}

TEST(OkxTradesPaging, GoesOnFromTheOldestTradeUntilBeforeTheStartOrEmpty) {
  TestExchange<Okx> client;
  const TradesRequest first = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  const auto second =
      client.exchange.next_trades_request(first, page_of(1000, 100, kDay + 20 * kHour));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->from_id, "901");
  // A short page that has not reached the start yet still goes on: only empty pages end.
  const auto third = client.exchange.next_trades_request(*second, page_of(900, 40, kDay + 1000));
  ASSERT_TRUE(third.has_value());
  EXPECT_EQ(third->from_id, "861");
  EXPECT_FALSE(client.exchange.next_trades_request(*third, {}));
  // A page reaching before the start: the day is covered.
  EXPECT_FALSE(client.exchange.next_trades_request(*second, page_of(900, 100, kDay + 50)));
}

TEST(OkxTradesPaging, APageThatDoesNotGoBackStopsThePaging) {
  TestExchange<Okx> client;
  TradesRequest request = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  request.from_id = "99";
  EXPECT_TRUE(ThrowsError(
      // 100 to 199: not below 99 as numbers, though "100" sorts before "99" as text.
      [&] { client.exchange.next_trades_request(request, page_of(199, 100, kDay + kHour)); },
      ErrorKind::kBadPayload, {"after tradeId 99", "oldest trade is 100"}));
  std::vector<RawTrade> unreadable(3);
  for (RawTrade& trade : unreadable) trade.malformed = "ts is not an integer";
  EXPECT_TRUE(ThrowsError([&] { client.exchange.next_trades_request(request, unreadable); },
                          ErrorKind::kBadPayload, {"without a readable trade"}));
}

// A stand-in for OKX's history-trades over a made-up history: the `limit` newest trades older
// than `after`, a time (type=2) or a tradeId (type=1, the default).
class FakeOkxTrades {
 public:
  explicit FakeOkxTrades(std::vector<HistoryTrade> history) : history_(std::move(history)) {
    local_.server().Get("/api/v5/market/history-trades", [this](const httplib::Request& request,
                                                                httplib::Response& response) {
      std::lock_guard lock(mutex_);
      ++requests_;
      const bool by_time = request.get_param_value("type") == "2";
      const std::int64_t after = std::stoll(request.get_param_value("after"));
      const std::size_t limit = std::stoul(request.get_param_value("limit"));
      json data = json::array();
      for (auto it = history_.rbegin(); it != history_.rend() && data.size() < limit; ++it) {
        if ((by_time ? it->ts : okx_id(*it)) >= after) continue;
        data.push_back({{"instId", "BTC-USDT"},
                        {"tradeId", std::to_string(okx_id(*it))},
                        {"px", it->price()},
                        {"sz", it->amount()},
                        {"side", it->taker_buys ? "buy" : "sell"},
                        {"source", "0"},
                        {"ts", std::to_string(it->ts)}});
      }
      response.set_content(json{{"code", "0"}, {"msg", ""}, {"data", data}}.dump(),
                           unit::kUncompressed);
    });
    local_.start();
  }

  // Increasing with the trade but not one by one, as OKX promises nothing more.
  static std::int64_t okx_id(const HistoryTrade& trade) { return trade.number * 3 + 400; }

  std::string base_url() const { return local_.base_url(); }
  int requests() {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  std::vector<HistoryTrade> history_;
  std::mutex mutex_;
  int requests_ = 0;
  unit::LocalHttpServer local_;
};

TEST(OkxTradesPaging, ADayIsCoveredOnceEachAgainstTheEndpoint) {
  std::vector<HistoryTrade> history = unit::spread_trades(kDay - 600'000, kDay, 150, 1);
  const auto add = [&](TimestampMs from, TimestampMs to, int count) {
    const auto more = unit::spread_trades(from, to, count, history.back().number + 1);
    history.insert(history.end(), more.begin(), more.end());
  };
  add(kDay, kDay + 10, 30);  // the day's first milliseconds
  add(kDay + kHour, kDay + 2 * kHour, 250);
  add(kDay + 24 * kHour - 60'000, kDay + 24 * kHour + 60'000, 300);
  FakeOkxTrades server(history);
  TestExchange<Okx> client(server.base_url());
  const TimestampMs end = kDay + 24 * kHour;
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, end);
  const auto counts = unit::id_counts(pages, kDay, end);
  std::size_t in_day = 0;
  for (const HistoryTrade& trade : history) {
    if (trade.ts < kDay || trade.ts >= end) continue;
    ++in_day;
    EXPECT_EQ(counts.count(std::to_string(FakeOkxTrades::okx_id(trade))), 1u)
        << "trade " << trade.number;
  }
  EXPECT_EQ(counts.size(), in_day);
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << "trade " << id;
  // 150 + 250 + 30 trades of the day, 100 a page from the end backwards: the fifth page
  // reaches into the day before and ends the paging.
  EXPECT_EQ(in_day, 430u);
  EXPECT_EQ(pages.size(), 5u);
  EXPECT_EQ(server.requests(), 5);
}

TEST(OkxTradesPaging, AMarketWithoutOlderTradesEndsOnAnEmptyPage) {
  FakeOkxTrades server(unit::spread_trades(kDay + kHour, kDay + 2 * kHour, 120, 1));
  TestExchange<Okx> client(server.base_url());
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, kDay + 24 * kHour);
  ASSERT_EQ(pages.size(), 3u);  // 100, 20, then nothing older
  EXPECT_EQ(pages[0].size(), 100u);
  EXPECT_EQ(pages[1].size(), 20u);
  EXPECT_TRUE(pages[2].empty());
  EXPECT_EQ(unit::id_counts(pages, kDay, kDay + 24 * kHour).size(), 120u);
}

}  // namespace
}  // namespace cryptopipe::exchanges
