// Bitfinex through the real binaries: the shared venue suite (exchanges_e2e.h) with Bitfinex's
// case.
#include <gtest/gtest.h>

#include <stdexcept>

#include "e2e/exchanges_e2e.h"
#include "support/exchange_json.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's candles for a day read through Bitfinex's own API: one request (a day of 1m
// candles is 1440, under its 10000), both bounds inclusive in ms, oldest first with sort=1.
std::vector<CandleText> bitfinex_truth(const Simulator& sim, const DayOfCandles& day,
                                       std::int64_t day_start) {
  const std::int64_t day_end = day_start + 86'400'000;
  const auto page = sim.get("/bitfinex/v2/candles/trade:" + day.timeframe +
                            ":tBTCUST/hist?limit=10000&sort=1&start=" +
                            std::to_string(day_start) + "&end=" + std::to_string(day_end - 1));
  if (!page || page->status != 200) throw std::runtime_error("candles page failed");
  std::vector<CandleText> out;
  for (const auto& row : rows_as_sent(page->body)) {  // [MTS, OPEN, CLOSE, HIGH, LOW, VOLUME]
    out.push_back({iso_of(std::stoll(row.at(0))), row.at(1), row.at(3), row.at(4), row.at(2),
                   row.at(5), "NULL"});
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Bitfinex, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "bitfinex",
                             .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "4h",
                             .tickers_path = "/bitfinex/v2/tickers",
                             .truth = bitfinex_truth}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
