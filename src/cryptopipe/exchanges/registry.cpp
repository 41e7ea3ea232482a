#include "cryptopipe/exchanges/registry.h"

#include <string>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/bitfinex.h"
#include "cryptopipe/exchanges/bybit.h"
#include "cryptopipe/exchanges/gateio.h"

namespace cryptopipe::exchanges {
namespace {

template <typename ExchangeType>
std::unique_ptr<Exchange> create(std::unique_ptr<RestSession> session) {
  return std::make_unique<ExchangeType>(std::move(session));
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
       .create = create<Binance>},
      {.name = Bybit::kName,
       .title = "Bybit v5 spot",
       .default_base_url = Bybit::kDefaultBaseUrl,
       .rate_capacity = 600,
       .rate_window = milliseconds(5'000),
       .interval_token = Bybit::interval_token,
       .accepts_depth = Bybit::accepts_depth,
       .max_depth = 1000,
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
       .create = create<GateIo>},
      {.name = Bitfinex::kName,
       .title = "Bitfinex v2 spot",
       .default_base_url = Bitfinex::kDefaultBaseUrl,
       // 90 requests a minute (tickers, book); candles weigh 3 for their 30 a minute.
       .rate_capacity = 90,
       .rate_window = milliseconds(60'000),
       .interval_token = Bitfinex::interval_token,
       .accepts_depth = Bitfinex::accepts_depth,
       .max_depth = 100,
       .create = create<Bitfinex>},
  };
  return kRegistry;
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
