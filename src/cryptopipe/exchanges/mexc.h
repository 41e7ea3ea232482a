#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// MEXC spot v3 (https://api.mexc.com), modelled on Binance's spot API and read through the
// same family code (binance_family.h): GET /api/v3/klines (at most 500 rows in practice, an
// exclusive endTime), /api/v3/exchangeInfo, /api/v3/ticker/24hr (every market without
// `symbol`) and /api/v3/depth (at most 5000 levels a side). Where it differs from Binance:
// interval tokens (60m, 1W), klines rows of 8 fields (no trade count), a fractional
// priceChangePercent, a timestamp on the book, status "1" with isSpotTradingAllowed in
// exchangeInfo, and no weight headers. Facts and sources: docs/exchanges/mexc.md.
class Mexc final : public Exchange {
 public:
  static constexpr std::string_view kName = "mexc";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.mexc.com";
  static constexpr int kMaxDepth = 5000;
  static constexpr int kMaxKlines = 500;

  explicit Mexc(std::unique_ptr<RestSession> session);

  // 1m 5m 15m 30m 60m 4h 1d 1W; nullopt for the canonical timeframes MEXC lacks.
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  // Markets whose status is "1" (or "ENABLED") and isSpotTradingAllowed are trading, listed as
  // "ENABLED"; the others keep their status word, with " without spot trading" where
  // isSpotTradingAllowed is false.
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxKlines; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  // close_time is MEXC's closeTime less 1 ms (MEXC sends the next candle's open).
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  // One market: `symbol=`; otherwise every market (MEXC takes no list of symbols).
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // priceChangePercent is a fraction (0.0173 for 1.73 %): change_percent is scaled to percent.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // lastUpdateId is the sequence, timestamp the book's time.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
