#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Coinbase Exchange, the public REST API (https://api.exchange.coinbase.com; not Advanced
// Trade). Products are BTC-USDT; candle rows are [time s, low, high, open, close, volume] as JSON
// numbers, newest first, with no quote volume; errors are HTTP 4xx with {"message": ...}.
// Facts and sources: docs/exchanges/coinbase.md.
class Coinbase final : public Exchange {
 public:
  static constexpr std::string_view kName = "coinbase";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.exchange.coinbase.com";
  static constexpr int kMaxCandles = 300;  // a wider window is refused, not truncated
  static constexpr int kMaxDepth = 1000;

  explicit Coinbase(std::unique_ptr<RestSession> session);

  // The granularity in seconds: 1m, 5m, 15m, 1h, 6h and 1d only.
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 1000 levels a side. The level-2 book has no depth parameter (it is the whole
  // aggregated book), so any depth is cut from it; 1000 bounds what a listing promises.
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  // GET /products; a product trades when its status is "online" and trading is not disabled.
  // Base and quote are read from the product id (BTC-USDT), not from base_currency.
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxCandles; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  // Numbers are read with simdjson On-Demand and kept as their exact text; rows come back
  // oldest first. Coinbase flags no open candle: `closed` stays unset.
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  // GET /products/stats: every product's 24 h stats in one request (open, high, low, last,
  // base volume; no bid, ask, quote volume or time).
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  // GET /products/{id}/book?level=2: the whole aggregated book; the transform keeps `depth`.
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // `sequence` is the book's sequence; Coinbase stamps no time on it.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
