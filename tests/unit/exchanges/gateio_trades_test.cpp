// Gate.io public trades (/spot/trades): ccxt's recorded case, exact milliseconds, malformed
// rows and error bodies, newest-first pages put oldest first, the requests sent, and paging a
// day against a fake Gate that serves a made-up history with Gate's page cap.
#include <gtest/gtest.h>

#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/gateio.h"
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

using GateIoTrades = unit::TradesParserTest<GateIo>;

TEST_F(GateIoTrades, MatchCcxtsRecordedCase) {
  const auto cases = unit::ccxt_cases("gate", "fetchTrades");
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
      EXPECT_EQ(trades[i].sequence, unit::integer_of(ccxt[i].at("info").at("sequence_id")));
      EXPECT_EQ(trades[i].ts, unit::integer_of(ccxt[i].at("timestamp")));
      EXPECT_EQ(trades[i].side, ccxt[i].at("side").get<std::string>());
      EXPECT_TRUE(unit::same_number(trades[i].price, ccxt[i].at("price")));
      EXPECT_TRUE(unit::same_number(trades[i].amount, ccxt[i].at("amount")));
      EXPECT_EQ(trades[i].amount, ccxt[i].at("info").at("amount").get<std::string>());
    }
  }
}

TEST_F(GateIoTrades, NewestFirstPagesComeOutOldestFirstWithWholeMilliseconds) {
  const auto trades = parse(
      R"([{"id":"902","create_time":"1710327649","create_time_ms":"1710327649999.999999",)"
      R"("currency_pair":"BTC_USDT","side":"sell","amount":"0.5","price":"73236.40",)"
      R"("sequence_id":"29014748"},)"
      R"({"id":"901","create_time_ms":"1710327648162","side":"buy","amount":"1",)"
      R"("price":"73236.4","sequence_id":29014747}])");
  ASSERT_EQ(trades.size(), 2u);
  EXPECT_EQ(trades[0].id, "901");
  EXPECT_EQ(trades[0].ts, 1'710'327'648'162);
  EXPECT_EQ(trades[0].sequence, 29014747);  // a number where a string is documented: read too
  EXPECT_EQ(trades[1].id, "902");
  EXPECT_EQ(trades[1].ts, 1'710'327'649'999);  // cut, never rounded up to the next second
  EXPECT_EQ(trades[1].sequence, 29014748);
  EXPECT_EQ(trades[1].side, "sell");
  EXPECT_EQ(trades[1].price, "73236.40");
}

TEST_F(GateIoTrades, ATradeWithoutSequenceIdKeepsNone) {
  const auto trades = parse(R"([{"id":"1","create_time_ms":"1710327648162.5","side":"buy",)"
                            R"("amount":"1","price":"2"}])");
  ASSERT_EQ(trades.size(), 1u);
  EXPECT_TRUE(trades[0].malformed.empty());
  EXPECT_FALSE(trades[0].sequence.has_value());
}

TEST_F(GateIoTrades, MalformedRowsAreKeptAndNamed) {
  const auto trades = parse(
      R"(["row",{"create_time_ms":"1"},{"id":7,"create_time_ms":"1"},)"
      R"({"id":"3"},{"id":"4","create_time_ms":1710327648162.035},)"
      R"({"id":"5","create_time_ms":"1.7e12"},{"id":"6","create_time_ms":"-5"},)"
      R"({"id":"8","create_time_ms":"12."},{"id":"9","create_time_ms":".5"},)"
      R"({"id":"10","create_time_ms":"99999999999999999999"},)"
      R"({"id":"11","create_time":"1710327648","create_time_ms":"1710327648.162"},)"
      R"({"id":"12","create_time":"soon","create_time_ms":"1710327648162"},)"
      R"({"id":"13","create_time_ms":"1710327648162","sequence_id":"x"}])");
  ASSERT_EQ(trades.size(), 13u);
  const std::vector<std::string> expected = {
      "trade is not an object",
      "trade has no id",
      "trade has no id",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not a decimal of milliseconds",
      "create_time_ms is not the time create_time gives",  // seconds, as futures write it
      "create_time_ms is not the time create_time gives",
      "sequence_id is not an integer"};
  for (std::size_t i = 0; i < trades.size(); ++i) {
    EXPECT_EQ(trades[i].malformed, expected[i]) << "row " << i;
  }
}

TEST_F(GateIoTrades, ErrorBodiesAndBrokenJsonAreBadPayloads) {
  std::vector<RawTrade> trades;
  std::string error = R"({"label":"INVALID_CURRENCY_PAIR","message":"Invalid currency pair"})";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(error, trades); },
                          ErrorKind::kBadPayload,
                          {"trades response is not a JSON array", "INVALID_CURRENCY_PAIR"}));
  std::string broken = R"([{"id":"1")";
  EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_trades(broken, trades); },
                          ErrorKind::kBadPayload, {"gateio: trades response"}));
}

TEST(GateIoTradesRequests, HourWindowsInSecondsBothInclusivePagedFromOne) {
  RecordingServer server(200, "[]");
  TestExchange<GateIo> client(server.base_url());
  const TradesRequest first = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  const RawResponse raw = client.exchange.fetch_trades(kBtc, first);
  TradesRequest second = first;
  second.page = 2;
  client.exchange.fetch_trades(kBtc, second);
  const auto next = client.exchange.next_trades_request(first, {});
  ASSERT_TRUE(next.has_value());
  client.exchange.fetch_trades(kBtc, *next);
  EXPECT_EQ(server.targets(),
            (std::vector<std::string>{
                "/spot/trades?currency_pair=BTC_USDT&from=1706572800&to=1706576399&limit=1000"
                "&page=1",
                "/spot/trades?currency_pair=BTC_USDT&from=1706572800&to=1706576399&limit=1000"
                "&page=2",
                "/spot/trades?currency_pair=BTC_USDT&from=1706576400&to=1706579999&limit=1000"
                "&page=1"}));
  EXPECT_EQ(raw.params.front(), (std::pair<std::string, std::string>{"currency_pair", "BTC_USDT"}));
  EXPECT_TRUE(ThrowsError([&] { client.exchange.first_trades_request(kDay, kDay - 1); },
                          ErrorKind::kInvalidInput, {"gateio"}));
}

// A page of `count` trades numbered down from `newest`, one second apart back from `ts`, put
// oldest first as parse_trades leaves it.
std::vector<RawTrade> page_of(std::int64_t newest, int count, TimestampMs ts) {
  static std::deque<std::string> ids;  // the views' storage, for the life of the test binary
  std::vector<RawTrade> trades;
  for (int i = count - 1; i >= 0; --i) {
    RawTrade trade;
    trade.sequence = newest - i;
    trade.id = ids.emplace_back(std::to_string(newest - i));
    trade.ts = ts - i * kMillisPerSecond;
    trades.push_back(trade);
  }
  return trades;
}

TEST(GateIoTradesPaging, FullPagesTurnShortOnesEndTheWindow) {
  TestExchange<GateIo> client;
  // A start inside an hour: the first window ends at the hour.
  const TradesRequest first =
      client.exchange.first_trades_request(kDay + 90'000, kDay + 2 * kHour + 7);
  EXPECT_EQ(first.window_start, kDay + 90'000);
  EXPECT_EQ(first.window_end, kDay + kHour);
  EXPECT_EQ(first.page, 1);
  const auto page2 =
      client.exchange.next_trades_request(first, page_of(5000, 1000, kDay + 3'000'000));
  ASSERT_TRUE(page2.has_value());
  EXPECT_EQ(page2->page, 2);
  EXPECT_EQ(page2->window_end, kDay + kHour);
  const auto hour1 =
      client.exchange.next_trades_request(*page2, page_of(4000, 999, kDay + 2'000'000));
  ASSERT_TRUE(hour1.has_value());
  EXPECT_EQ(hour1->window_start, kDay + kHour);
  EXPECT_EQ(hour1->window_end, kDay + 2 * kHour);
  EXPECT_EQ(hour1->page, 1);
  const auto last = client.exchange.next_trades_request(*hour1, {});
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->window_start, kDay + 2 * kHour);
  EXPECT_EQ(last->window_end, kDay + 2 * kHour + 7);
  EXPECT_FALSE(client.exchange.next_trades_request(*last, page_of(9, 3, kDay + 2 * kHour + 6)));
}

TEST(GateIoTradesPaging, AWindowThatFillsItsLastPageGoesOnAsTheWindowUpToItsOldestSecond) {
  TestExchange<GateIo> client;
  TradesRequest request = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  request.window_start = kDay + 5 * kHour;
  request.window_end = kDay + 6 * kHour;
  request.page = 101;  // limit * (page - 1) = 100,000: the last page Gate serves
  // The page's oldest trade is at kDay + 5h + 1234.567 s.
  const auto cut = client.exchange.next_trades_request(
      request, page_of(900'000, 1000, kDay + 5 * kHour + 1'234'567 + 999 * kMillisPerSecond));
  ASSERT_TRUE(cut.has_value());
  EXPECT_EQ(cut->window_start, kDay + 5 * kHour);
  EXPECT_EQ(cut->window_end, kDay + 5 * kHour + 1'235'000);  // through second 1234
  EXPECT_EQ(cut->page, 1);
  // Once the cut window is done, the next window is the hour after the one that was cut.
  const auto next = client.exchange.next_trades_request(*cut, page_of(10, 10, kDay + 5 * kHour));
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->window_start, kDay + 6 * kHour);
  EXPECT_EQ(next->window_end, kDay + 7 * kHour);
}

TEST(GateIoTradesPaging, AFullLastPageThatCannotBeCutStopsThePaging) {
  TestExchange<GateIo> client;
  TradesRequest request = client.exchange.first_trades_request(kDay, kDay + 24 * kHour);
  request.page = 101;
  // 101,000 trades in the window's last second: no smaller window holds the rest.
  std::vector<RawTrade> crowded = page_of(900'000, 1000, kDay + kHour - 1);
  for (RawTrade& trade : crowded) trade.ts = kDay + kHour - 1;
  EXPECT_TRUE(ThrowsError([&] { client.exchange.next_trades_request(request, crowded); },
                          ErrorKind::kBadPayload, {"page 101", "last second"}));
  std::vector<RawTrade> unreadable(1000);
  for (RawTrade& trade : unreadable) trade.malformed = "trade is not an object";
  EXPECT_TRUE(ThrowsError([&] { client.exchange.next_trades_request(request, unreadable); },
                          ErrorKind::kBadPayload, {"without a readable trade"}));
}

// A stand-in for Gate's /spot/trades over a made-up history: the trades whose second lies in
// [from, to], newest first, `limit` a page from page 1; it refuses limit * (page - 1) over
// 100,000 as Gate's reference says.
class FakeGateTrades {
 public:
  explicit FakeGateTrades(std::vector<HistoryTrade> history) : history_(std::move(history)) {
    local_.server().Get("/spot/trades", [this](const httplib::Request& request,
                                               httplib::Response& response) {
      std::lock_guard lock(mutex_);
      ++requests_;
      const std::int64_t from = std::stoll(request.get_param_value("from"));
      const std::int64_t to = std::stoll(request.get_param_value("to"));
      const std::int64_t limit = std::stoll(request.get_param_value("limit"));
      const std::int64_t page = std::stoll(request.get_param_value("page"));
      if (limit > 1000 || limit * (page - 1) > 100'000) {
        response.status = 400;
        response.set_content(R"({"label":"INVALID_PARAM_VALUE","message":"page too deep"})",
                             "application/json");
        return;
      }
      json rows = json::array();
      std::int64_t skip = limit * (page - 1);
      for (auto it = history_.rbegin(); it != history_.rend(); ++it) {
        const std::int64_t second = it->ts / 1000;
        if (second < from || second > to) continue;
        if (skip > 0) {
          --skip;
          continue;
        }
        rows.push_back({{"id", std::to_string(it->number * 7 + 1000)},
                        {"create_time", std::to_string(second)},
                        {"create_time_ms", std::to_string(it->ts) + ".035000"},
                        {"currency_pair", "BTC_USDT"},
                        {"side", it->taker_buys ? "buy" : "sell"},
                        {"amount", it->amount()},
                        {"price", it->price()},
                        {"sequence_id", std::to_string(it->number)}});
        if (static_cast<std::int64_t>(rows.size()) == limit) break;
      }
      response.set_content(rows.dump(), unit::kUncompressed);
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

std::string gate_id(const HistoryTrade& trade) { return std::to_string(trade.number * 7 + 1000); }

TEST(GateIoTradesPaging, ADayIsCoveredOnceEachAgainstTheEndpoint) {
  std::vector<HistoryTrade> history = unit::spread_trades(kDay - 600'000, kDay, 40, 1);
  const auto add = [&](TimestampMs from, TimestampMs to, int count) {
    const auto more = unit::spread_trades(from, to, count, history.back().number + 1);
    history.insert(history.end(), more.begin(), more.end());
  };
  add(kDay + kHour, kDay + 2 * kHour, 2500);           // three pages
  add(kDay + 6 * kHour, kDay + 6 * kHour + 10, 1000);  // exactly one full page
  add(kDay + 24 * kHour - 60'000, kDay + 24 * kHour + 60'000, 1200);
  FakeGateTrades server(history);
  TestExchange<GateIo> client(server.base_url());
  const TimestampMs end = kDay + 24 * kHour;
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, end);
  const auto counts = unit::id_counts(pages, kDay, end);
  std::size_t in_day = 0;
  for (const HistoryTrade& trade : history) {
    if (trade.ts < kDay || trade.ts >= end) continue;
    ++in_day;
    EXPECT_EQ(counts.count(gate_id(trade)), 1u) << "trade " << trade.number;
  }
  EXPECT_EQ(counts.size(), in_day);
  for (const auto& [id, count] : counts) EXPECT_EQ(count, 1) << "trade " << id;
  // 24 windows, two more pages in hour 1 and one more (empty) after hour 6's full page.
  EXPECT_EQ(pages.size(), 27u);
  EXPECT_EQ(server.requests(), 27);
}

TEST(GateIoTradesPaging, AnHourPastThePageCapIsStillCoveredWhole) {
  // 102,500 trades in hour 3: 101 pages reach back only to about second 52 of the hour; the
  // rest comes as the window from the hour's start through the second of the oldest trade
  // seen. The trades of that one second come twice; no other trade does.
  const std::vector<HistoryTrade> history =
      unit::spread_trades(kDay + 3 * kHour, kDay + 4 * kHour, 102'500, 1);
  FakeGateTrades server(history);
  TestExchange<GateIo> client(server.base_url());
  const TimestampMs end = kDay + 5 * kHour;
  const auto pages = unit::page_through(client.exchange, kBtc, kDay, end);
  // Pages 1 to 101 of hour 3 end with the oldest trade the cap lets Gate serve.
  const unit::PagedTrade& oldest_served = pages[3 + 100].front();
  const TimestampMs cut_second = oldest_served.ts / 1000;
  const auto counts = unit::id_counts(pages, kDay, end);
  ASSERT_EQ(counts.size(), history.size());
  int twice = 0;
  for (const HistoryTrade& trade : history) {
    const int count = counts.at(gate_id(trade));
    if (trade.ts / 1000 == cut_second && trade.number >= *oldest_served.sequence) {
      EXPECT_EQ(count, 2) << "trade " << trade.number;
      ++twice;
    } else {
      EXPECT_EQ(count, 1) << "trade " << trade.number;
    }
  }
  EXPECT_GT(twice, 0);
  EXPECT_LT(twice, 40);  // about 28 trades a second
  // Hours 0 to 2, 101 pages of hour 3, two pages of the cut window (1,500 and the repeated
  // second), hour 4.
  EXPECT_EQ(pages.size(), 3u + 101u + 2u + 1u);
}

}  // namespace
}  // namespace cryptopipe::exchanges
