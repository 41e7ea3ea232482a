// Kraken through the real binaries: the shared venue suite (exchanges_e2e.h) with Kraken's case,
// and its 720-candle history cap.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "e2e/exchanges_e2e.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's candles for a day read through Kraken's own API: one call from the day's
// start (since is exclusive: a second before it), which runs on to the candle still open, so
// the rows past the day are dropped here. Rows [t s, open, high, low, close, vwap, volume,
// count], oldest first; no quote volume.
std::vector<CandleText> kraken_truth(const Simulator& sim, const DayOfCandles& day,
                                     std::int64_t day_start) {
  const std::int64_t day_end = day_start + 86'400'000;
  const std::string path = "/kraken/0/public/OHLC?pair=XBTUSDT&interval=" +
                           std::to_string(day.step_ms / 60'000) +
                           "&since=" + std::to_string(day_start / 1000 - 1);
  // The run just spent the simulator's Kraken budget (4 requests per 2 s window): a refused
  // read waits for the next window.
  nlohmann::json page = sim.get_json(path);
  for (int attempt = 0; attempt < 5 && !page.at("error").empty(); ++attempt) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    page = sim.get_json(path);
  }
  if (!page.at("error").empty()) throw std::runtime_error("OHLC failed: " + page.dump());
  std::vector<CandleText> out;
  for (const auto& row : page.at("result").at("XBTUSDT")) {
    const std::int64_t open_ms = row[0].get<std::int64_t>() * 1000;
    if (open_ms < day_start || open_ms >= day_end) continue;
    out.push_back({iso_of(open_ms), row[1], row[2], row[3], row[4], row[6], "NULL"});
  }
  return out;
}

// 15m and 1h: yesterday lies within Kraken's 720 most recent candles of both (a day of 1m
// candles is 1440, beyond them).
INSTANTIATE_TEST_SUITE_P(Kraken, ExchangesE2E,
                         ::testing::Values(ExchangeCase{
                             .exchange = "kraken",
                             .days = {{"15m", 900'000, 96}, {"1h", 3'600'000, 24}},
                             .missing_timeframe = "2h",
                             .tickers_path = "/kraken/0/public/Ticker",
                             .truth = kraken_truth}),
                         [](const auto& info) { return info.param.exchange; });

// Yesterday's 1m partition began more than 720 minutes ago: the run stops before fetching any
// candle, with a line naming the cap.
TEST(KrakenHistoryCap, YesterdaysMinuteCandlesAreOutOfReach) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("kraken"), "kraken");
  harness.write_config({"BTC/USDT"}, {"1m"});
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", yesterday_utc()});
  EXPECT_NE(run.exit_code, 0) << run.out << run.err;
  EXPECT_NE(run.err.find("kraken serves only its 720 most recent 1m candles"), std::string::npos)
      << run.err;
  const nlohmann::json routes = sim.stats().at("routes");
  EXPECT_FALSE(routes.contains("/kraken/0/public/OHLC")) << routes.dump();
}

// `cryptopipe exchanges` lists Kraken from the registry, unconfigured unless named, with its
// minute tokens, its 720-candle pages and cap and its 500-level books.
TEST(KrakenListing, TheRegistrysKrakenEntry) {
  PipelineHarness harness("http://127.0.0.1:9", "bybit");
  harness.write_config({"BTC/USDT"}, {"1m"});
  const ProcessResult run = harness.cryptopipe({"exchanges", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  nlohmann::json kraken;
  for (const nlohmann::json& venue : nlohmann::json::parse(run.out)) {
    if (venue.at("name") == "kraken") kraken = venue;
  }
  ASSERT_FALSE(kraken.is_null()) << run.out;
  EXPECT_FALSE(kraken.at("configured"));
  EXPECT_EQ(kraken.at("default_base_url"), "https://api.kraken.com");
  EXPECT_EQ(kraken.at("timeframes").at("1h"), "60");
  EXPECT_EQ(kraken.at("timeframes").at("1w"), "10080");
  EXPECT_FALSE(kraken.at("timeframes").contains("2h"));
  EXPECT_EQ(kraken.at("candles_per_request"), 720);
  EXPECT_EQ(kraken.at("ohlcv_history_candles"), 720);
  EXPECT_EQ(kraken.at("max_depth"), 500);
}

}  // namespace
}  // namespace cryptopipe::testing
