#include "cryptopipe/exchanges/registry.h"

#include <string>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
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
      {Binance::kName, Binance::kDefaultBaseUrl, 6000, milliseconds(60'000),
       Binance::interval_token, Binance::accepts_depth, create<Binance>},
      {Bybit::kName, Bybit::kDefaultBaseUrl, 600, milliseconds(5'000), Bybit::interval_token,
       Bybit::accepts_depth, create<Bybit>},
      {GateIo::kName, GateIo::kDefaultBaseUrl, 200, milliseconds(10'000), GateIo::interval_token,
       GateIo::accepts_depth, create<GateIo>},
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
