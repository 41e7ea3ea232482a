// Bad input exits 2 with one line naming the problem, and nothing is stored.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/pipeline_harness.h"

namespace cryptopipe::testing {
namespace {

class CliErrorsE2E : public ::testing::Test {
 protected:
  void expect_usage_error(const ProcessResult& run, const std::string& message) {
    EXPECT_EQ(run.exit_code, 2) << run.out << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << "stderr: " << run.err;
    if (std::filesystem::exists(harness_.warehouse_path())) {
      EXPECT_EQ(harness_.query("SELECT count(*) FROM ohlcv")[0][0], "0");
    }
  }

  Simulator sim_;
  PipelineHarness harness_{sim_.base_url("binance")};
};

TEST_F(CliErrorsE2E, UnknownSymbol) {
  harness_.write_config({"BTC/USDT", "FOO/USDT"}, {"1m"});
  const auto run = harness_.cryptopipe({"materialize", "--select", "*", "--partition", yesterday_utc()});
  expect_usage_error(run, "unknown symbol FOO/USDT on binance");
  EXPECT_FALSE(std::filesystem::exists(harness_.lake_dir() / "bronze"));
}

TEST_F(CliErrorsE2E, BadTimeframe) {
  harness_.write_config({"BTC/USDT"}, {"1m", "7m"});
  const auto run = harness_.cryptopipe({"materialize", "--select", "*", "--partition", yesterday_utc()});
  expect_usage_error(run, "exchanges.binance.timeframes[1]: bad timeframe '7m'");
}

TEST_F(CliErrorsE2E, BadSymbolSpelling) {
  harness_.write_config({"btcusdt"}, {"1m"});
  const auto run = harness_.cryptopipe({"assets"});
  expect_usage_error(run, "exchanges.binance.symbols[0]: bad symbol 'btcusdt'");
}

TEST_F(CliErrorsE2E, BadDates) {
  harness_.write_config({"BTC/USDT"}, {"1m"});
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "*", "--partition", "2026-02-30"}),
                     "bad date '2026-02-30'");
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "*", "--partition", "yesterday"}),
                     "bad date 'yesterday'");
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "*", "--from", "2026-01-05",
                                          "--to", "2026-01-01"}),
                     "--to 2026-01-01 is before --from 2026-01-05");
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "*", "--partition", "2999-01-01"}),
                     "it is in the future");
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "*"}),
                     "materialize needs --partition DAY");
}

TEST_F(CliErrorsE2E, UnreadableOrInvalidConfig) {
  expect_usage_error(harness_.cryptopipe({"--config", (harness_.dir() / "missing.yaml").string(), "assets"}),
                     "cannot read the configuration file");
  {
    std::ofstream out(harness_.config_path());
    out << "exchanges: [unclosed\n";
  }
  expect_usage_error(harness_.cryptopipe({"assets"}), "not valid YAML");
  {
    std::ofstream out(harness_.config_path());
    out << "lake: file:///tmp/x\nwarehuose: sqlite:///tmp/x.db\n";
  }
  expect_usage_error(harness_.cryptopipe({"assets"}), "unknown key 'warehuose'");
  {
    std::ofstream out(harness_.config_path());
    out << "exchanges:\n  binance:\n    base_url: ftp://example\n";
  }
  expect_usage_error(harness_.cryptopipe({"assets"}), "exchanges.binance.base_url: bad URL 'ftp://example'");
}

TEST_F(CliErrorsE2E, UnknownAssetAndBadUsage) {
  harness_.write_config({"BTC/USDT"}, {"1m"});
  expect_usage_error(harness_.cryptopipe({"materialize", "--select", "extract_kraken_ohlcv",
                                          "--partition", yesterday_utc()}),
                     "unknown asset 'extract_kraken_ohlcv'");
  expect_usage_error(harness_.cryptopipe({"frobnicate"}), "cryptopipe: error:");
  expect_usage_error(harness_.cryptopipe({"materialize", "--partition", yesterday_utc()}),
                     "--select is required");
}

TEST_F(CliErrorsE2E, AssetsJsonIsTheGraph) {
  harness_.write_config({"BTC/USDT"}, {"1m"});
  const auto run = harness_.cryptopipe({"assets", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto graph = nlohmann::json::parse(run.out);
  std::vector<std::string> keys;
  for (const auto& asset : graph.at("assets")) keys.push_back(asset.at("key"));
  EXPECT_EQ(keys, (std::vector<std::string>{
                      "extract_binance_ohlcv", "extract_binance_tickers",
                      "extract_binance_orderbook", "transform_ohlcv", "transform_tickers",
                      "transform_orderbook", "load_ohlcv_to_postgres", "load_tickers_to_postgres",
                      "load_orderbook_to_postgres"}));
  EXPECT_EQ(graph.at("assets")[6].at("deps"), nlohmann::json::array({"transform_ohlcv"}));
  EXPECT_EQ(graph.at("assets")[0].at("group"), "bronze");
}

TEST_F(CliErrorsE2E, HelpForEachSubcommand) {
  const auto top = harness_.cryptopipe({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("Exit codes: 0"), std::string::npos) << top.out;
  EXPECT_NE(top.out.find("materialize"), std::string::npos);
  const auto assets = harness_.cryptopipe({"assets", "--help"});
  EXPECT_EQ(assets.exit_code, 0);
  EXPECT_NE(assets.out.find("--json"), std::string::npos) << assets.out;
  const auto materialize = harness_.cryptopipe({"materialize", "--help"});
  EXPECT_EQ(materialize.exit_code, 0);
  EXPECT_NE(materialize.out.find("--select"), std::string::npos) << materialize.out;
  EXPECT_NE(materialize.out.find("group:bronze"), std::string::npos) << materialize.out;
}

}  // namespace
}  // namespace cryptopipe::testing
