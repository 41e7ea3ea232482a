// Bitget v2 spot through the real binaries: the shared venue suite (tests/e2e/exchanges_e2e.h).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <thread>

#include "e2e/exchanges_e2e.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// A page of the simulator's history-candles, waiting out its budget (20 requests a second per
// endpoint), which the pipeline's own run may just have spent.
nlohmann::json history_page(const Simulator& sim, const std::string& path) {
  for (int attempt = 0; attempt < 20; ++attempt) {
    const auto answer = sim.get(path);
    if (answer && answer->status == 200) return nlohmann::json::parse(answer->body);
    if (!answer || answer->status != 429) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  throw std::runtime_error("the simulator did not serve " + path);
}

// The simulator's own candles for a day, read through Bitget's API as it is: history-candles
// pages of 200 before an exclusive endTime, oldest first on the wire.
std::vector<CandleText> bitget_truth(const Simulator& sim, const DayOfCandles& day,
                                     std::int64_t day_start) {
  static const std::map<std::string, std::string> kGranularities = {{"1m", "1min"},
                                                                     {"1h", "1h"}};
  constexpr std::int64_t kPage = 200;
  std::vector<CandleText> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += kPage * day.step_ms) {
    const std::int64_t to = std::min(day_end, from + kPage * day.step_ms);
    const auto page = history_page(
        sim, "/bitget/api/v2/spot/market/history-candles?symbol=BTCUSDT&granularity=" +
                 kGranularities.at(day.timeframe) + "&endTime=" + std::to_string(to) +
                 "&limit=" + std::to_string((to - from) / day.step_ms));
    for (const auto& row : page.at("data")) {
      // [ts, open, high, low, close, baseVol, usdtVol, quoteVol]
      out.push_back({iso_of(std::stoll(row[0].get<std::string>())), row[1], row[2], row[3],
                     row[4], row[5], row[7]});
    }
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Bitget, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "bitget",
                             .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "8h",
                             .tickers_path = "/bitget/api/v2/spot/market/tickers",
                             .truth = bitget_truth}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
