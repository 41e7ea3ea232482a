#include "binance_depth.h"

#include <algorithm>
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include "binance_protocol.h"
#include "fixed_point.h"
#include "market_data.h"
#include "order_book.h"

namespace exchange_sim::binance {
namespace {

constexpr std::int64_t kDefaultLimit = 100;
constexpr std::int64_t kMaxLimit = 5000;

void append_levels(std::string& out, const std::vector<BookLevel>& levels, UnitsFormat format) {
  out += '[';
  for (const BookLevel& level : levels) {
    if (out.back() != '[') {
      out += ',';
    }
    out += "[\"" + format(level.price) + "\",\"" + format(level.quantity) + "\"]";
  }
  out += ']';
}

}  // namespace

void answer_depth(const httplib::Request& request, httplib::Response& response,
                  const SimClock& clock) {
  const Market& market = listed_market(required_param(request, "symbol"), "symbol");
  const std::size_t limit = limit_param(request, kDefaultLimit, kMaxLimit);
  const OrderBook book = order_book(market, snapshot_time_ms(clock.now_ms()), limit);
  answer_json(response, 200, depth_body(book, format_units, std::nullopt));
}

std::string depth_body(const OrderBook& book, UnitsFormat format,
                       std::optional<std::int64_t> timestamp_ms) {
  std::string out = "{\"lastUpdateId\":" + std::to_string(book.update_id) + ",\"bids\":";
  append_levels(out, book.bids, format);
  out += ",\"asks\":";
  append_levels(out, book.asks, format);
  if (timestamp_ms) out += ",\"timestamp\":" + std::to_string(*timestamp_ms);
  out += '}';
  return out;
}

int depth_weight(const httplib::Request& request) {
  // Weights from Binance's documentation, by the limit after clamping. A limit that is not a
  // number is charged like the default; it is rejected anyway.
  std::int64_t limit = kDefaultLimit;
  const std::string text = request.get_param_value("limit");
  std::from_chars(text.data(), text.data() + text.size(), limit);
  limit = std::min(limit, kMaxLimit);
  if (limit <= 100) {
    return 5;
  }
  if (limit <= 500) {
    return 25;
  }
  return limit <= 1000 ? 50 : 250;
}

}  // namespace exchange_sim::binance
