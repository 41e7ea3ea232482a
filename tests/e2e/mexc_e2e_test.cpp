// MEXC spot v3 through the real binaries: the shared venue suite (exchanges_e2e.h) with MEXC's
// case.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

#include "e2e/exchanges_e2e.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's candles for a day read through MEXC's own API: pages of at most 500 rows
// between an inclusive startTime and an exclusive endTime, oldest first,
// [openTime, o, h, l, c, v, closeTime, quoteVolume] with the decimals as strings.
std::vector<CandleText> mexc_truth(const Simulator& sim, const DayOfCandles& day,
                                   std::int64_t day_start) {
  static const std::map<std::string, std::string> kIntervals = {{"1m", "1m"}, {"1h", "60m"}};
  constexpr std::int64_t kPage = 500;
  std::vector<CandleText> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += kPage * day.step_ms) {
    const std::int64_t to = std::min(day_end, from + kPage * day.step_ms);
    const auto page = sim.get("/mexc/api/v3/klines?symbol=BTCUSDT&interval=" +
                              kIntervals.at(day.timeframe) + "&startTime=" +
                              std::to_string(from) + "&endTime=" + std::to_string(to) +
                              "&limit=500");
    if (!page || page->status != 200) throw std::runtime_error("klines page failed");
    for (const auto& row : nlohmann::json::parse(page->body)) {
      out.push_back({iso_of(row[0].get<std::int64_t>()), row[1], row[2], row[3], row[4], row[5],
                     row[7]});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Mexc, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "mexc",
                             .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "8h",
                             .tickers_path = "/mexc/api/v3/ticker/24hr",
                             .truth = mexc_truth}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
