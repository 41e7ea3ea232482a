#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Gate.io API v4, spot (https://api.gateio.ws/api/v4). Pairs are BTC_USDT; candle times are
// Unix seconds and rows are [t, quote volume, close, high, low, open, base volume, closed];
// order-book times are milliseconds; errors are HTTP 4xx with {label, message}.
class GateIo final : public Exchange {
 public:
  static constexpr std::string_view kName = "gateio";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.gateio.ws/api/v4";

  explicit GateIo(std::unique_ptr<RestSession> session);

  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 1000 levels a side: Gate documents no maximum; 1000 is ccxt's spot cap and the
  // simulator's.
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
  // `current` (ms, when the answer was produced) is the book's time and `id` (sent because we
  // ask with_id=true) its sequence; `update`, when the book last changed, is not kept.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
