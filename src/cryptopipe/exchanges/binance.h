#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Binance spot (https://api.binance.com): GET /api/v3/klines (weight 2, at most 1000 rows),
// /api/v3/exchangeInfo (weight 20), /api/v3/ticker/24hr (weight 2 to 80 by symbol count) and
// /api/v3/depth (weight 5 to 250 by depth, at most 5000 levels a side).
// Errors arrive as HTTP 4xx with {code, msg}; 429 and 418 carry Retry-After in seconds;
// X-MBX-USED-WEIGHT-1M reports the weight spent this minute.
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
  int max_ohlcv_limit() const override { return 1000; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // lastUpdateId is the sequence; the spot book carries no timestamp.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
