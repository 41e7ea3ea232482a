#pragma once

#include <string>
#include <string_view>

namespace cryptopipe {

// A spot market in CCXT's unified form BASE/QUOTE (BTC/USDT). Exchanges map it to their own
// ids (BTCUSDT, BTC_USDT, BTC-USDT).
class Symbol {
 public:
  // Each side: 1-20 upper-case letters or digits. Throws Error(kInvalidInput) naming the text.
  static Symbol parse(std::string_view text);

  const std::string& base() const { return base_; }
  const std::string& quote() const { return quote_; }
  std::string unified() const { return base_ + "/" + quote_; }  // BTC/USDT
  std::string key_segment() const { return base_ + "-" + quote_; }  // BTC-USDT, safe in keys

  friend bool operator==(const Symbol&, const Symbol&) = default;
  friend auto operator<=>(const Symbol&, const Symbol&) = default;

 private:
  Symbol(std::string base, std::string quote) : base_(std::move(base)), quote_(std::move(quote)) {}
  std::string base_;
  std::string quote_;
};

}  // namespace cryptopipe
