// What every venue of the registry promises the configuration and `cryptopipe exchanges`.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/registry.h"

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
