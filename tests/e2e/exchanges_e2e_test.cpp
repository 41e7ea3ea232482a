// Bybit and Gate.io through the real binaries: candles land complete and exactly as each
// exchange's own API gives them (in its own shapes, units and row order), tickers too.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// open_time (ms), open, high, low, close, volume, quote volume: as text, the exchange's digits.
using Candle = std::vector<std::string>;

// The simulator's own candles for a day, read through each exchange's API as it is.
std::vector<Candle> truth(const Simulator& sim, const std::string& exchange,
                          const std::string& interval_token, std::int64_t day_start,
                          std::int64_t step_ms) {
  std::vector<Candle> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += 1000 * step_ms) {
    const std::int64_t to = std::min(day_end, from + 1000 * step_ms) - 1;
    if (exchange == "bybit") {
      const auto page = sim.get_json("/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=" +
                                     interval_token + "&start=" + std::to_string(from) +
                                     "&end=" + std::to_string(to) + "&limit=1000");
      const auto& list = page.at("result").at("list");
      for (auto row = list.rbegin(); row != list.rend(); ++row) {  // newest first on the wire
        out.push_back({iso_of(std::stoll((*row)[0].get<std::string>())), (*row)[1], (*row)[2],
                       (*row)[3], (*row)[4], (*row)[5], (*row)[6]});
      }
    } else {
      const auto page = sim.get_json("/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=" +
                                     interval_token + "&from=" + std::to_string(from / 1000) +
                                     "&to=" + std::to_string(to / 1000));
      for (const auto& row : page) {  // [t s, quote volume, close, high, low, open, base volume]
        out.push_back({iso_of(std::stoll(row[0].get<std::string>()) * 1000), row[5], row[3], row[4],
                       row[2], row[6], row[1]});
      }
    }
  }
  return out;
}

struct ExchangeCase {
  std::string exchange;
  std::string minute_token;
  std::string hour_token;
};

// Names the case in test listings, instead of gtest's byte dump.
void PrintTo(const ExchangeCase& c, std::ostream* out) { *out << c.exchange; }

class ExchangesE2E : public ::testing::TestWithParam<ExchangeCase> {};

TEST_P(ExchangesE2E, OneDayOfCandlesLandsCompleteAndExact) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT"}, {"1m", "1h"});
  const std::string day = yesterday_utc();
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  for (const auto& [timeframe, token, step, count] :
       std::vector<std::tuple<std::string, std::string, std::int64_t, std::size_t>>{
           {"1m", c.minute_token, 60'000, 1440}, {"1h", c.hour_token, 3'600'000, 24}}) {
    const auto gold = harness.query(
        "SELECT open_time, open, high, low, close, volume, quote_volume FROM ohlcv WHERE "
        "exchange = '" + c.exchange + "' AND symbol = 'BTC/USDT' AND timeframe = '" + timeframe +
        "' AND is_closed = 1 ORDER BY open_time");
    const auto expected = truth(sim, c.exchange, token, day_start_ms(day), step);
    ASSERT_EQ(gold.size(), count) << timeframe;
    ASSERT_EQ(expected.size(), count) << timeframe;
    for (std::size_t i = 0; i < count; ++i) ASSERT_EQ(gold[i], expected[i]) << timeframe << " " << i;
  }

  // Idempotent: a second run changes nothing.
  const auto before = harness.query("SELECT * FROM ohlcv ORDER BY timeframe, open_time");
  ASSERT_EQ(harness.cryptopipe({"materialize", "--select", "*load_ohlcv_to_postgres",
                                "--partition", day}).exit_code, 0);
  EXPECT_EQ(harness.query("SELECT * FROM ohlcv ORDER BY timeframe, open_time"), before);
}

TEST_P(ExchangesE2E, AStormOfRateLimitsAndServerErrorsIsRiddenOut) {
  const ExchangeCase& c = GetParam();
  Simulator sim({"--seed", "5", "--rate-limit-every", "3", "--error-rate", "0.2"});
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT"}, {"1m", "1h"});
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", yesterday_utc()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv WHERE is_closed = 1")[0][0], "1464");
  const nlohmann::json injected = sim.stats().at("injected_faults");
  EXPECT_GT(injected.value("rate_limited", 0), 0) << injected.dump();
  EXPECT_NE(run.err.find("request failed, retrying"), std::string::npos);
}

TEST_P(ExchangesE2E, TickersLand) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m"});
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", "*load_tickers_to_postgres"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  const auto rows = harness.query(
      "SELECT symbol, last, bid, ask, high, low, base_volume FROM tickers ORDER BY symbol");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "BTC/USDT");
  EXPECT_EQ(rows[1][0], "ETH/USDT");
  for (const auto& row : rows) {
    for (std::size_t i = 1; i < row.size(); ++i) EXPECT_NE(row[i], "NULL") << row[0] << " " << i;
  }
}

TEST_P(ExchangesE2E, TickersOfEveryListedMarketInOneRequest) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT"}, {"1m"});
  {
    std::ofstream out(harness.config_path(), std::ios::app);
    out << "    ticker_symbols: all\n";
  }
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", "*load_tickers_to_postgres"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // Every market the simulator lists (20 USDT pairs), from a single tickers request.
  EXPECT_EQ(harness.query("SELECT count(DISTINCT symbol) FROM tickers")[0][0], "20");
  const nlohmann::json routes = sim.stats().at("routes");
  const std::string path = c.exchange == "bybit" ? "/bybit/v5/market/tickers" : "/gateio/spot/tickers";
  EXPECT_EQ(routes.at(path).at("total"), 1) << routes.dump();
}

TEST_P(ExchangesE2E, OrderBooksLandAtTheConfiguredDepth) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT", "ETH/USDT"}, {"1m"});
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", "*load_orderbook_to_postgres"});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  // The default depth, 20 levels per side, for each symbol; level 0 is the best price.
  const auto counts = harness.query(
      "SELECT symbol, side, count(*), min(level), max(level) FROM orderbook_levels "
      "GROUP BY symbol, side ORDER BY symbol, side");
  ASSERT_EQ(counts.size(), 4u);
  for (const auto& row : counts) {
    EXPECT_EQ((SqlRow{row[2], row[3], row[4]}), (SqlRow{"20", "0", "19"})) << row[0] << row[1];
  }
  const auto best = harness.query(
      "SELECT b.price, a.price FROM orderbook_levels b JOIN orderbook_levels a USING "
      "(exchange, symbol, ts) WHERE b.side = 'bid' AND a.side = 'ask' AND b.level = 0 AND "
      "a.level = 0 AND symbol = 'BTC/USDT'");
  ASSERT_EQ(best.size(), 1u);
  EXPECT_LT(std::stod(best[0][0]), std::stod(best[0][1]));  // test-side only: bid below ask
  EXPECT_NE(run.err.find("\"orderbook_not_crossed\":true"), std::string::npos) << run.err;
}

TEST_P(ExchangesE2E, UnknownSymbolAndMissingTimeframeAreUsageErrors) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  harness.write_config({"BTC/USDT", "NOPE/USDT"}, {"1m"});
  const ProcessResult unknown = harness.cryptopipe(
      {"materialize", "--select", "*", "--partition", yesterday_utc()});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("unknown symbol NOPE/USDT on " + c.exchange), std::string::npos)
      << unknown.err;

  harness.write_config({"BTC/USDT"}, {"8h", "3m"});
  const ProcessResult timeframe = harness.cryptopipe({"assets"});
  EXPECT_EQ(timeframe.exit_code, 2);
  EXPECT_NE(timeframe.err.find(c.exchange + " has no "), std::string::npos) << timeframe.err;
}

INSTANTIATE_TEST_SUITE_P(BybitAndGateIo, ExchangesE2E,
                         ::testing::Values(ExchangeCase{"bybit", "1", "60"},
                                           ExchangeCase{"gateio", "1m", "1h"}),
                         [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
