#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// OKX v5, spot (https://www.okx.com): /api/v5/market/history-candles, /market/tickers,
// /market/books, /market/history-trades and /public/instruments (docs/exchanges/okx.md).
// Instruments are BTC-USDT; every value is a string;
// answers are {code, msg, data} with code "0" for success, and business errors come with
// HTTP 200 and another code (50011, the rate limit, with HTTP 429). Candles come newest first
// as [ts, o, h, l, c, vol, volCcy, volCcyQuote, confirm], confirm "0" for the open candle.
class Okx final : public Exchange {
 public:
  static constexpr std::string_view kName = "okx";
  static constexpr std::string_view kDefaultBaseUrl = "https://www.okx.com";
  // Pages of history-candles, which serves every age (candles only about the last 1440 bars),
  // so one endpoint covers any window. 100: its cap until 2025, and what it still sends for some
  // start times by reports; OKX's page now says 300 (docs/exchanges/okx.md).
  static constexpr int kMaxCandlesPerRequest = 100;

  explicit Okx(std::unique_ptr<RestSession> session);

  // Bars of 6 h and longer are the UTC-aligned ones (6Hutc, 1Dutc, ...): OKX's plain 6H, 12H,
  // 1D and 1W open at 00:00 Hong Kong time (16:00 UTC), which is not the engine's UTC day.
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 400 levels a side, what /market/books serves (books-full, up to 5000, is not used).
  static bool accepts_depth(int depth);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxCandlesPerRequest; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  // instType=SPOT: every spot ticker in one request, whatever `symbols` holds.
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // No 24 h change is sent (ccxt derives it from open24h and last): change_percent stays empty.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // data[0].bids and data[0].asks, levels [price, size, "0", orders]; data[0].ts is the book's
  // time. OKX sends no update id with REST books: sequence stays empty.
  void parse_orderbook(std::string& body, RawBook& book) const override;

  // Backwards through /market/history-trades, 100 a page, newest first: type=2 with after=end
  // (trades before `end`, by time), then type=1 with after=the oldest tradeId of the last page,
  // until a page reaches before `start` or is empty. OKX keeps about three months of trades.
  TradesRequest first_trades_request(TimestampMs start, TimestampMs end) const override;
  RawResponse fetch_trades(const Symbol& symbol, const TradesRequest& request) override;
  std::optional<TradesRequest> next_trades_request(
      const TradesRequest& done, const std::vector<RawTrade>& trades) const override;
  // tradeId, ts, px, sz and side; no sequence: OKX does not say its tradeIds run one by one,
  // so the transform measures silences instead.
  void parse_trades(std::string& body, std::vector<RawTrade>& trades) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
