#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Bitget v2 spot (https://api.bitget.com): /api/v2/spot/market/history-candles, /tickers,
// /orderbook and /api/v2/spot/public/symbols. Every answer is the envelope
// {code, msg, requestTime, data}; code "00000" is success, anything else an error, whatever the
// HTTP status. Every decimal and every candle time is a JSON string. docs/exchanges/bitget.md.
class Bitget final : public Exchange {
 public:
  static constexpr std::string_view kName = "bitget";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.bitget.com";
  // history-candles' most rows a request (limit "maximum: 200").
  static constexpr int kMaxCandles = 200;
  // orderbook's limit "maximum: 150".
  static constexpr int kMaxDepth = 150;

  explicit Bitget(std::unique_ptr<RestSession> session);

  // The UTC-aligned granularities (6Hutc, 1Dutc, 1Wutc): plain 6h, 12h, 1day and 1week are cut
  // at Beijing midnight (UTC+8) and would not match the day partitions.
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxCandles; }
  // history-candles with endTime one millisecond past end_inclusive: it serves any past day
  // (/candles keeps only a month of 1min candles) and sends the `limit` candles before endTime.
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  // data is [[ts, open, high, low, close, baseVol, usdtVol, quoteVol], ...], oldest first;
  // quote_volume is index 7 (quoteVol), which is the USDT volume again on USDT markets; a
  // seven-field row (ccxt's example) has it at index 6.
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // change24h is a fraction, scaled to percent; each ticker carries its own ts.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // data.bids and data.asks, data.ts the book's time; Bitget sends no sequence here.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
