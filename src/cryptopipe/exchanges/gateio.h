#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Gate.io API v4, spot (https://api.gateio.ws/api/v4). Pairs are BTC_USDT; candle times are
// Unix seconds and rows are [t, quote volume, close, high, low, open, base volume, closed];
// order-book times are milliseconds; errors are HTTP 4xx with {label, message}.
//
// Public trades: GET /spot/trades ("Retrieve market trades" in Gate's API v4 reference, and
// ListTrades in gateapi-go/-python/-csharp docs/SpotApi.md) with currency_pair, from and to
// (Unix seconds; the engine takes both as inclusive, as for candles: Gate does not say), limit
// (default 100, at most 1000) and page (from 1). "limit * (page - 1) <= 100,000": one query
// serves at most 101 pages of 1000. Without from and to Gate answers the last 30 days, and
// older trades are refused ("for public trades older than 30 days, download from historical
// data instead", gateio/gateapi-go#26, 2022). `last_id` paging "is no longer recommended" and
// makes Gate ignore the time range: not used. Rows come newest first, pages too, "by design ...
// Other parameters will not change the sorting" (a Gate maintainer in gateapi-go#26). Rows are
// {id, create_time, create_time_ms, currency_pair, side, amount, price, sequence_id}, strings:
// `side` is the taker's, `create_time_ms` milliseconds with a fraction ("1710327648162.035000";
// the futures routes write seconds there) and `sequence_id` the "Consecutive trade ID within a
// single market" (Trade.md of the same SDKs).
//
// USDT perpetuals (/futures/usdt, the same host): /funding_rate (contract, from, to in seconds,
// limit at most 1000; newest first: {t, r}), /contract_stats (contract, from, interval, limit
// at most 100; oldest first from `from`: open_interest in contracts, a JSON integer, and
// open_interest_usd a binary float, which is not kept) and /contracts/{contract}, whose
// quanto_multiplier is the base amount of one contract; /contracts lists them all ({name
// BASE_QUOTE, in_delisting, ...}).
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
  MarketList list_perpetuals() override;
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

  // Hour windows [window_start, window_end) from `start`, each paged 1, 2, ... until a short
  // page. A window that fills its 101 pages goes on as the window from its start up to and
  // including the second of the oldest trade seen (the trades of that second come again).
  TradesRequest first_trades_request(TimestampMs start, TimestampMs end) const override;
  RawResponse fetch_trades(const Symbol& symbol, const TradesRequest& request) override;
  std::optional<TradesRequest> next_trades_request(
      const TradesRequest& done, const std::vector<RawTrade>& trades) const override;
  // id, sequence_id as the sequence, create_time_ms truncated to whole milliseconds.
  void parse_trades(std::string& body, std::vector<RawTrade>& trades) const override;

  RawResponse fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end) override;
  RawResponse fetch_open_interest(const Symbol& symbol, const Timeframe& period, TimestampMs start,
                                  TimestampMs end) override;
  int max_open_interest_points() const override { return 100; }
  void parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const override;
  // value: the contract count (contract_size turns it into base).
  void parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const override;
  std::optional<RawResponse> fetch_contract(const Symbol& symbol) override;
  std::string parse_contract_size(std::string& body) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
