#include "cryptopipe/core/symbol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe {
namespace {

using unit::ThrowsError;

TEST(Symbol, ParsesUnifiedBaseQuote) {
  const Symbol btc = Symbol::parse("BTC/USDT");
  EXPECT_EQ(btc.base(), "BTC");
  EXPECT_EQ(btc.quote(), "USDT");
  EXPECT_EQ(btc.unified(), "BTC/USDT");
  EXPECT_EQ(btc.key_segment(), "BTC-USDT");

  const Symbol inch = Symbol::parse("1INCH/USDT");
  EXPECT_EQ(inch.base(), "1INCH");
  EXPECT_EQ(inch.unified(), "1INCH/USDT");
  EXPECT_EQ(inch.key_segment(), "1INCH-USDT");

  const std::string twenty(20, 'A');
  EXPECT_EQ(Symbol::parse(twenty + "/" + twenty).base(), twenty);
}

TEST(Symbol, RefusesOtherFormsNamingTheText) {
  for (const std::string& text : std::vector<std::string>{
           "btc/usdt", "BTC/usdt", "BTCUSDT", "BTC/", "/USDT", "/", "BTC/USDT/X", "BTC-USDT",
        "BTC_USDT", "BTC /USDT", "BTC/USDT ", "", "BTC/US.DT", std::string(21, 'A') + "/USDT",
        "BTC/" + std::string(21, 'B'), "BTC/USDT:", "BTC/USDT:usdt", "BTC:USDT/USDT",
        "BTC/USDT:USDT:USDT", "BTC/USDT:US DT"}) {
    EXPECT_TRUE(ThrowsError([&] { Symbol::parse(text); }, ErrorKind::kInvalidInput,
                            {"'" + text + "'"}))
        << text;
  }
}

TEST(Symbol, ParsesAPerpetualWithItsSettlementCurrency) {
  const Symbol linear = Symbol::parse("BTC/USDT:USDT");
  EXPECT_EQ(linear.base(), "BTC");
  EXPECT_EQ(linear.quote(), "USDT");
  EXPECT_EQ(linear.settle(), "USDT");
  EXPECT_TRUE(linear.is_perpetual());
  EXPECT_TRUE(linear.is_linear_perpetual());
  EXPECT_EQ(linear.unified(), "BTC/USDT:USDT");
  EXPECT_EQ(linear.key_segment(), "BTC-USDT-USDT");
  EXPECT_NE(linear, Symbol::parse("BTC/USDT"));

  const Symbol inverse = Symbol::parse("BTC/USD:BTC");
  EXPECT_TRUE(inverse.is_perpetual());
  EXPECT_FALSE(inverse.is_linear_perpetual());
  EXPECT_FALSE(Symbol::parse("BTC/USDT").is_perpetual());
  EXPECT_EQ(Symbol::parse("BTC/USDT").settle(), "");
}

TEST(Symbol, ComparesByBaseThenQuote) {
  EXPECT_EQ(Symbol::parse("BTC/USDT"), Symbol::parse("BTC/USDT"));
  EXPECT_NE(Symbol::parse("BTC/USDT"), Symbol::parse("BTC/USDC"));
  EXPECT_LT(Symbol::parse("BTC/USDT"), Symbol::parse("ETH/BTC"));
  EXPECT_LT(Symbol::parse("ETH/BTC"), Symbol::parse("ETH/USDT"));
}

}  // namespace
}  // namespace cryptopipe
