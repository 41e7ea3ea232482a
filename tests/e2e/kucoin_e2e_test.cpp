// KuCoin spot through the real binaries: the shared venue suite (tests/e2e/exchanges_e2e.h).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "e2e/exchanges_e2e.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's own candles for a day, read through KuCoin's API as it is: one request for
// the day in seconds, [startAt, endAt), newest first on the wire, [time, o, c, h, l, v, turnover].
std::vector<CandleText> kucoin_truth(const Simulator& sim, const DayOfCandles& day,
                                     std::int64_t day_start) {
  static const std::map<std::string, std::string> kTypes = {{"1m", "1min"}, {"1h", "1hour"}};
  const auto page = sim.get_json("/kucoin/api/v1/market/candles?symbol=BTC-USDT&type=" +
                                 kTypes.at(day.timeframe) + "&startAt=" +
                                 std::to_string(day_start / 1000) + "&endAt=" +
                                 std::to_string(day_start / 1000 + 86'400));
  const auto& data = page.at("data");
  std::vector<CandleText> out;
  for (auto row = data.rbegin(); row != data.rend(); ++row) {
    out.push_back({iso_of(std::stoll((*row)[0].get<std::string>()) * 1000), (*row)[1], (*row)[3],
                   (*row)[4], (*row)[2], (*row)[5], (*row)[6]});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(KuCoin, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "kucoin",
                             .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "",  // KuCoin has every engine timeframe
                             .tickers_path = "/kucoin/api/v1/market/allTickers",
                             .truth = kucoin_truth}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
