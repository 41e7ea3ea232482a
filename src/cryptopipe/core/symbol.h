#pragma once

#include <string>
#include <string_view>

namespace cryptopipe {

// A market in CCXT's unified form: BASE/QUOTE for spot (BTC/USDT), BASE/QUOTE:SETTLE for a
// perpetual swap settled in SETTLE (BTC/USDT:USDT, linear when SETTLE is the quote). Exchanges
// map it to their own ids (BTCUSDT, BTC_USDT, BTC-USDT).
class Symbol {
 public:
  // Each part: 1-20 upper-case letters or digits. Throws Error(kInvalidInput) naming the text.
  static Symbol parse(std::string_view text);

  const std::string& base() const { return base_; }
  const std::string& quote() const { return quote_; }
  const std::string& settle() const { return settle_; }  // empty for spot
  bool is_perpetual() const { return !settle_.empty(); }
  bool is_linear_perpetual() const { return settle_ == quote_; }
  std::string unified() const;      // BTC/USDT, BTC/USDT:USDT
  std::string key_segment() const;  // BTC-USDT, BTC-USDT-USDT: safe in keys

  friend bool operator==(const Symbol&, const Symbol&) = default;
  friend auto operator<=>(const Symbol&, const Symbol&) = default;

 private:
  Symbol(std::string base, std::string quote, std::string settle)
      : base_(std::move(base)), quote_(std::move(quote)), settle_(std::move(settle)) {}
  std::string base_;
  std::string quote_;
  std::string settle_;
};

}  // namespace cryptopipe
