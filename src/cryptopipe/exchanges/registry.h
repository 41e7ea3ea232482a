#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "cryptopipe/core/timeframe.h"
#include "cryptopipe/exchanges/archive.h"
#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// What the engine knows about an exchange before talking to it: enough to validate the
// configuration (names, timeframes, depths), to list the venues (`cryptopipe exchanges`) and
// to create its client.
struct ExchangeDescriptor {
  std::string_view name;              // binance, bybit, gateio: the key in configuration
  std::string_view title;             // what users call it: "Binance spot", "OKX v5 spot"
  std::string_view default_base_url;  // the live REST root
  // The documented public budget: `capacity` request weight per `window` per IP.
  double rate_capacity;
  std::chrono::milliseconds rate_window;
  // The exchange's token for a canonical timeframe, or nullopt where it has none.
  std::optional<std::string_view> (*interval_token)(const Timeframe& timeframe);
  // Whether the exchange serves books of this many levels per side.
  bool (*accepts_depth)(int depth);
  int max_depth;  // the deepest book accepts_depth allows, for listings
  // The venue serves only its this-many most recent candles of any timeframe (Kraken: 720);
  // 0 where it serves its whole history. A partition older than that is out of reach.
  int ohlcv_history_candles = 0;
  // The root of the venue's bulk archives of finished days (Binance's data.binance.vision,
  // Bybit's public.bybit.com); empty where it publishes none.
  std::string_view default_archive_url = {};
  // Whether the archives hold daily kline zips (BinanceArchive::daily_klines).
  bool kline_archives = false;
  // The reader of the archives' daily trade files, and how one of them reads (parse_trades'
  // contract, for the file of `day`); null where the archives hold no trades.
  std::unique_ptr<TradesArchive> (*create_trades_archive)(std::unique_ptr<RestSession> session) =
      nullptr;
  void (*parse_trades_archive)(const std::string& file, const UtcDay& day, std::string& text,
                               std::vector<RawTrade>& trades) = nullptr;
  // Whether the client implements public trades by REST (Exchange::fetch_trades and the rest).
  // A venue with trade archives but no REST history (Bybit) has its finished days' trades only.
  bool trades = false;
  // Where the venue's past trades come only from its archives, how many days after a day ends
  // its file is published (Bybit: a day or so); what waits for the file counts on this.
  int trades_publication_lag_days = 0;
  // The venue serves only its trades of this many recent days (Gate 30, OKX 90); 0 where it
  // serves its whole history (Binance).
  int trades_history_days = 0;
  // Whether the client implements linear perpetuals' funding and open-interest histories.
  bool perpetuals = false;
  // The root of the futures API where it is another host than default_base_url (Binance USD-M);
  // empty: the same host.
  std::string_view default_futures_url = {};
  // The venue serves only this many recent days of open interest (Binance 30); 0: all of it.
  int open_interest_history_days = 0;
  std::unique_ptr<Exchange> (*create)(std::unique_ptr<RestSession> session) = nullptr;
};

const std::vector<ExchangeDescriptor>& exchange_registry();
// Whether public trades can be had from the venue at all: by REST, or from its archives.
bool offers_trades(const ExchangeDescriptor& venue);
// Whether its trades come only from its archives, a file per finished day (Bybit).
bool trades_only_archived(const ExchangeDescriptor& venue);
// Throws Error(kConfig) naming the unknown exchange and the supported ones.
const ExchangeDescriptor& find_exchange(std::string_view name);

}  // namespace cryptopipe::exchanges
