#include "cryptopipe/exchanges/exchange.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/listing.h"

namespace cryptopipe::exchanges {

void Exchange::check_symbols(const std::vector<Symbol>& symbols) {
  const MarketList list = list_markets();
  require_listed(name(), symbols, list.markets, list.trading_status, list.source_url);
}

void Exchange::check_perpetuals(const std::vector<Symbol>& symbols) {
  const MarketList list = list_perpetuals();
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

namespace {

[[noreturn]] void no_trades(std::string_view exchange) {
  throw Error(ErrorKind::kInvalidInput,
              std::string(exchange) + " public trades are not supported (cryptopipe exchanges "
                                      "lists the venues that have them)");
}

}  // namespace

TradesRequest Exchange::first_trades_request(TimestampMs, TimestampMs) const { no_trades(name()); }

RawResponse Exchange::fetch_trades(const Symbol&, const TradesRequest&) { no_trades(name()); }

std::optional<TradesRequest> Exchange::next_trades_request(const TradesRequest&,
                                                           const std::vector<RawTrade>&) const {
  no_trades(name());
}

void Exchange::parse_trades(std::string&, std::vector<RawTrade>&) const { no_trades(name()); }

namespace {

[[noreturn]] void no_perpetuals(std::string_view exchange) {
  throw Error(ErrorKind::kInvalidInput,
              std::string(exchange) + " perpetual futures data is not supported (cryptopipe "
                                      "exchanges lists the venues that have it)");
}

}  // namespace

RawResponse Exchange::fetch_funding(const Symbol&, TimestampMs, TimestampMs) {
  no_perpetuals(name());
}

RawResponse Exchange::fetch_open_interest(const Symbol&, const Timeframe&, TimestampMs,
                                          TimestampMs) {
  no_perpetuals(name());
}

int Exchange::max_open_interest_points() const { no_perpetuals(name()); }

MarketList Exchange::list_perpetuals() { no_perpetuals(name()); }

void Exchange::parse_funding(std::string&, std::vector<RawPerpPoint>&) const {
  no_perpetuals(name());
}

void Exchange::parse_open_interest(std::string&, std::vector<RawPerpPoint>&) const {
  no_perpetuals(name());
}

std::optional<RawResponse> Exchange::fetch_contract(const Symbol&) { return std::nullopt; }

std::string Exchange::parse_contract_size(std::string&) const { no_perpetuals(name()); }

}  // namespace cryptopipe::exchanges
