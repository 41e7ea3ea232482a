#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

#include "cryptopipe/exchanges/exchange.h"

namespace cryptopipe::exchanges {

// How a venue writes one point of a perpetual's history in a JSON object.
struct PerpPointShape {
  std::string_view time_key;
  bool time_in_seconds = false;   // Gate: whole seconds; the others: milliseconds
  std::string_view value_key;     // RawPerpPoint::value
  std::string_view value2_key;    // RawPerpPoint::value2; empty: the venue gives none
  bool value_is_integer = false;  // Gate's contract count: a JSON number, not a string
};

// One point: its time (a JSON number or digits in a string) and its values' exact text (JSON
// strings; an integer value as its digits). Flagged malformed when the entry is not an object
// or its time is not an integer; a missing value is left empty (and fails validation).
RawPerpPoint read_perp_point(simdjson::dom::element entry, const PerpPointShape& shape);

// Every entry of `list` into `points` (replaced), oldest first: venues that send the newest
// first (Bybit, Gate's funding) are reversed; a list in neither order is left as sent (the
// transform rejects what is out of order).
void read_perp_points(simdjson::dom::array list, const PerpPointShape& shape,
                      std::vector<RawPerpPoint>& points);

}  // namespace cryptopipe::exchanges
