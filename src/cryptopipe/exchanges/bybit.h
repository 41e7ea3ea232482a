#pragma once

#include <memory>

#include "cryptopipe/exchanges/exchange.h"
#include "cryptopipe/exchanges/rest_session.h"

namespace cryptopipe::exchanges {

// Bybit v5, spot (https://api.bybit.com, always with category=spot: without it Bybit answers for
// the USDT perpetual of the same name). Business errors come with HTTP 200 and retCode != 0;
// candles come newest first with every field a string; HTTP 403 means the IP is blocked for
// at least ten minutes.
class Bybit final : public Exchange {
 public:
  static constexpr std::string_view kName = "bybit";
  static constexpr std::string_view kDefaultBaseUrl = "https://api.bybit.com";

  explicit Bybit(std::unique_ptr<RestSession> session);

  static std::optional<std::string_view> interval_token(const Timeframe& timeframe);

  std::string_view name() const override { return kName; }
  std::string market_id(const Symbol& symbol) const override;
  void check_symbols(const std::vector<Symbol>& symbols) override;
  int max_ohlcv_limit() const override { return 1000; }
  RawResponse fetch_ohlcv(const Symbol& symbol, const Timeframe& timeframe, TimestampMs start,
                          TimestampMs end_inclusive, int limit) override;
  void parse_ohlcv(std::string& body, std::vector<RawCandle>& rows) const override;

 private:
  RawResponse get(const std::string& path, const QueryParams& params);

  std::unique_ptr<RestSession> session_;
};

}  // namespace cryptopipe::exchanges
