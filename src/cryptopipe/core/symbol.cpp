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
  if (slash == std::string_view::npos || !is_asset_code(text.substr(0, slash)) ||
      !is_asset_code(text.substr(slash + 1))) {
    throw Error(ErrorKind::kInvalidInput,
                "bad symbol '" + std::string(text) +
                    "': expected BASE/QUOTE in upper case, e.g. BTC/USDT");
  }
  return Symbol(std::string(text.substr(0, slash)), std::string(text.substr(slash + 1)));
}

}  // namespace cryptopipe
