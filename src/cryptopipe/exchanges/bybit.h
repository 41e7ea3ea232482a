#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Bybit v5, spot (https://api.bybit.com, always with category=spot: without it Bybit answers for
// the USDT perpetual of the same name): /v5/market/kline, /instruments-info, /tickers and
// /orderbook.
// Business errors come with HTTP 200 and retCode != 0; candles come newest first with every
// field a string; HTTP 403 means the IP is blocked for at least ten minutes.
//
// Linear perpetuals (category=linear): /v5/market/funding/history (at most 200 events, newest
// first; a startTime needs an endTime: {symbol, fundingRate, fundingRateTimestamp}) and
// /v5/market/open-interest (intervalTime 5min..1d, at most 200 samples, newest first, the
// symbol's whole life: {openInterest (base), timestamp}; no value in USDT); the instrument list
// is /v5/market/instruments-info?category=linear (pages of at most 1000 by nextPageCursor;
// contractType LinearPerpetual, settleCoin).
class Bybit final : public Exchange {
 public:
  static constexpr std::string_view kName = "bybit";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.bybit.com";

  explicit Bybit(std::unique_ptr<RestSession> session);

  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 1000 levels a side, the spot range (without a limit Bybit sends only the top level).
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
  // result.b and result.a are the sides; result.ts is the book's time and result.u, the
  // update id, its sequence (seq, the cross sequence, and cts are not kept).
  void parse_orderbook(std::string& body, RawBook& book) const override;

  RawResponse fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) override;
  RawResponse fetch_open_interest(const Symbol& symbol, const Timeframe& period, TimestampMs start,
                                  TimestampMs end) override;
  int max_open_interest_points() const override { return 200; }
  void parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const override;
  void parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
