// Coinbase Exchange through the real binaries: the shared venue suite (exchanges_e2e.h) with
// Coinbase's case.
#include <gtest/gtest.h>

#include <stdexcept>

#include "e2e/exchanges_e2e.h"
#include "support/exchange_json.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's candles for a day read through Coinbase's own API: pages of at most 300
// candles with both bounds inclusive, rows newest first as JSON numbers, no quote volume.
std::vector<CandleText> coinbase_truth(const Simulator& sim, const DayOfCandles& day,
                                       std::int64_t day_start) {
  std::vector<CandleText> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += 300 * day.step_ms) {
    const std::int64_t last_open = std::min(day_end, from + 300 * day.step_ms) - day.step_ms;
    const auto page = sim.get("/coinbase/products/BTC-USDT/candles?granularity=" +
                              std::to_string(day.step_ms / 1000) +
                              "&start=" + std::to_string(from / 1000) +
                              "&end=" + std::to_string(last_open / 1000));
    if (!page || page->status != 200) throw std::runtime_error("candles page failed");
    // [t s, low, high, open, close, volume], newest first, the numbers' text as sent.
    const auto rows = rows_as_sent(page->body);
    for (auto row = rows.rbegin(); row != rows.rend(); ++row) {
      out.push_back({iso_of(std::stoll((*row)[0]) * 1000), (*row)[3], (*row)[2], (*row)[1],
                     (*row)[4], (*row)[5], "NULL"});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Coinbase, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "coinbase",
                             .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "4h",
                             .tickers_path = "/coinbase/products/stats",
                             .truth = coinbase_truth,
                             .null_ticker_columns = {"bid", "ask"}}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
