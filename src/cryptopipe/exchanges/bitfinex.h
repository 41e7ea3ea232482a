#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Bitfinex API v2, public REST (https://api-pub.bitfinex.com). Pairs are tBTCUST (three-letter
// codes run together) or tDOGE:UST (a code longer than three letters), USDT being UST; every
// number is a JSON number, read as its exact text; candles are [MTS, OPEN, CLOSE, HIGH, LOW,
// VOLUME] with no quote volume; errors are ["error", code, "message"] (docs/exchanges/bitfinex.md).
class Bitfinex final : public Exchange {
 public:
  static constexpr std::string_view kName = "bitfinex";
  static constexpr std::string_view kDefaultBaseUrl = "https://api-pub.bitfinex.com";
  // The registry's one bucket holds 90 requests a minute (tickers, conf); candles are allowed
  // 30 a minute and books 240, so they weigh 90/30 and 90/240.
  static constexpr double kCandleWeight = 3;
  static constexpr double kBookWeight = 0.375;

  explicit Bitfinex(std::unique_ptr<RestSession> session);

  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 100 levels a side: the book's `len` is 1, 25 or 100, and the smallest that covers the
  // depth is asked for.
  static bool accepts_depth(int depth);
  // Bitfinex's code for a unified asset code (USDT is UST, ATOM is ATO) and back.
  static std::string asset_id(std::string_view code);
  static std::string asset_code(std::string_view id);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  // pub:list:pair:exchange, the spot pairs; Bitfinex lists no status, so every pair trades.
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return 10000; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  // Bitfinex flags no open candle: `closed` stays unset.
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // Trading tickers only: funding tickers (fUSD, sent for symbols=ALL) are left out. No open,
  // quote volume or time; the change is DAILY_CHANGE_RELATIVE, a fraction, scaled to percent.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // One array of [PRICE, COUNT, AMOUNT]: a positive amount is a bid, a negative one an ask (its
  // text without the sign). Bitfinex sends no time and no sequence.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
