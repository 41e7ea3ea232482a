#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace cryptopipe::app {

// Every venue the engine knows (the exchange registry): its configuration key, name, live REST
// root, datasets, timeframes with the venue's own tokens, deepest book, candles per request,
// history cap and public rate budget, and whether `configured` names it.
nlohmann::ordered_json venues_json(const std::set<std::string>& configured);

// `cryptopipe exchanges`: the same as a table, or as JSON with `as_json`.
int run_exchanges(const std::set<std::string>& configured, bool as_json);

}  // namespace cryptopipe::app
