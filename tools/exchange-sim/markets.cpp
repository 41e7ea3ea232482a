#include "markets.h"

#include <algorithm>
#include <array>
#include <chrono>

#include "fixed_point.h"

namespace exchange_sim {
namespace {

constexpr std::int64_t units(std::int64_t whole, std::int64_t hundred_millionths = 0) {
  return whole * kUnitsPerWhole + hundred_millionths;
}

constexpr std::int64_t listed(int year, unsigned month, unsigned day) {
  const std::chrono::sys_days date{std::chrono::year{year} / month / day};
  return std::chrono::duration_cast<std::chrono::milliseconds>(date.time_since_epoch()).count();
}

// Listing dates follow the real ones loosely; markets older than 2019 start on 2019-01-01 so
// that backfills stay short.
constexpr std::int64_t kDefaultListing = listed(2019, 1, 1);

// Reference prices are rough early-2024 levels; tick and step sizes mirror the real exchange's.
// clang-format off
constexpr std::array kMarkets{
    //      symbol      base    quote   reference price      tick       step          hourly volume     listed
    Market{"BTCUSDT", "BTC", "USDT", units(43000), units(0, 1000000), units(0, 1000), units(20), kDefaultListing},
    Market{"ETHUSDT", "ETH", "USDT", units(2300), units(0, 1000000), units(0, 10000), units(400), kDefaultListing},
    Market{"BNBUSDT", "BNB", "USDT", units(310), units(0, 1000000), units(0, 100000), units(2000), kDefaultListing},
    Market{"SOLUSDT", "SOL", "USDT", units(100), units(0, 1000000), units(0, 100000), units(8000), listed(2020, 8, 11)},
    Market{"XRPUSDT", "XRP", "USDT", units(0, 55000000), units(0, 10000), units(1), units(2000000), kDefaultListing},
    Market{"ADAUSDT", "ADA", "USDT", units(0, 50000000), units(0, 10000), units(0, 10000000), units(3000000), kDefaultListing},
    Market{"DOGEUSDT", "DOGE", "USDT", units(0, 8000000), units(0, 1000), units(1), units(10000000), listed(2019, 7, 5)},
    Market{"TRXUSDT", "TRX", "USDT", units(0, 10000000), units(0, 1000), units(0, 10000000), units(5000000), kDefaultListing},
    Market{"LTCUSDT", "LTC", "USDT", units(70), units(0, 1000000), units(0, 100000), units(3000), kDefaultListing},
    Market{"DOTUSDT", "DOT", "USDT", units(7), units(0, 100000), units(0, 1000000), units(50000), listed(2020, 8, 18)},
    Market{"LINKUSDT", "LINK", "USDT", units(15), units(0, 1000000), units(0, 1000000), units(30000), kDefaultListing},
    Market{"AVAXUSDT", "AVAX", "USDT", units(35), units(0, 1000000), units(0, 1000000), units(20000), listed(2020, 9, 22)},
    Market{"ATOMUSDT", "ATOM", "USDT", units(10), units(0, 100000), units(0, 1000000), units(20000), kDefaultListing},
    Market{"XLMUSDT", "XLM", "USDT", units(0, 12000000), units(0, 10000), units(1), units(1000000), kDefaultListing},
    Market{"ETCUSDT", "ETC", "USDT", units(25), units(0, 1000000), units(0, 1000000), units(10000), kDefaultListing},
    Market{"BCHUSDT", "BCH", "USDT", units(250), units(0, 10000000), units(0, 100000), units(500), listed(2019, 11, 28)},
    Market{"UNIUSDT", "UNI", "USDT", units(6), units(0, 100000), units(0, 1000000), units(30000), listed(2020, 9, 17)},
    Market{"FILUSDT", "FIL", "USDT", units(5), units(0, 100000), units(0, 1000000), units(40000), listed(2020, 10, 15)},
    Market{"APTUSDT", "APT", "USDT", units(9), units(0, 1000000), units(0, 1000000), units(20000), listed(2022, 10, 19)},
    Market{"NEARUSDT", "NEAR", "USDT", units(3), units(0, 100000), units(0, 10000000), units(60000), listed(2020, 10, 14)},
};
// clang-format on

}  // namespace

std::span<const Market> all_markets() { return kMarkets; }

const Market* find_market(std::string_view symbol) {
  const auto found = std::ranges::find(kMarkets, symbol, &Market::symbol);
  return found == kMarkets.end() ? nullptr : &*found;
}

}  // namespace exchange_sim
