#include "cryptopipe/pipeline/asset_graph.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe::pipeline {
namespace {

using unit::ThrowsError;
using Keys = std::vector<std::string>;

constexpr const char* kExtract = "extract_binance_ohlcv";
constexpr const char* kTransform = "transform_ohlcv";
constexpr const char* kLoad = "load_ohlcv_to_postgres";
constexpr const char* kExtractTickers = "extract_binance_tickers";
constexpr const char* kTransformTickers = "transform_tickers";
constexpr const char* kLoadTickers = "load_tickers_to_postgres";
constexpr const char* kExtractBooks = "extract_binance_orderbook";
constexpr const char* kTransformBooks = "transform_orderbook";
constexpr const char* kLoadBooks = "load_orderbook_to_postgres";
const Keys kEverything = {kExtract, kExtractTickers, kExtractBooks, kTransform, kTransformTickers,
                          kTransformBooks, kLoad, kLoadTickers, kLoadBooks};

Config default_config() {
  Config config;
  config.exchanges.push_back(ExchangeConfig{.name = "binance",
                                            .base_url = "https://api.binance.com",
                                            .symbols = {Symbol::parse("BTC/USDT")},
                                            .timeframes = {Timeframe::parse("1m")}});
  return config;
}

class Selection : public ::testing::Test {
 protected:
  Keys select(std::string_view text) const { return resolve_selection(graph_, text); }
  AssetGraph graph_ = AssetGraph::from_config(default_config());
};

TEST_F(Selection, OneExchangeGivesThreeChainsOfThreeAssetsInDependencyOrder) {
  Keys keys;
  for (const AssetSpec& asset : graph_.assets()) keys.push_back(asset.key);
  EXPECT_EQ(keys, kEverything);
  EXPECT_EQ(graph_.get(kTransformTickers).deps, Keys{kExtractTickers});
  EXPECT_EQ(graph_.get(kLoadTickers).deps, Keys{kTransformTickers});
  EXPECT_EQ(graph_.get(kExtractTickers).partitioning, "snapshot");
  EXPECT_EQ(graph_.get(kExtract).partitioning, "daily");
  EXPECT_EQ(graph_.get(kLoadBooks).deps, Keys{kTransformBooks});
  EXPECT_EQ(graph_.get(kTransformBooks).deps, Keys{kExtractBooks});
  EXPECT_EQ(graph_.get(kExtractBooks).partitioning, "snapshot");
  EXPECT_EQ(graph_.get(kTransform).deps, Keys{kExtract});
  EXPECT_EQ(graph_.get(kLoad).deps, Keys{kTransform});
  EXPECT_TRUE(graph_.get(kExtract).deps.empty());
  EXPECT_EQ(graph_.get(kExtract).exchange, "binance");
  EXPECT_EQ(graph_.get(kExtract).kind, AssetKind::kExtractOhlcv);
  EXPECT_EQ(graph_.get(kTransform).kind, AssetKind::kTransformOhlcv);
  EXPECT_EQ(graph_.get(kLoad).kind, AssetKind::kLoadOhlcv);
}

TEST_F(Selection, StarSelectsEverything) { EXPECT_EQ(select("*"), kEverything); }

TEST_F(Selection, SingleAsset) {
  EXPECT_EQ(select(kTransform), Keys{kTransform});
  EXPECT_EQ(select(kLoad), Keys{kLoad});
}

TEST_F(Selection, SeveralTermsInTopologicalOrder) {
  EXPECT_EQ(select("load_ohlcv_to_postgres,extract_binance_ohlcv"), (Keys{kExtract, kLoad}));
  EXPECT_EQ(select("transform_ohlcv,transform_ohlcv"), Keys{kTransform});
  EXPECT_EQ(select("load_ohlcv_to_postgres,transform_ohlcv,extract_binance_ohlcv"),
            (Keys{kExtract, kTransform, kLoad}));
}

TEST_F(Selection, PlusAddsOneLevelPerSign) {
  EXPECT_EQ(select("+transform_ohlcv"), (Keys{kExtract, kTransform}));
  EXPECT_EQ(select("transform_ohlcv+"), (Keys{kTransform, kLoad}));
  EXPECT_EQ(select("+load_ohlcv_to_postgres"), (Keys{kTransform, kLoad}));
  EXPECT_EQ(select("++load_ohlcv_to_postgres"), (Keys{kExtract, kTransform, kLoad}));
  EXPECT_EQ(select("extract_binance_ohlcv+"), (Keys{kExtract, kTransform}));
  EXPECT_EQ(select("extract_binance_ohlcv++"), (Keys{kExtract, kTransform, kLoad}));
  EXPECT_EQ(select("+transform_ohlcv+"), (Keys{kExtract, kTransform, kLoad}));
  EXPECT_EQ(select("+extract_binance_ohlcv"), Keys{kExtract});
  EXPECT_EQ(select("load_ohlcv_to_postgres+"), Keys{kLoad});
}

TEST_F(Selection, StarAddsEveryLevel) {
  EXPECT_EQ(select("*load_ohlcv_to_postgres"), (Keys{kExtract, kTransform, kLoad}));
  EXPECT_EQ(select("extract_binance_ohlcv*"), (Keys{kExtract, kTransform, kLoad}));
  EXPECT_EQ(select("*transform_ohlcv"), (Keys{kExtract, kTransform}));
  EXPECT_EQ(select("transform_ohlcv*"), (Keys{kTransform, kLoad}));
}

TEST_F(Selection, Groups) {
  EXPECT_EQ(select("group:bronze"), (Keys{kExtract, kExtractTickers, kExtractBooks}));
  EXPECT_EQ(select("group:silver"), (Keys{kTransform, kTransformTickers, kTransformBooks}));
  EXPECT_EQ(select("group:gold"), (Keys{kLoad, kLoadTickers, kLoadBooks}));
  EXPECT_EQ(select("group:gold,group:bronze"),
            (Keys{kExtract, kExtractTickers, kExtractBooks, kLoad, kLoadTickers, kLoadBooks}));
}

TEST_F(Selection, SpacesAroundTermsAreIgnored) {
  EXPECT_EQ(select("  transform_ohlcv , load_ohlcv_to_postgres  "), (Keys{kTransform, kLoad}));
  EXPECT_EQ(select(" * "), kEverything);
  EXPECT_EQ(select(" group:silver"), (Keys{kTransform, kTransformTickers, kTransformBooks}));
  EXPECT_EQ(select("+transform_ohlcv ,extract_binance_ohlcv"), (Keys{kExtract, kTransform}));
}

TEST_F(Selection, UnknownAssetIsInvalidInputNamingIt) {
  EXPECT_TRUE(ThrowsError([&] { select("transform_ohclv"); }, ErrorKind::kInvalidInput,
                          {"transform_ohclv"}));
  EXPECT_TRUE(ThrowsError([&] { select("transform_ohlcv,nope"); }, ErrorKind::kInvalidInput,
                          {"nope"}));
  EXPECT_TRUE(ThrowsError([&] { select("+nope+"); }, ErrorKind::kInvalidInput, {"nope"}));
  EXPECT_TRUE(ThrowsError([&] { select("+"); }, ErrorKind::kInvalidInput));
  EXPECT_TRUE(ThrowsError([&] { select("**transform_ohlcv"); }, ErrorKind::kInvalidInput));
  EXPECT_TRUE(ThrowsError([&] { select("transform_ohlcv+x"); }, ErrorKind::kInvalidInput));
}

TEST_F(Selection, UnknownGroupIsInvalidInputNamingIt) {
  EXPECT_TRUE(ThrowsError([&] { select("group:platinum"); }, ErrorKind::kInvalidInput,
                          {"platinum"}));
  EXPECT_TRUE(ThrowsError([&] { select("group:"); }, ErrorKind::kInvalidInput, {"group"}));
}

TEST_F(Selection, EmptySelectionsAndTermsAreInvalidInput) {
  for (const char* text : {"", " ", "transform_ohlcv,,load_ohlcv_to_postgres",
                           "transform_ohlcv,", ",transform_ohlcv", "transform_ohlcv, ,*"}) {
    EXPECT_TRUE(ThrowsError([&] { select(text); }, ErrorKind::kInvalidInput, {"empty"}))
        << "'" << text << "'";
  }
  EXPECT_TRUE(ThrowsError([&] { select("a,,b"); }, ErrorKind::kInvalidInput));
}

TEST_F(Selection, GetNamesTheKnownAssets) {
  EXPECT_TRUE(ThrowsError([&] { graph_.get("nope"); }, ErrorKind::kInvalidInput,
                          {"nope", kExtract, kTransform, kLoad}));
  EXPECT_TRUE(graph_.contains(kTransform));
  EXPECT_FALSE(graph_.contains("nope"));
  EXPECT_EQ(graph_.dependents(kExtract), Keys{kTransform});
  EXPECT_EQ(graph_.dependents(kTransform), Keys{kLoad});
  EXPECT_TRUE(graph_.dependents(kLoad).empty());
}

TEST(AssetGraph, OneExtractAssetPerExchangeAllFeedingTheTransform) {
  Config config = default_config();
  ExchangeConfig second = config.exchanges[0];
  second.name = "kraken";
  config.exchanges.push_back(second);
  const AssetGraph graph = AssetGraph::from_config(config);
  Keys keys;
  std::set<std::string> seen;
  for (const AssetSpec& asset : graph.assets()) {
    for (const std::string& dep : asset.deps) {
      EXPECT_TRUE(seen.contains(dep)) << asset.key << " comes before its dependency " << dep;
    }
    seen.insert(asset.key);
    keys.push_back(asset.key);
  }
  EXPECT_EQ(keys.size(), 12u);
  EXPECT_EQ(graph.get(kTransform).deps, (Keys{"extract_binance_ohlcv", "extract_kraken_ohlcv"}));
  EXPECT_EQ(graph.get(kTransformTickers).deps,
            (Keys{"extract_binance_tickers", "extract_kraken_tickers"}));
  EXPECT_EQ(resolve_selection(graph, "group:bronze"),
            (Keys{"extract_binance_ohlcv", "extract_binance_tickers", "extract_binance_orderbook",
                  "extract_kraken_ohlcv", "extract_kraken_tickers", "extract_kraken_orderbook"}));
  EXPECT_EQ(resolve_selection(graph, "+transform_ohlcv"),
            (Keys{"extract_binance_ohlcv", "extract_kraken_ohlcv", kTransform}));
  EXPECT_EQ(resolve_selection(graph, "extract_kraken_ohlcv+"),
            (Keys{"extract_kraken_ohlcv", kTransform}));
}

TEST(AssetGraph, PerpetualAssetsExistOnlyForExchangesWithPerpSymbols) {
  Config config = default_config();
  ExchangeConfig second = config.exchanges[0];
  second.name = "gateio";
  second.perp_symbols = {Symbol::parse("BTC/USDT:USDT")};
  config.exchanges.push_back(second);
  const AssetGraph graph = AssetGraph::from_config(config);
  EXPECT_FALSE(graph.contains("extract_binance_funding"));
  for (const std::string dataset : {"funding", "open_interest"}) {
    const AssetSpec& extract = graph.get("extract_gateio_" + dataset);
    EXPECT_EQ(extract.group, "bronze");
    EXPECT_EQ(extract.partitioning, "daily");
    const AssetSpec& transform = graph.get("transform_" + dataset);
    EXPECT_EQ(transform.deps, (Keys{"extract_gateio_" + dataset}));
    EXPECT_EQ(transform.checks, (Keys{dataset + "_complete", dataset + "_no_rejects"}));
    EXPECT_TRUE(transform.tolerates_failed_deps);
    EXPECT_EQ(graph.get("load_" + dataset + "_to_postgres").deps, (Keys{"transform_" + dataset}));
  }
  EXPECT_FALSE(AssetGraph::from_config(default_config()).contains("transform_funding"));
}

TEST(AssetGraph, TradesAssetsExistOnlyForExchangesWithTradeSymbols) {
  Config config = default_config();
  ExchangeConfig second = config.exchanges[0];
  second.name = "okx";
  second.trade_symbols = {Symbol::parse("BTC/USDT")};
  config.exchanges.push_back(second);
  const AssetGraph graph = AssetGraph::from_config(config);
  EXPECT_FALSE(graph.contains("extract_binance_trades"));
  const AssetSpec& extract = graph.get("extract_okx_trades");
  EXPECT_EQ(extract.group, "bronze");
  EXPECT_EQ(extract.partitioning, "daily");
  EXPECT_EQ(extract.exchange, "okx");
  const AssetSpec& transform = graph.get("transform_trades");
  EXPECT_EQ(transform.deps, (Keys{"extract_okx_trades"}));
  EXPECT_EQ(transform.checks, (Keys{"trades_contiguous", "trades_no_rejects"}));
  EXPECT_TRUE(transform.tolerates_failed_deps);
  EXPECT_EQ(graph.get("load_trades_to_postgres").deps, (Keys{"transform_trades"}));
  EXPECT_EQ(resolve_selection(graph, "load_trades_to_postgres*"), (Keys{"load_trades_to_postgres"}));
  EXPECT_EQ(resolve_selection(graph, "*load_trades_to_postgres"),
            (Keys{"extract_okx_trades", "transform_trades", "load_trades_to_postgres"}));

  EXPECT_FALSE(AssetGraph::from_config(default_config()).contains("transform_trades"));
}

TEST(AssetGraph, ToJsonDescribesEveryAsset) {
  const nlohmann::json json = AssetGraph::from_config(default_config()).to_json();
  ASSERT_TRUE(json.contains("assets"));
  const nlohmann::json& assets = json["assets"];
  ASSERT_TRUE(assets.is_array());
  ASSERT_EQ(assets.size(), 9u);
  for (const auto& asset : assets) {
    for (const char* field : {"key", "group", "deps", "partitioning", "description", "checks",
                              "exchange"}) {
      EXPECT_TRUE(asset.contains(field)) << field << " missing in " << asset.dump();
    }
    EXPECT_TRUE(asset["deps"].is_array());
    EXPECT_TRUE(asset["checks"].is_array());
    const bool ohlcv = asset["key"].get<std::string>().find("ohlcv") != std::string::npos;
    EXPECT_EQ(asset["partitioning"], ohlcv ? "daily" : "snapshot");
    EXPECT_FALSE(asset["description"].get<std::string>().empty());
  }
  EXPECT_EQ(assets[0]["key"], kExtract);
  EXPECT_EQ(assets[0]["group"], "bronze");
  EXPECT_EQ(assets[0]["deps"], nlohmann::json::array());
  EXPECT_EQ(assets[0]["exchange"], "binance");
  EXPECT_EQ(assets[3]["key"], kTransform);
  EXPECT_EQ(assets[3]["group"], "silver");
  EXPECT_EQ(assets[3]["deps"], nlohmann::json::array({kExtract}));
  EXPECT_EQ(assets[3]["checks"], nlohmann::json::array({"ohlcv_no_gaps", "ohlcv_no_rejects", "ohlcv_no_duplicates"}));
  EXPECT_TRUE(assets[3]["exchange"].is_null());
  EXPECT_EQ(assets[6]["key"], kLoad);
  EXPECT_EQ(assets[6]["group"], "gold");
  EXPECT_EQ(assets[6]["deps"], nlohmann::json::array({kTransform}));
}

}  // namespace
}  // namespace cryptopipe::pipeline
