#include "cryptopipe/exchanges/trade_pages.h"

#include <algorithm>

namespace cryptopipe::exchanges {
namespace {

bool all_digits(std::string_view text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

int compare_trade_ids(std::string_view a, std::string_view b) {
  if (all_digits(a) && all_digits(b) && a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int order = a.compare(b);
  return order < 0 ? -1 : (order > 0 ? 1 : 0);
}

void require_trade_range(std::string_view exchange, TimestampMs start, TimestampMs end) {
  if (start < 0 || end <= start) {
    throw Error(ErrorKind::kInvalidInput,
                std::string(exchange) + ": trades of [" + std::to_string(start) + ", " +
                    std::to_string(end) + ") ms is no time range from the epoch on");
  }
}

int compare_trades(const RawTrade& a, const RawTrade& b) {
  if (a.sequence && b.sequence) {
    if (*a.sequence == *b.sequence) return 0;
    return *a.sequence < *b.sequence ? -1 : 1;
  }
  if (a.ts != b.ts) return a.ts < b.ts ? -1 : 1;
  return compare_trade_ids(a.id, b.id);
}

const RawTrade* first_readable(const std::vector<RawTrade>& trades) {
  const auto it = std::find_if(trades.begin(), trades.end(),
                               [](const RawTrade& trade) { return trade.malformed.empty(); });
  return it == trades.end() ? nullptr : &*it;
}

const RawTrade* last_readable(const std::vector<RawTrade>& trades) {
  const auto it = std::find_if(trades.rbegin(), trades.rend(),
                               [](const RawTrade& trade) { return trade.malformed.empty(); });
  return it == trades.rend() ? nullptr : &*it;
}

void put_oldest_first(std::vector<RawTrade>& trades) {
  const RawTrade* first = first_readable(trades);
  const RawTrade* last = last_readable(trades);
  if (first != nullptr && compare_trades(*first, *last) > 0) {
    std::reverse(trades.begin(), trades.end());
  }
}

Error stalled_paging(std::string_view exchange, const std::string& what) {
  return Error(ErrorKind::kBadPayload,
               std::string(exchange) + ": trades paging cannot go on after " + what);
}

}  // namespace cryptopipe::exchanges
