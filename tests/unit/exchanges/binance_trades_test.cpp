// Binance public trades (/api/v3/aggTrades): ccxt's recorded case, the live number format,
// malformed rows and error bodies, the requests sent, and paging a day against a fake Binance
// that serves a made-up history the way the endpoint does.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
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
using unit::TestBinance;
using unit::ThrowsError;

const Symbol kBtc = Symbol::parse("BTC/USDT");
constexpr TimestampMs kDay = 1'706'572'800'000;  // 2024-01-30
constexpr TimestampMs kHour = kMillisPerHour;

using BinanceTrades = unit::TradesParserTest<exchanges::Binance>;

TEST_F(BinanceTrades, MatchCcxtsRecordedCase) {
  const auto cases = unit::ccxt_cases("binance", "fetchTrades");
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
      EXPECT_EQ(trades[i].sequence, unit::integer_of(ccxt[i].at("info").at("a")));
      EXPECT_EQ(trades[i].ts, unit::integer_of(ccxt[i].at("timestamp")));
      EXPECT_EQ(trades[i].side, ccxt[i].at("side").get<std::string>());
      EXPECT_TRUE(unit::same_number(trades[i].price, ccxt[i].at("price")));
      EXPECT_TRUE(unit::same_number(trades[i].amount, ccxt[i].at("amount")));
      EXPECT_EQ(trades[i].price, ccxt[i].at("info").at("p").get<std::string>());  // exact text
    }
  }
}

TEST_F(BinanceTrades, LiveNumbersReadAsTheRecordedStrings) {
  // Binance's documented example: a, f, l and T are JSON numbers on the live API.
  const auto trades = parse(
      R"([{"a":26129,"p":"0.01633102","q":"4.70443515","f":27781,"l":27781,)"
      R"("T":1498793709153,"m":true,"M":true},)"
      R"({"a":"26130","p":"0.01633200","q":"1.00000000","f":"27782","l":"27783",)"
      R"("T":"1498793709160","m":false,"M":true}])");
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].id, "26129");
  EXPECT_EQ(trades[0].sequence, 26129);
  EXPECT_EQ(trades[0].ts, 1'498'793'709'153);
  EXPECT_EQ(trades[0].price, "0.01633102");
  EXPECT_EQ(trades[0].amount, "4.70443515");
  EXPECT_EQ(trades[0].side, "sell");  // the buyer was the maker: the taker sold
  EXPECT_EQ(trades[1].id, "26130");
  EXPECT_EQ(trades[1].sequence, 26130);
  EXPECT_EQ(trades[1].ts, 1'498'793'709'160);
  EXPECT_EQ(trades[1].side, "buy");
}

TEST_F(BinanceTrades, APageSentNewestFirstComesOutOldestFirst) {
  const auto trades = parse(
      R"([{"a":7,"p":"2","q":"1","T":1700000000002,"m":false},)"
      R"({"a":6,"p":"1","q":"1","T":1700000000001,"m":false},"junk"])");
  ASSERT_EQ(trades.size(), 3u);
  EXPECT_EQ(trades[0].malformed, "trade is not an object");
  EXPECT_EQ(trades[1].id, "6");
  EXPECT_EQ(trades[2].id, "7");
}

TEST_F(BinanceTrades, MalformedRowsAreKeptAndNamed) {
  const auto trades = parse(
      R"([1,{"p":"1","q":"1","T":1,"m":true},{"a":"x1","p":"1","q":"1","T":1,"m":true},)"
      R"({"a":-3,"T":1,"m":true},{"a":4,"p":"1","q":"1","m":true},)"
      R"({"a":5,"p":"1","q":"1","T":1.5,"m":true},{"a":6,"p":"1","q":"1","T":1,"m":"true"},)"
      R"({"a":7,"p":1.5,"T":2,"m":false}])");
  ASSERT_EQ(trades.size(), 8u);
  EXPECT_EQ(trades[0].malformed, "trade is not an object");
  EXPECT_EQ(trades[1].malformed, "a (aggregate id) is not an integer");
  EXPECT_EQ(trades[2].malformed, "a (aggregate id) is not an integer");
  EXPECT_EQ(trades[3].malformed, "a (aggregate id) is not an integer");
  EXPECT_EQ(trades[4].malformed, "T (trade time) is not an integer");
  EXPECT_EQ(trades[5].malformed, "T (trade time) is not an integer");
  EXPECT_EQ(trades[6].malformed, "m (buyer is maker) is not a boolean");
  // A price that is not a string is no exact decimal: empty, for the transform to reject.
  EXPECT_TRUE(trades[7].malformed.empty());
  EXPECT_TRUE(trades[7].price.empty());
  EXPECT_TRUE(trades[7].amount.empty());
}

TEST_F(BinanceTrades, ErrorBodiesAndBrokenJsonAreBadPayloads) {
  std::vector<RawTrade> trades;
  std::string error = R"({"code":-1121,"msg":"Invalid symbol."})";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(error, trades); },
                          ErrorKind::kBadPayload,
                          {"aggTrades response is not a JSON array",
                           "code -1121: Invalid symbol."}));
  std::string broken = R"([{"a":1,"p":"1")";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(broken, trades); },
                          ErrorKind::kBadPayload, {"binance: aggTrades response"}));
}

TEST(BinanceTradesRequests, ByTimeWindowFirstThenByAggregateId) {
  RecordingServer server(200, "[]");
  TestBinance client(server.base_url());
  TradesRequest request = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  EXPECT_EQ(request.window_start, kDay);
  EXPECT_EQ(request.window_end, kDay + kHour);
  const RawResponse raw = client.exchange.fetch_trades(kBtc, request);
  std::vector<RawTrade> page;
  std::string body =
      R"([{"a":100,"p":"1","q":"1","T":1706572800005,"m":false},)"
      R"({"a":101,"p":"1","q":"1","T":1706572800009,"m":true}])";
  client.exchange.parse_trades(body, page);
  const auto next = client.exchange.next_trades_request(request, page);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->from_id, "102");
  client.exchange.fetch_trades(kBtc, *next);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/api/v3/aggTrades?symbol=BTCUSDT&startTime=1706572800000"
                "&endTime=1706576399999&limit=1000",
                "/api/v3/aggTrades?symbol=BTCUSDT&fromId=102&limit=1000"}));
  EXPECT_EQ(raw.params, (QueryParams{{"symbol", "BTCUSDT"},
                                     {"startTime", "1706572800000"},
                                     {"endTime", "1706576399999"},
                                     {"limit", "1000"}}));
  // Weight 4 each since 2025-03-10.
  EXPECT_DOUBLE_EQ(client.limiter.available(), unit::kBinanceWeightPerMinute - 8);
}

TEST(BinanceTradesRequests, AnEmptyRangeIsRefused) {
  TestBinance client;
  EXPECT_TRUE(ThrowsError([&] { client.exchange.first_trades_request(kDay, kDay); },
                          ErrorKind::kInvalidInput, {"binance"}));
}

// A page of `count` trades numbered from `first`, `step_ms` apart from `ts`, as parsed.
std::vector<RawTrade> page_of(std::int64_t first, int count, TimestampMs ts, TimestampMs step_ms) {
  static std::deque<std::string> ids;  // the views' storage, for the life of the test binary
  std::vector<RawTrade> trades;
  for (int i = 0; i < count; ++i) {
    RawTrade trade;
    trade.sequence = first + i;
    trade.id = ids.emplace_back(std::to_string(first + i));
    trade.ts = ts + i * step_ms;
    trade.side = "buy";
    trades.push_back(trade);
  }
  return trades;
}

TEST(BinanceTradesPaging, EmptyWindowsAreWalkedHourByHourToTheEnd) {
  TestBinance client;
  std::optional<TradesRequest> request =
      client.exchange.first_trades_request(kDay, kDay + 3 * kHour + 5);
  std::vector<std::pair<TimestampMs, TimestampMs>> windows;
  while (request) {
    windows.emplace_back(request->window_start, request->window_end);
    request = client.exchange.next_trades_request(*request, {});
  }
  EXPECT_EQ(windows, (std::vector<std::pair<TimestampMs, TimestampMs>>{
                         {kDay, kDay + kHour},
                         {kDay + kHour, kDay + 2 * kHour},
                         {kDay + 2 * kHour, kDay + 3 * kHour},
                         {kDay + 3 * kHour, kDay + 3 * kHour + 5}}));
}

TEST(BinanceTradesPaging, StopsAtTheEndOrWhenCaughtUp) {
  TestBinance client;
  const TradesRequest first = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  // A short window page still goes on by id: the next window may hold more.
  const auto by_id = client.exchange.next_trades_request(first, page_of(10, 3, kDay, 1));
  ASSERT_TRUE(by_id.has_value());
  EXPECT_EQ(by_id->from_id, "13");
  // A full page before the end goes on from the id after its last.
  const auto full = client.exchange.next_trades_request(*by_id, page_of(13, 1000, kDay + 5, 1));
  ASSERT_TRUE(full.has_value());
  EXPECT_EQ(full->from_id, "1013");
  // A short page by id goes on too: a page missing trades must not end the day early.
  const auto short_page = client.exchange.next_trades_request(*full, page_of(1013, 999, kDay + 9, 1));
  ASSERT_TRUE(short_page.has_value());
  EXPECT_EQ(short_page->from_id, "2012");
  // An empty page by id: caught up with now, nothing newer yet.
  EXPECT_FALSE(client.exchange.next_trades_request(*full, {}));
  // A full page reaching the end: the day is covered.
  EXPECT_FALSE(
      client.exchange.next_trades_request(*full, page_of(1013, 1000, kDay + 24 * kHour - 500, 1)));
}

TEST(BinanceTradesPaging, APageThatGoesBackwardsOrCannotBeReadStopsThePaging) {
  TestBinance client;
  TradesRequest request = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  request.from_id = "5000";
  EXPECT_TRUE(ThrowsError(
      [&] { client.exchange.next_trades_request(request, page_of(10, 1000, kDay, 1)); },
      ErrorKind::kBadPayload, {"fromId=5000", "aggregate id 1009"}));
  std::vector<RawTrade> unreadable(1000);
  for (RawTrade& trade : unreadable) trade.malformed = "trade is not an object";
  EXPECT_TRUE(ThrowsError([&] { client.exchange.next_trades_request(request, unreadable); },
                          ErrorKind::kBadPayload, {"without a readable trade"}));
}

// A stand-in for api.binance.com's /api/v3/aggTrades over a made-up history: the oldest
// `limit` trades of an inclusive time window, or from an aggregate id on. It refuses windows
// longer than an hour and asks for both bounds, as Binance did until 2023.
class FakeBinanceTrades {
 public:
  explicit FakeBinanceTrades(std::vector<HistoryTrade> history) : history_(std::move(history)) {
    local_.server().Get("/api/v3/aggTrades", [this](const httplib::Request& request,
                                                    httplib::Response& response) {
      std::lock_guard lock(mutex_);
      ++requests_;
      const std::size_t limit = std::stoul(request.get_param_value("limit"));
      json page = json::array();
      auto it = history_.begin();
      TimestampMs last_ts = std::numeric_limits<TimestampMs>::max();
      if (request.has_param("fromId")) {
        const std::int64_t from = std::stoll(request.get_param_value("fromId"));
        it = std::find_if(history_.begin(), history_.end(),
                          [&](const HistoryTrade& t) { return t.number >= from; });
      } else {
        const TimestampMs from = std::stoll(request.get_param_value("startTime"));
        last_ts = std::stoll(request.get_param_value("endTime"));
        if (last_ts - from >= kHour) {
          response.status = 400;
          response.set_content(R"({"code":-1127,"msg":"More than 1 hours between startTime )"
                               R"(and endTime."})",
                               "application/json");
          return;
        }
        it = std::find_if(history_.begin(), history_.end(),
                          [&](const HistoryTrade& t) { return t.ts >= from; });
      }
      for (; it != history_.end() && it->ts <= last_ts && page.size() < limit; ++it) {
        page.push_back({{"a", it->number},
                        {"p", it->price()},
                        {"q", it->amount()},
                        {"f", it->number * 2},
                        {"l", it->number * 2 + 1},
                        {"T", it->ts},
                        {"m", !it->taker_buys},
                        {"M", true}});
      }
      response.set_content(page.dump(), unit::kUncompressed);
    });
    local_.start();
  }

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

// Trades of the day before, of hour 1 (more than two pages), of hour 6, of the last minute and
// of the day after: empty hours between, and pages that run past the day.
std::vector<HistoryTrade> a_day_of_trades() {
  std::vector<HistoryTrade> history = unit::spread_trades(kDay - 600'000, kDay, 40, 1);
  const auto add = [&](TimestampMs from, TimestampMs to, int count) {
    const auto more = unit::spread_trades(from, to, count, history.back().number + 1);
    history.insert(history.end(), more.begin(), more.end());
  };
  add(kDay + kHour, kDay + 2 * kHour, 2500);
  add(kDay + 6 * kHour + 17, kDay + 6 * kHour + 999, 10);
  add(kDay + 24 * kHour - 60'000, kDay + 24 * kHour + 60'000, 1200);
  return history;
}

TEST(BinanceTradesPaging, ADayIsCoveredOnceEachAgainstTheEndpoint) {
  const std::vector<HistoryTrade> history = a_day_of_trades();
  FakeBinanceTrades server(history);
  TestBinance client(server.base_url());
  const TimestampMs end = kDay + 24 * kHour;
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, end);
  const auto counts = unit::id_counts(pages, kDay, end);
  std::size_t in_day = 0;
  for (const HistoryTrade& trade : history) {
    if (trade.ts < kDay || trade.ts >= end) continue;
    ++in_day;
    EXPECT_EQ(counts.count(std::to_string(trade.number)), 1u) << "trade " << trade.number;
  }
  EXPECT_EQ(counts.size(), in_day);
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << "trade " << id;
  // Every page starts after the one before ends: no trade twice, none skipped.
  std::int64_t previous = 0;
  for (const auto& page : pages) {
    for (const unit::PagedTrade& trade : page) {
      ASSERT_TRUE(trade.sequence.has_value());
      EXPECT_EQ(*trade.sequence, previous == 0 ? *trade.sequence : previous + 1);
      previous = *trade.sequence;
    }
  }
  // Hour 0 is empty, hour 1 starts the id paging: three pages of 1000 reach hour 6 and the
  // day's last minute, a fifth runs past the end (short: the history ends there too).
  EXPECT_EQ(server.requests(), static_cast<int>(pages.size()));
  EXPECT_EQ(pages.size(), 5u);
}

TEST(BinanceTradesPaging, TodayEndsWhenCaughtUpWithNow) {
  FakeBinanceTrades server(unit::spread_trades(kDay + 3 * kHour, kDay + 4 * kHour, 1500, 1));
  TestBinance client(server.base_url());
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, kDay + 24 * kHour);
  // Hours 0 to 2 empty, then 1000, a short page of 500 and the empty page that ends it.
  ASSERT_EQ(pages.size(), 6u);
  EXPECT_TRUE(pages[0].empty());
  EXPECT_EQ(pages[3].size(), 1000u);
  EXPECT_EQ(pages[4].size(), 500u);
  EXPECT_TRUE(pages[5].empty());
  EXPECT_EQ(unit::id_counts(pages, kDay, kDay + 24 * kHour).size(), 1500u);
}

}  // namespace
}  // namespace cryptopipe::exchanges
