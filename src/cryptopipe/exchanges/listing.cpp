#include "cryptopipe/exchanges/listing.h"

#include <charconv>

#include "cryptopipe/core/error.h"

namespace cryptopipe::exchanges {

void require_listed(std::string_view exchange, const std::vector<Symbol>& symbols,
                    const Listing& listing, std::string_view trading_status,
                    const std::string& source_url) {
  std::string unknown;
  std::string not_trading;
  for (const Symbol& symbol : symbols) {
    const auto it = listing.find({symbol.base(), symbol.quote()});
    if (it == listing.end()) {
      unknown += (unknown.empty() ? "" : ", ") + symbol.unified();
    } else if (it->second != trading_status) {
      not_trading += (not_trading.empty() ? "" : ", ") + symbol.unified() + " (status " +
                     it->second + ")";
    }
  }
  std::string problems;
  if (!unknown.empty()) problems = "unknown symbol " + unknown;
  if (!not_trading.empty()) {
    problems += (problems.empty() ? "" : "; ") + std::string("symbol not trading ") + not_trading;
  }
  if (!problems.empty()) {
    throw Error(ErrorKind::kInvalidInput, problems + " on " + std::string(exchange) +
                                              " (according to " + source_url + ")");
  }
}

std::optional<std::int64_t> header_int(const net::HttpResponse& response,
                                       const std::string& lower_case_name) {
  const std::string* text = response.header(lower_case_name);
  if (text == nullptr) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc{} || end != text->data() + text->size()) return std::nullopt;
  return value;
}

void hold_when_spent(net::RateLimiter& limiter, const net::HttpResponse& response,
                     const std::string& remaining_header, const std::string& reset_header) {
  const auto remaining = header_int(response, remaining_header);
  const auto reset = header_int(response, reset_header);
  if (remaining && reset && *remaining <= 0) limiter.hold_until(*reset);
}

}  // namespace cryptopipe::exchanges
