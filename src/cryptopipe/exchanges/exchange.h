#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cryptopipe/core/symbol.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/core/timeframe.h"

namespace cryptopipe::exchanges {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// One HTTP exchange as bronze keeps it: the body byte for byte and where it came from.
struct RawResponse {
  std::string url;  // the full request URL, query included
  QueryParams params;
  long status = 0;
  std::string body;
  TimestampMs requested_at = 0;  // when the (successful) attempt was sent
  TimestampMs received_at = 0;
};

// One candle row as the exchange wrote it. The text fields are the exact digits (views into the
// parser's buffers, valid until the next parse on the same thread).
struct RawCandle {
  TimestampMs open_time = 0;
  std::optional<TimestampMs> close_time;  // where the exchange gives one
  std::string_view open, high, low, close, volume, quote_volume;
  std::optional<std::int64_t> trade_count;
  std::optional<bool> closed;  // where the exchange flags unfinished candles itself
  std::string_view malformed;  // non-empty: why this row could not be read
};

// An exchange's spot markets as its instrument list gives them: (base, quote) → status word.
using Listing = std::map<std::pair<std::string, std::string>, std::string>;

// An instrument list, which status means trading, and where the list came from (for messages).
struct MarketList {
  Listing markets;
  std::string_view trading_status;
  std::string source_url;
};

// One 24 h ticker as the exchange wrote it; text fields are exact decimal text (views valid
// until the next parse on the same thread), empty where the exchange does not give the field.
struct RawTicker {
  std::string_view market_id;      // the exchange's own id: BTCUSDT, BTC_USDT
  std::optional<TimestampMs> ts;   // the exchange's timestamp for this ticker, where it gives one
  std::string_view last, bid, bid_size, ask, ask_size;
  std::string_view open, high, low;  // over the trailing 24 h
  std::string_view base_volume, quote_volume;
  std::string_view change_percent;  // percent units (Bybit's fraction is scaled by the parser)
  std::string_view malformed;       // non-empty: why this ticker could not be read
};

// One price level: exact decimal text (views valid until the next parse on the same thread).
struct RawLevel {
  std::string_view price;
  std::string_view amount;
  std::string_view malformed;  // non-empty: why this level could not be read
};

// An order-book snapshot as the exchange wrote it, levels in the exchange's order (bids best
// first, asks best first on all three exchanges; the transform checks it rather than sorting).
struct RawBook {
  std::optional<TimestampMs> ts;         // the exchange's time for the book, where it gives one
  std::optional<std::int64_t> sequence;  // the exchange's update id, where it gives one
  std::vector<RawLevel> bids;
  std::vector<RawLevel> asks;

  void clear() {  // keeps the sides' capacity for the next book
    ts.reset();
    sequence.reset();
    bids.clear();
    asks.clear();
  }
};

// One public trade (fill) as the exchange wrote it; text fields are exact decimal text (views
// valid until the next parse on the same thread).
struct RawTrade {
  std::string_view id;  // the venue's trade id, as text
  // The venue's per-market trade number where it numbers a market's trades one by one
  // (Binance's aggregate id, Gate's sequence_id, OKX's tradeId): the transform proves with it
  // that no trade is missing. Unset where the venue's ids are not consecutive.
  std::optional<std::int64_t> sequence;
  TimestampMs ts = 0;
  std::string_view price, amount;
  std::string_view side;       // the taker's side: "buy" or "sell"
  std::string_view malformed;  // non-empty: why this trade could not be read
};

// One request of the paging through a market's trades executed in [start, end): each venue
// fills the fields it pages by.
struct TradesRequest {
  TimestampMs start = 0;  // the trades wanted, by execution time (the partition's day)
  TimestampMs end = 0;
  TimestampMs window_start = 0;  // the time window this request asks for, where by time
  TimestampMs window_end = 0;    // exclusive
  std::string from_id;           // where the venue pages by trade id: the cursor, else empty
  int page = 0;                  // where the venue pages by page number within the window
};

// One point of a perpetual's history as the venue wrote it; text fields are exact decimal text
// (views valid until the next parse on the same thread), empty where the venue gives no value.
//   funding:       ts the funding time, value the rate (a fraction: 0.0001 is 0.01 %),
//                  value2 the mark price at that time;
//   open interest: ts the sample time, value the open interest (in base units, or in contracts
//                  where the venue counts contracts: see contract_size), value2 its value in
//                  the quote currency.
struct RawPerpPoint {
  TimestampMs ts = 0;
  std::string_view value, value2;
  std::string_view malformed;  // non-empty: why this point could not be read
};

// A spot exchange's public market-data API. Implementations: one file each.
class Exchange {
 public:
  virtual ~Exchange() = default;

  virtual std::string_view name() const = 0;
  virtual std::string market_id(const Symbol& symbol) const = 0;

  // The exchange's spot instrument list (one request).
  virtual MarketList list_markets() = 0;

  // Asks for the instrument list; throws Error(kInvalidInput) naming every symbol in `symbols`
  // that the exchange does not list, or lists as not trading.
  void check_symbols(const std::vector<Symbol>& symbols);
  // Every market the exchange lists as trading, as unified symbols (markets whose asset codes
  // do not fit BASE/QUOTE are left out).
  std::vector<Symbol> trading_symbols();

  // The most candles one request may return.
  virtual int max_ohlcv_limit() const = 0;

  // Candles with open time in [start, end_inclusive], oldest first, at most `limit`. Retries
  // and rate limits are handled inside; throws Error when the request finally fails.
  virtual RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe,
                                  TimestampMs start, TimestampMs end_inclusive, int limit) = 0;

  // Reads a candle response body into `rows` (replaced); their views stay valid until the next
  // parse on this thread. The body's capacity may grow (never its content) to give the JSON
  // parser its padding. Throws
  // Error(kBadPayload) when the body is not the expected document (malformed JSON, not an
  // array, an error object); a row that cannot be read is returned with `malformed` set.
  virtual void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const = 0;

  // Whether a candle answer runs past the window asked for, on to the candle still open (Kraken's
  // OHLC has no end bound): the transform then leaves the rows opening after the partition out
  // instead of rejecting them. False for venues that answer the window.
  virtual bool ohlcv_runs_to_now() const { return false; }

  // 24 h tickers of the given markets in one request (the exchange's bulk endpoint); every
  // spot market when `symbols` is empty. Retries and rate limits are handled inside.
  virtual RawResponse fetch_tickers(const std::vector<Symbol>& symbols) = 0;

  // Reads a tickers response into `tickers` (replaced), like parse_ohlcv. Every ticker of the
  // response is returned, including markets nobody asked for (bulk endpoints send all).
  // Throws Error(kBadPayload) for a body that is not the expected document. Where the exchange
  // stamps only the whole response (Bybit's `time`), that stamp is every ticker's ts.
  virtual void parse_tickers(std::string& body, std::vector<RawTicker>& tickers) const = 0;

  // The top `depth` levels per side of one market's book. Retries and rate limits inside.
  virtual RawResponse fetch_orderbook(const Symbol& symbol, int depth) = 0;

  // Reads a book response into `book` (replaced), like parse_ohlcv. Throws Error(kBadPayload)
  // for a body that is not the expected document.
  virtual void parse_orderbook(std::string& body, RawBook& book) const = 0;

  // Public trades, for venues whose descriptor has `trades` set (the others throw
  // Error(kInvalidInput)). Paging: first_trades_request(start, end), then for each answer
  // next_trades_request(done, its trades) until it returns nullopt. Pages may reach past `end`
  // or before `start` (the transform keeps the day's trades); every trade of [start, end)
  // that the venue still serves is on some page. Retries and rate limits are handled inside.
  virtual TradesRequest first_trades_request(TimestampMs start, TimestampMs end) const;
  virtual RawResponse fetch_trades(const Symbol& symbol, const TradesRequest& request);
  virtual std::optional<TradesRequest> next_trades_request(
      const TradesRequest& done, const std::vector<RawTrade>& trades) const;
  // Reads a trades response into `trades` (replaced), oldest first whatever order the venue
  // sends them in, like parse_ohlcv. Throws Error(kBadPayload) for a body that is not the
  // expected document.
  virtual void parse_trades(std::string& body, std::vector<RawTrade>& trades) const;

  // Linear perpetuals (BASE/QUOTE:QUOTE), for venues whose descriptor has `perpetuals` set
  // (the others throw Error(kInvalidInput)). Both histories are asked for by time window
  // [start, end); a window never holds more points than one request returns (funding: a day;
  // open interest: max_open_interest_points() periods). Retries and rate limits inside.
  virtual RawResponse fetch_funding(const Symbol& symbol, TimestampMs start, TimestampMs end);
  virtual RawResponse fetch_open_interest(const Symbol& symbol, const Timeframe& period,
                                          TimestampMs start, TimestampMs end);
  virtual int max_open_interest_points() const;
  // Read a response into `points` (replaced), oldest first, like parse_ohlcv. Throw
  // Error(kBadPayload) for a body that is not the expected document.
  virtual void parse_funding(std::string& body, std::vector<RawPerpPoint>& points) const;
  virtual void parse_open_interest(std::string& body, std::vector<RawPerpPoint>& points) const;
  // Where the venue counts open interest in contracts (Gate), the contract's description,
  // from which parse_contract_size reads the base amount of one contract; nullopt where open
  // interest comes in base units already.
  virtual std::optional<RawResponse> fetch_contract(const Symbol& symbol);
  virtual std::string parse_contract_size(std::string& body) const;
  // The venue's linear perpetuals settled in their quote, keyed (base, quote), from its futures
  // instrument list.
  virtual MarketList list_perpetuals();
  // Throws Error(kInvalidInput) naming every perpetual in `symbols` that list_perpetuals() lacks
  // or lists as not trading.
  void check_perpetuals(const std::vector<Symbol>& symbols);
};

}  // namespace cryptopipe::exchanges
