// Bybit and Gate.io through the real binaries: candles land complete and exactly as each
// exchange's own API gives them (in its own shapes, units and row order), tickers too.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "e2e/exchanges_e2e.h"
#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

// The simulator's own candles for a day, read through each exchange's API as it is.
std::vector<CandleText> bybit_truth(const Simulator& sim, const DayOfCandles& day,
                                    std::int64_t day_start) {
  static const std::map<std::string, std::string> kTokens = {{"1m", "1"}, {"1h", "60"}};
  std::vector<CandleText> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += 1000 * day.step_ms) {
    const std::int64_t to = std::min(day_end, from + 1000 * day.step_ms) - 1;
    const auto page = sim.get_json("/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=" +
                                   kTokens.at(day.timeframe) + "&start=" + std::to_string(from) +
                                   "&end=" + std::to_string(to) + "&limit=1000");
    const auto& list = page.at("result").at("list");
    for (auto row = list.rbegin(); row != list.rend(); ++row) {  // newest first on the wire
      out.push_back({iso_of(std::stoll((*row)[0].get<std::string>())), (*row)[1], (*row)[2],
                     (*row)[3], (*row)[4], (*row)[5], (*row)[6]});
    }
  }
  return out;
}

std::vector<CandleText> gate_truth(const Simulator& sim, const DayOfCandles& day,
                                   std::int64_t day_start) {
  std::vector<CandleText> out;
  const std::int64_t day_end = day_start + 86'400'000;
  for (std::int64_t from = day_start; from < day_end; from += 1000 * day.step_ms) {
    const std::int64_t to = std::min(day_end, from + 1000 * day.step_ms) - 1;
    const auto page = sim.get_json("/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=" +
                                   day.timeframe + "&from=" + std::to_string(from / 1000) +
                                   "&to=" + std::to_string(to / 1000));
    for (const auto& row : page) {  // [t s, quote volume, close, high, low, open, base volume]
      out.push_back({iso_of(std::stoll(row[0].get<std::string>()) * 1000), row[5], row[3], row[4],
                     row[2], row[6], row[1]});
    }
  }
  return out;
}

TEST_P(ExchangesE2E, OneDayOfCandlesLandsCompleteAndExact) {
  const ExchangeCase& c = GetParam();
  Simulator sim;
  PipelineHarness harness(sim.base_url(c.exchange), c.exchange);
  std::vector<std::string> timeframes;
  for (const DayOfCandles& day : c.days) timeframes.push_back(day.timeframe);
  harness.write_config({"BTC/USDT"}, timeframes);
  const std::string day = yesterday_utc();
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", day});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;

  for (const DayOfCandles& candles : c.days) {
    const auto gold = harness.query(
        "SELECT open_time, open, high, low, close, volume, quote_volume FROM ohlcv WHERE "
        "exchange = '" + c.exchange + "' AND symbol = 'BTC/USDT' AND timeframe = '" +
        candles.timeframe + "' AND is_closed = 1 ORDER BY open_time");
    const auto expected = c.truth(sim, candles, day_start_ms(day));
    ASSERT_EQ(gold.size(), candles.count) << candles.timeframe;
    ASSERT_EQ(expected.size(), candles.count) << candles.timeframe;
    for (std::size_t i = 0; i < candles.count; ++i) {
      CandleText want = expected[i];
      for (std::size_t field = 1; field < want.size(); ++field) {
        if (want[field] != "NULL") want[field] = shortest_decimal(want[field]);
      }
      ASSERT_EQ(gold[i], want) << candles.timeframe << " " << i;
    }
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
  harness.write_config({"BTC/USDT"}, {c.days[0].timeframe, c.days[1].timeframe});
  const ProcessResult run = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", yesterday_utc()});
  ASSERT_EQ(run.exit_code, 0) << run.out << run.err;
  std::size_t candles = 0;
  for (const DayOfCandles& day : c.days) candles += day.count;
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv WHERE is_closed = 1")[0][0],
            std::to_string(candles));
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
  const std::vector<std::string> columns = {"last", "bid", "ask", "high", "low", "base_volume"};
  std::string select = "SELECT symbol";
  for (const std::string& column : columns) select += ", " + column;
  const auto rows = harness.query(select + " FROM tickers ORDER BY symbol");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][0], "BTC/USDT");
  EXPECT_EQ(rows[1][0], "ETH/USDT");
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      const bool absent = c.null_ticker_columns.contains(columns[i]);
      EXPECT_EQ(row[i + 1] == "NULL", absent) << row[0] << " " << columns[i];
    }
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
  EXPECT_EQ(routes.at(c.tickers_path).at("total"), 1) << routes.dump();
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
  harness.write_config({"BTC/USDT", "NOPE/USDT"}, {c.days[0].timeframe});
  const ProcessResult unknown = harness.cryptopipe(
      {"materialize", "--select", "*", "--partition", yesterday_utc()});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.out << unknown.err;
  EXPECT_NE(unknown.err.find("unknown symbol NOPE/USDT on " + c.exchange), std::string::npos)
      << unknown.err;

  if (c.missing_timeframe.empty()) return;  // the venue has every timeframe (KuCoin)
  harness.write_config({"BTC/USDT"}, {c.missing_timeframe});
  const ProcessResult timeframe = harness.cryptopipe({"assets"});
  EXPECT_EQ(timeframe.exit_code, 2);
  EXPECT_NE(timeframe.err.find(c.exchange + " has no " + c.missing_timeframe), std::string::npos)
      << timeframe.err;
}

// A partition older than Gate's 10,000 candles is out of reach at 1m: the run stops before
// fetching, with a line naming the cap, and stores nothing; at 1h the same day is fine.
TEST(ExchangeHistoryCaps, APartitionBeyondTheVenuesCapIsAUsageErrorNamingIt) {
  Simulator sim;
  PipelineHarness harness(sim.base_url("gateio"), "gateio");
  harness.write_config({"BTC/USDT"}, {"1h", "1m"});
  const std::string day = utc_day_ago(8);
  const ProcessResult run =
      harness.cryptopipe({"materialize", "--select", "*", "--partition", day});
  EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
  EXPECT_NE(run.err.find("gateio serves only its 10000 most recent 1m candles"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("partition " + day + " is out of its reach"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(harness.lake_dir() / "bronze"));
  EXPECT_EQ(sim.stats().at("routes").count("/gateio/spot/candlesticks"), 0u);

  harness.write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult hourly = harness.cryptopipe(
      {"materialize", "--select", "*load_ohlcv_to_postgres", "--partition", day});
  ASSERT_EQ(hourly.exit_code, 0) << hourly.out << hourly.err;
  EXPECT_EQ(harness.query("SELECT count(*) FROM ohlcv WHERE timeframe = '1h'")[0][0], "24");
}

// `cryptopipe exchanges` lists every venue of the registry with what it offers.
TEST(ExchangeListing, EveryVenueWithItsDatasetsTimeframesDepthAndCaps) {
  PipelineHarness harness("http://127.0.0.1:9", "bybit");
  harness.write_config({"BTC/USDT"}, {"1m"});
  const ProcessResult run = harness.cryptopipe({"exchanges", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json venues = nlohmann::json::parse(run.out);
  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& venue : venues) by_name[venue.at("name")] = venue;
  ASSERT_TRUE(by_name.contains("binance") && by_name.contains("bybit") && by_name.contains("gateio"));
  const nlohmann::json& gate = by_name.at("gateio");
  EXPECT_EQ(gate.at("datasets"), nlohmann::json({"ohlcv", "tickers", "orderbook", "trades",
                                                 "funding", "open_interest"}));
  EXPECT_EQ(by_name.at("bybit").at("datasets"), gate.at("datasets"));
  EXPECT_EQ(by_name.at("okx").at("datasets"),
            nlohmann::json({"ohlcv", "tickers", "orderbook", "trades"}));
  EXPECT_EQ(by_name.at("binance").at("futures_url"), "https://fapi.binance.com");
  EXPECT_EQ(by_name.at("binance").at("open_interest_history_days"), 30);
  EXPECT_EQ(gate.at("futures_url"), "https://api.gateio.ws/api/v4");
  EXPECT_TRUE(by_name.at("okx").at("futures_url").is_null());
  EXPECT_EQ(by_name.at("binance").at("archive_url"), "https://data.binance.vision");
  EXPECT_EQ(by_name.at("binance").at("archive_datasets"), nlohmann::json({"ohlcv", "trades"}));
  EXPECT_EQ(by_name.at("bybit").at("archive_url"), "https://public.bybit.com");
  EXPECT_EQ(by_name.at("bybit").at("archive_datasets"), nlohmann::json({"trades"}));
  EXPECT_TRUE(gate.at("archive_url").is_null());
  EXPECT_EQ(gate.at("archive_datasets"), nlohmann::json::array());
  EXPECT_EQ(gate.at("timeframes").at("1w"), "7d");
  EXPECT_FALSE(gate.at("timeframes").contains("3m"));
  EXPECT_EQ(gate.at("candles_per_request"), 1000);
  EXPECT_EQ(gate.at("ohlcv_history_candles"), 10000);
  EXPECT_EQ(gate.at("max_depth"), 1000);
  EXPECT_EQ(gate.at("default_base_url"), "https://api.gateio.ws/api/v4");
  EXPECT_TRUE(by_name.at("bybit").at("configured"));
  EXPECT_FALSE(by_name.at("binance").at("configured"));
  for (const auto& [name, venue] : by_name) {
    EXPECT_FALSE(venue.at("timeframes").empty()) << name;
    EXPECT_GT(venue.at("candles_per_request").get<int>(), 0) << name;
  }

  const ProcessResult text = harness.cryptopipe({"exchanges"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("bybit  (configured)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("the 10000 most recent candles per timeframe"), std::string::npos);
  EXPECT_NE(text.out.find("archives: trades of finished days from https://public.bybit.com"),
            std::string::npos)
      << text.out;
}

INSTANTIATE_TEST_SUITE_P(
    BybitAndGateIo, ExchangesE2E,
    ::testing::Values(ExchangeCase{.exchange = "bybit",
                                   .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                                   .missing_timeframe = "8h",
                                   .tickers_path = "/bybit/v5/market/tickers",
                                   .truth = bybit_truth},
                      ExchangeCase{.exchange = "gateio",
                                   .days = {{"1m", 60'000, 1440}, {"1h", 3'600'000, 24}},
                                   .missing_timeframe = "3m",
                                   .tickers_path = "/gateio/spot/tickers",
                                   .truth = gate_truth}),
    [](const auto& info) { return info.param.exchange; });

}  // namespace
}  // namespace cryptopipe::testing
