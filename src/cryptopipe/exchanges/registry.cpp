#include "cryptopipe/exchanges/registry.h"

#include <string>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/binance_archive.h"
#include "cryptopipe/exchanges/bitfinex.h"
#include "cryptopipe/exchanges/bitget.h"
#include "cryptopipe/exchanges/bybit.h"
#include "cryptopipe/exchanges/bybit_archive.h"
#include "cryptopipe/exchanges/coinbase.h"
#include "cryptopipe/exchanges/gateio.h"
#include "cryptopipe/exchanges/kraken.h"
#include "cryptopipe/exchanges/kucoin.h"
#include "cryptopipe/exchanges/mexc.h"
#include "cryptopipe/exchanges/okx.h"

namespace cryptopipe::exchanges {
namespace {

template <typename ExchangeType>
std::unique_ptr<Exchange> create(std::unique_ptr<RestSession> session) {
  return std::make_unique<ExchangeType>(std::move(session));
}

template <typename ArchiveType>
std::unique_ptr<TradesArchive> create_archive(std::unique_ptr<RestSession> session) {
  return std::make_unique<ArchiveType>(std::move(session));
}

void parse_binance_trade_archive(const std::string& file, const UtcDay&, std::string& text,
                                 std::vector<RawTrade>& trades) {
  parse_agg_trade_archive(file, text, trades);
}

}  // namespace

const std::vector<ExchangeDescriptor>& exchange_registry() {
  using std::chrono::milliseconds;
  static const std::vector<ExchangeDescriptor> kRegistry = {
      {.name = Binance::kName,
       .title = "Binance spot",
       .default_base_url = Binance::kDefaultBaseUrl,
       .rate_capacity = 6000,
       .rate_window = milliseconds(60'000),
       .interval_token = Binance::interval_token,
       .accepts_depth = Binance::accepts_depth,
       .max_depth = 5000,
       .default_archive_url = BinanceArchive::kDefaultUrl,
       .kline_archives = true,
       .create_trades_archive = create_archive<BinanceArchive>,
       .parse_trades_archive = parse_binance_trade_archive,
       .trades = true,
       .perpetuals = true,
       .default_futures_url = "https://fapi.binance.com",
       .open_interest_history_days = 30,
       .create = create<Binance>},
      {.name = Bybit::kName,
       .title = "Bybit v5 spot",
       .default_base_url = Bybit::kDefaultBaseUrl,
       .rate_capacity = 600,
       .rate_window = milliseconds(5'000),
       .interval_token = Bybit::interval_token,
       .accepts_depth = Bybit::accepts_depth,
       .max_depth = 1000,
       .default_archive_url = BybitArchive::kDefaultUrl,
       .create_trades_archive = create_archive<BybitArchive>,
       .parse_trades_archive = parse_bybit_trade_archive,
       .trades_publication_lag_days = 1,
       .perpetuals = true,
       .create = create<Bybit>},
      {.name = GateIo::kName,
       .title = "Gate.io v4 spot",
       .default_base_url = GateIo::kDefaultBaseUrl,
       .rate_capacity = 200,
       .rate_window = milliseconds(10'000),
       .interval_token = GateIo::interval_token,
       .accepts_depth = GateIo::accepts_depth,
       .max_depth = 1000,
       // "Candlestick too long ago. Maximum 10000 points ago are allowed" (exchange-apis.md 3.2).
       .ohlcv_history_candles = 10000,
       .trades = true,
       .trades_history_days = 30,
       .perpetuals = true,
       .create = create<GateIo>},
      {.name = Bitfinex::kName,
       .title = "Bitfinex v2 spot",
       .default_base_url = Bitfinex::kDefaultBaseUrl,
       // 90 requests a minute (tickers, conf); candles weigh 3 (30 a minute), books 0.375 (240).
       .rate_capacity = 90,
       .rate_window = milliseconds(60'000),
       .interval_token = Bitfinex::interval_token,
       .accepts_depth = Bitfinex::accepts_depth,
       .max_depth = 100,
       .create = create<Bitfinex>},
      {.name = Bitget::kName,
       .title = "Bitget v2 spot",
       .default_base_url = Bitget::kDefaultBaseUrl,
       // "Frequency limit: 20 times/1s (IP)" on history-candles, tickers, orderbook, symbols.
       .rate_capacity = 20,
       .rate_window = milliseconds(1'000),
       .interval_token = Bitget::interval_token,
       .accepts_depth = Bitget::accepts_depth,
       .max_depth = Bitget::kMaxDepth,
       .create = create<Bitget>},
      {.name = Coinbase::kName,
       .title = "Coinbase Exchange",
       .default_base_url = Coinbase::kDefaultBaseUrl,
       // Public endpoints: 10 requests a second per IP, bursts of up to 15 (docs/exchanges).
       .rate_capacity = 10,
       .rate_window = milliseconds(1'000),
       .interval_token = Coinbase::interval_token,
       .accepts_depth = Coinbase::accepts_depth,
       .max_depth = Coinbase::kMaxDepth,
       .create = create<Coinbase>},
      {.name = Kraken::kName,
       .title = "Kraken spot",
       .default_base_url = Kraken::kDefaultBaseUrl,
       // No public budget is published; ccxt paces public calls 1 s apart (docs/exchanges).
       // A bucket of 2 per 2 s keeps that pace and admits OHLC's and Depth's weight of 1.2.
       .rate_capacity = 2,
       .rate_window = milliseconds(2'000),
       .interval_token = Kraken::interval_token,
       .accepts_depth = Kraken::accepts_depth,
       .max_depth = Kraken::kMaxDepth,
       // OHLC "returns up to 720 of the most recent entries" whatever `since` says.
       .ohlcv_history_candles = Kraken::kMaxCandles,
       .create = create<Kraken>},
      {.name = KuCoin::kName,
       .title = "KuCoin spot",
       .default_base_url = KuCoin::kDefaultBaseUrl,
       // The public pool: 2000 weight per 30 s per IP; candles weigh 3, allTickers 15.
       .rate_capacity = 2000,
       .rate_window = milliseconds(30'000),
       .interval_token = KuCoin::interval_token,
       .accepts_depth = KuCoin::accepts_depth,
       .max_depth = 100,
       .create = create<KuCoin>},
      {.name = Mexc::kName,
       .title = "MEXC spot v3",
       .default_base_url = Mexc::kDefaultBaseUrl,
       // 500 weight per endpoint per 10 s by MEXC's docs, 300 per IP by another reading
       // (docs/exchanges/mexc.md): the lower, over all endpoints.
       .rate_capacity = 300,
       .rate_window = milliseconds(10'000),
       .interval_token = Mexc::interval_token,
       .accepts_depth = Mexc::accepts_depth,
       .max_depth = Mexc::kMaxDepth,
       .create = create<Mexc>},
      {.name = Okx::kName,
       .title = "OKX v5 spot",
       .default_base_url = Okx::kDefaultBaseUrl,
       // history-candles' 20 requests per 2 s, the tightest budget of the endpoints used.
       .rate_capacity = 20,
       .rate_window = milliseconds(2'000),
       .interval_token = Okx::interval_token,
       .accepts_depth = Okx::accepts_depth,
       .max_depth = 400,
       .trades = true,
       .trades_history_days = 90,
       .create = create<Okx>},
  };
  return kRegistry;
}

bool offers_trades(const ExchangeDescriptor& venue) {
  return venue.trades || venue.create_trades_archive != nullptr;
}

bool trades_only_archived(const ExchangeDescriptor& venue) {
  return !venue.trades && venue.create_trades_archive != nullptr;
}

const ExchangeDescriptor& find_exchange(std::string_view name) {
  std::string known;
  for (const ExchangeDescriptor& exchange : exchange_registry()) {
    if (exchange.name == name) return exchange;
    known += (known.empty() ? "" : ", ") + std::string(exchange.name);
  }
  throw Error(ErrorKind::kConfig,
              "unknown exchange '" + std::string(name) + "' (supported: " + known + ")");
}

}  // namespace cryptopipe::exchanges
