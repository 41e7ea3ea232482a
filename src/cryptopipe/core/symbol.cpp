#include "cryptopipe/core/symbol.h"

#include "cryptopipe/core/error.h"

namespace cryptopipe {
namespace {

constexpr std::size_t kMaxAssetLength = 20;

bool is_asset_code(std::string_view code) {
  if (code.empty() || code.size() > kMaxAssetLength) return false;
  for (const char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace

Symbol Symbol::parse(std::string_view text) {
  const auto slash = text.find('/');
  const auto colon = text.find(':');
  const bool perpetual = colon != std::string_view::npos;
  const std::string_view base = text.substr(0, slash);
  const std::string_view quote =
      slash == std::string_view::npos ? std::string_view() : text.substr(slash + 1, colon - slash - 1);
  const std::string_view settle = perpetual ? text.substr(colon + 1) : std::string_view();
  if (slash == std::string_view::npos || (perpetual && colon < slash) || !is_asset_code(base) ||
      !is_asset_code(quote) || (perpetual && !is_asset_code(settle))) {
    throw Error(ErrorKind::kInvalidInput,
                "bad symbol '" + std::string(text) +
                    "': expected BASE/QUOTE (spot) or BASE/QUOTE:SETTLE (perpetual) in upper "
                    "case, e.g. BTC/USDT or BTC/USDT:USDT");
  }
  return Symbol(std::string(base), std::string(quote), std::string(settle));
}

std::string Symbol::unified() const {
  return base_ + "/" + quote_ + (settle_.empty() ? "" : ":" + settle_);
}

std::string Symbol::key_segment() const {
  return base_ + "-" + quote_ + (settle_.empty() ? "" : "-" + settle_);
}

}  // namespace cryptopipe
