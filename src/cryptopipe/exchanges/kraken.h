#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Kraken spot, the public REST API (https://api.kraken.com/0/public). Every answer is
// {"error": [...], "result": {...}}, errors included, and they come with HTTP 200. Results are
// keyed by Kraken's own pair name, which may differ from the one asked for (XBTUSD answers as
// XXBTZUSD). Kraken calls BTC XBT and DOGE XDG. /OHLC serves only the 720 most recent candles
// of a timeframe. Facts and sources: docs/exchanges/kraken.md.
class Kraken final : public Exchange {
 public:
  static constexpr std::string_view kName = "kraken";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.kraken.com";
  static constexpr int kMaxCandles = 720;  // per answer, and the whole history it serves
  static constexpr int kMaxDepth = 500;

  explicit Kraken(std::unique_ptr<RestSession> session);

  // The interval in minutes: 1m, 5m, 15m, 30m, 1h, 4h, 1d and 1w. (Kraken's 21600, fifteen
  // days, has no canonical timeframe.)
  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);
  // 1 to 500 levels a side, Depth's `count`.
  static bool accepts_depth(int depth);

  // Kraken's asset codes run together, BTC and DOGE spelled XBT and XDG: BTC/USDT is XBTUSDT,
  // the pair's altname. Kraken takes it in requests whatever the pair's result key.
  static std::string pair_name(const Symbol& symbol);
  // The unified code of a Kraken asset code as wsname spells it: XBT is BTC, XDG is DOGE.
  static std::string unified_asset(std::string_view kraken_code);
  // The altname of a result key: the legacy keys of pairs of two X/Z-prefixed assets
  // (XXBTZUSD, XETHXXBT) lose their prefixes; any other key is its own altname.
  static std::string_view altname_of_key(std::string_view key);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override { return pair_name(symbol); }
  // GET /0/public/AssetPairs; base and quote from wsname (XBT/USDT), a pair trades when its
  // status is "online". Pairs without a wsname (dark pools) are left out.
  MarketList list_markets() override;
  int max_ohlcv_limit() const override { return kMaxCandles; }
  // GET /0/public/OHLC from `start` on: Kraken has no end bound and no limit, so the answer runs
  // to the candle still open (within its 720 most recent); the transform keeps the partition's.
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  bool ohlcv_runs_to_now() const override { return true; }
  // Times are JSON numbers, read as their exact text with simdjson On-Demand. Rows come oldest
  // first; the last, the newest, is always the candle still open (`closed` false). Kraken's
  // vwap is not a quote volume (vwap × volume is rounded), so quote_volume stays empty.
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;
  // GET /0/public/Ticker: the asked pairs in one request (pair=a,b), every pair when none is
  // asked for.
  RawResponse fetch_tickers(const std::vector<Symbol>& symbols) override;
  // market_id is the altname of the result key. Last, bid, ask and their lot volumes, the 24 h
  // high, low and base volume; open is `o`, today's open (since 00:00 UTC), as ccxt takes it.
  void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const override;
  // GET /0/public/Depth?count=depth.
  RawResponse fetch_orderbook(const Symbol& symbol, int depth) override;
  // Kraken stamps each level, not the book, and numbers no update: ts and sequence stay unset.
  void parse_orderbook(std::string& body, RawBook& book) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params, double weight);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
