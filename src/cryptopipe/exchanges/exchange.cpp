#include "cryptopipe/exchanges/exchange.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {

void Exchange::check_symbols(const std::vector<Symbol>& symbols) {
  const MarketList list = list_markets();
  require_listed(name(), symbols, list.markets, list.trading_status, list.source_url);
}

std::vector<Symbol> Exchange::trading_symbols() {
  const MarketList list = list_markets();
  std::vector<Symbol> symbols;
  for (const auto& [market, status] : list.markets) {
    if (status != list.trading_status) continue;
    try {
      symbols.push_back(Symbol::parse(market.first + "/" + market.second));
    } catch (const Error&) {
      // An asset code outside [A-Z0-9] (rare test or leveraged tokens): not addressable here.
    }
  }
  return symbols;
}

}  // namespace cryptopipe::exchanges
