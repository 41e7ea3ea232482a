#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Binance spot (https://api.binance.com): GET /api/v3/klines (weight 2, at most 1000 rows),
// /api/v3/exchangeInfo (weight 20), /api/v3/ticker/24hr (weight 2 to 80 by symbol count),
// /api/v3/depth (weight 5 to 250 by depth, at most 5000 levels a side) and /api/v3/aggTrades.
// Errors arrive as HTTP 4xx with {code, msg}; 429 and 418 carry Retry-After in seconds;
// X-MBX-USED-WEIGHT-1M reports the weight spent this minute.
//
// Public trades: /api/v3/aggTrades, weight 4 (2 until 2025-03-10: binance-spot-api-docs
// CHANGELOG 2025-03-05; rest-api.md "Compressed/Aggregate trades list"), at most 1000 a page,
// oldest first. startTime, endTime and fromId are all inclusive; with startTime and endTime
// the oldest trades of the window come (CHANGELOG 2022-05-17). The two had to lie within an
// hour of each other until 2022-12-05 (and still must on Binance's futures routes): windows
// are an hour at most. Rows are {a, p, q, f, l, T, m, M}: `a` the aggregate id, numbered one
// by one per market (the sequence), `T` ms, `m` true where the buyer was the maker, so the
// taker sold. The live API sends a, f, l, T as JSON numbers; ccxt's recorded case has them as
// strings: both are read.
//
// USD-M perpetuals live on another host (https://fapi.binance.com, its own budgets):
// /fapi/v1/fundingRate (500 requests / 5 min / IP, at most 1000 events, oldest first from
// startTime: {symbol, fundingTime, fundingRate, markPrice}) and /futures/data/openInterestHist
// (1000 requests / 5 min / IP, at most 500 samples, the latest 30 days only: {symbol,
// sumOpenInterest (base), sumOpenInterestValue (USDT), timestamp}); its instrument list is
// /fapi/v1/exchangeInfo ({symbols: [{contractType PERPETUAL, status, baseAsset, quoteAsset,
// marginAsset}]}), whose perpetuals margined in their quote are the linear ones.
class Binance final : public Exchange {
 public:
  static constexpr std::string_view kName = "binance";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.binance.com";

  explicit Binance(std::unique_ptr<RestSession> session);

  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 5000 levels a side (Binance clamps larger limits to 5000 rather than refusing them).
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  MarketList list_markets() override;
  MarketList list_perpetuals() override;
  int max_ohlcv_limit() const override { return 1000; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // lastUpdateId is the sequence; the spot book carries no timestamp.
  void parse_orderbook(std::string& body, RawBook& book) const override;

  // By time window [window_start, window_end), an hour at most, walked forward while windows
  // are empty; from the first trade on by fromId = the last aggregate id + 1, until a trade at
  // or after `end` or a short page (caught up with now).
  TradesRequest first_trades_request(TimestampMs start, TimestampMs end) const override;
  RawResponse fetch_trades(const Symbol& symbol, const TradesRequest& request) override;
  std::optional<TradesRequest> next_trades_request(
      const TradesRequest& done, const std::vector<RawTrade>& trades) const override;
  void parse_trades(std::string& body, std::vector<RawTrade>& trades) const override;

  RawResponse fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) override;
  RawResponse fetch_open_interest(const Symbol& symbol, const Timeframe& period, TimestampMs start,
                                  TimestampMs end) override;
  int max_open_interest_points() const override { return 500; }
  void parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const override;
  void parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);
  // The futures host: its errors read like spot's; its weight header is another budget's.
  RawResponse get_futures(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
