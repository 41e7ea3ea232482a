// What every venue of the registry promises the configuration and `cryptopipe exchanges`.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/log.h"
#include "cryptopipe/exchanges/registry.h"
#include "cryptopipe/net/rate_limiter.h"
#include "unit/test_helpers.h"

namespace cryptopipe::exchanges {
namespace {

TEST(ExchangeRegistry, EveryVenueDescribesItselfConsistently) {
  std::set<std::string> names;
  for (const ExchangeDescriptor& venue : exchange_registry()) {
    SCOPED_TRACE(std::string(venue.name));
    EXPECT_TRUE(names.insert(std::string(venue.name)).second) << "registered twice";
    EXPECT_FALSE(venue.title.empty());
    EXPECT_TRUE(venue.default_base_url.starts_with("https://")) << venue.default_base_url;
    EXPECT_GT(venue.rate_capacity, 0);
    EXPECT_GT(venue.rate_window.count(), 0);
    // Every depth from 1 to max_depth is served (the transform keeps only the asked levels of
    // venues that answer fixed sizes), and none beyond.
    EXPECT_TRUE(venue.accepts_depth(1));
    EXPECT_TRUE(venue.accepts_depth(20)) << "the default depth";
    EXPECT_TRUE(venue.accepts_depth(venue.max_depth));
    EXPECT_FALSE(venue.accepts_depth(venue.max_depth + 1));
    EXPECT_FALSE(venue.accepts_depth(0));
    EXPECT_TRUE(venue.interval_token(Timeframe::parse("1h"))) << "every venue has hourly candles";
    EXPECT_GE(venue.ohlcv_history_candles, 0);
    EXPECT_NE(venue.create, nullptr);
    EXPECT_EQ(&find_exchange(venue.name), &venue);
  }
}

TEST(ExchangeRegistry, PublicTradesAreBinancesGatesAndOkxsAlone) {
  unit::FakeClock clock;
  net::RateLimiter limiter(1, std::chrono::seconds(1), clock);
  const Logger logger("test", LogFormat::kJson, LogLevel::kError);
  std::set<std::string> with_trades;
  for (const ExchangeDescriptor& venue : exchange_registry()) {
    SCOPED_TRACE(std::string(venue.name));
    const auto exchange = venue.create(std::make_unique<RestSession>(
        std::string(venue.name), RestSettings{.base_url = "http://127.0.0.1:9"}, limiter, clock,
        logger));
    if (venue.trades) {
      with_trades.insert(std::string(venue.name));
      const TradesRequest first = exchange->first_trades_request(0, kMillisPerDay);
      EXPECT_EQ(first.start, 0);
      EXPECT_EQ(first.end, kMillisPerDay);
      continue;
    }
    EXPECT_TRUE(unit::ThrowsError([&] { exchange->first_trades_request(0, kMillisPerDay); },
                                  ErrorKind::kInvalidInput,
                                  {std::string(venue.name) + " public trades are not supported"}));
    std::string body = "[]";
    std::vector<RawTrade> trades;
    EXPECT_TRUE(unit::ThrowsError([&] { exchange->parse_trades(body, trades); },
                                  ErrorKind::kInvalidInput, {"not supported"}));
  }
  EXPECT_EQ(with_trades, (std::set<std::string>{"binance", "gateio", "okx"}));
}

TEST(ExchangeRegistry, AnUnknownNameIsAConfigurationErrorListingTheKnownOnes) {
  try {
    find_exchange("nope");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_NE(std::string(e.what()).find("unknown exchange 'nope' (supported: binance, bybit"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace cryptopipe::exchanges
