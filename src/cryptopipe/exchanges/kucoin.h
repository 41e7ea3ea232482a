#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// KuCoin spot (https://api.kucoin.com): /api/v1/market/candles, /market/allTickers,
// /market/orderbook/level2_{20,100} and /api/v2/symbols. Symbols are BTC-USDT; every value is a
// string; answers are {code, data} with code "200000" for success, errors {code, msg} with the
// code as a string (429000 with HTTP 429 for the rate limit). Candles come newest first as
// [time (s), open, close, high, low, volume, turnover], with no flag for the open candle.
class KuCoin final : public Exchange {
 public:
  static constexpr std::string_view kName = "kucoin";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.kucoin.com";
  // "For each query, the system would return at most 1500 pieces of data" (KuCoin's klines
  // page; ccxt's fetch_spot_ohlcv uses 1500 as its maxLimit).
  static constexpr int kMaxCandlesPerRequest = 1500;

  explicit KuCoin(std::unique_ptr<RestSession> session);

  // 1min ... 1week: every timeframe the engine knows.
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 100 levels a side: the public level2_20 and level2_100 (the full book needs a key).
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxCandlesPerRequest; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  // KuCoin flags no open candle: closed stays empty and the engine judges by the clock.
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  // allTickers: every market in one request, whatever `symbols` holds.
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // data.time stamps every ticker. KuCoin sends no 24 h open (ccxt derives it from last and
  // changePrice) and a change fraction: open and change_percent stay empty.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  // level2_20 for up to 20 levels, level2_100 beyond; the transform keeps the asked depth.
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // data.bids and data.asks, levels [price, size]; data.time is the book's time (ms) and
  // data.sequence its update id.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
