// For the venues' public-trade tests: a market's made-up trade history that a fake venue
// serves, and the paging through a time range as the extract asset does it (first request,
// fetch, parse, next request until none).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/exchanges/exchange.h"
#include "unit/exchange_for_tests.h"

namespace cryptopipe::unit {

// A venue's trades parser under test, each body kept alive as long as the trades that point
// into it.
template <typename ExchangeType>
class TradesParserTest : public ::testing::Test {
 protected:
  std::vector<exchanges::RawTrade> parse(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    std::vector<exchanges::RawTrade> trades;
    client_.exchange.parse_trades(*bodies_.back(), trades);
    return trades;
  }

  TestExchange<ExchangeType> client_;
  std::vector<std::unique_ptr<std::string>> bodies_;
};

// The content type the fake venues answer with: httplib compresses JSON for a client that
// accepts brotli, as the engine's does, at a cost of seconds over the hundred pages of a test.
inline constexpr const char* kUncompressed = "application/octet-stream";

// One trade of a made-up history: `number` counts the market's trades one by one from 1.
struct HistoryTrade {
  std::int64_t number = 0;
  TimestampMs ts = 0;
  bool taker_buys = false;

  std::string price() const { return std::to_string(100 + number % 7) + ".5"; }
  std::string amount() const { return "0.0" + std::to_string(1 + number % 9); }
};

// `count` trades spread evenly over [from, to), numbered on from `first_number`.
inline std::vector<HistoryTrade> spread_trades(TimestampMs from, TimestampMs to, int count,
                                               std::int64_t first_number) {
  std::vector<HistoryTrade> trades;
  for (int i = 0; i < count; ++i) {
    const std::int64_t number = first_number + i;
    trades.push_back({number, from + (to - from) * i / count, number % 3 != 0});
  }
  return trades;
}

// One trade as a page carried it, copied out of the parser's views.
struct PagedTrade {
  std::string id;
  std::optional<std::int64_t> sequence;
  TimestampMs ts = 0;
  std::string price, amount, side;
};

// Every page of [start, end) in the order fetched, each as parsed (oldest first). Fails the
// test (and stops) past `max_pages`: a paging that never ends.
template <typename ExchangeType>
std::vector<std::vector<PagedTrade>> page_through(ExchangeType& exchange, const Symbol& symbol,
                                                  TimestampMs start, TimestampMs end,
                                                  int max_pages = 1000) {
  std::vector<std::vector<PagedTrade>> pages;
  std::vector<exchanges::RawTrade> trades;
  std::optional<exchanges::TradesRequest> request = exchange.first_trades_request(start, end);
  while (request) {
    if (static_cast<int>(pages.size()) == max_pages) {
      ADD_FAILURE() << "paging did not end within " << max_pages << " pages";
      break;
    }
    exchanges::RawResponse raw = exchange.fetch_trades(symbol, *request);
    exchange.parse_trades(raw.body, trades);
    std::vector<PagedTrade>& page = pages.emplace_back();
    for (const exchanges::RawTrade& trade : trades) {
      EXPECT_TRUE(trade.malformed.empty()) << trade.malformed;
      page.push_back({std::string(trade.id), trade.sequence, trade.ts, std::string(trade.price),
                      std::string(trade.amount), std::string(trade.side)});
    }
    request = exchange.next_trades_request(*request, trades);
  }
  return pages;
}

// How often each trade id of [start, end) came on the pages.
inline std::map<std::string, int> id_counts(const std::vector<std::vector<PagedTrade>>& pages,
                                            TimestampMs start, TimestampMs end) {
  std::map<std::string, int> counts;
  for (const auto& page : pages) {
    for (const PagedTrade& trade : page) {
      if (trade.ts >= start && trade.ts < end) ++counts[trade.id];
    }
  }
  return counts;
}

}  // namespace cryptopipe::unit
