// Kraken under /kraken: OHLC rows under the pair's key with only the 720 most recent candles,
// `since` exclusive, the bulk Ticker, Depth, the AssetPairs and Assets ccxt loads, errors in
// HTTP 200 envelopes, the shared per-IP limit and its lockout, injected faults and gzip.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;   // 2024-01-30T18:40:00Z
constexpr std::int64_t kOpenHourS = 1706637600;  // the hourly candle containing now
const std::string kNow = std::to_string(kNowMs);
const std::string kOhlc = "/kraken/0/public/OHLC?pair=XBTUSDT&interval=60";
// Enough for every test's requests within the frozen window.
const std::vector<std::string> kArgs = {"--now-ms", kNow, "--kraken-limit", "1000"};

std::vector<std::int64_t> times_of(const nlohmann::ordered_json& rows) {
  std::vector<std::int64_t> times;
  for (const auto& row : rows) times.push_back(row.at(0).get<std::int64_t>());
  return times;
}

std::pair<int, std::string> answer(const Simulator& simulator, const std::string& path) {
  const auto result = simulator.get(path);
  return result ? std::make_pair(result->status, result->body) : std::make_pair(-1, "");
}

std::pair<int, std::string> error_answer(std::string_view code) {
  return {200, R"({"error":[")" + std::string(code) + R"("]})"};
}

TEST(KrakenOhlc, RowsUnderThePairKeyOldestFirstSinceExclusiveTheOpenCandleLast) {
  const Simulator simulator(kArgs);
  const auto body =
      get_ordered_json(simulator, kOhlc + "&since=" + std::to_string(kOpenHourS - 7200));
  EXPECT_EQ(body.at("error"), nlohmann::ordered_json::array());
  const auto& result = body.at("result");
  EXPECT_EQ(key_types(result), (std::vector<std::pair<std::string, std::string>>{
                                   {"XBTUSDT", "array"}, {"last", "integer"}}));
  // Opening after since: the candle opening at it is left out; the open one comes last.
  EXPECT_EQ(times_of(result.at("XBTUSDT")),
            (std::vector<std::int64_t>{kOpenHourS - 3600, kOpenHourS}));
  EXPECT_EQ(result.at("last"), kOpenHourS - 3600);  // the newest closed candle
  for (const auto& row : result.at("XBTUSDT")) {
    EXPECT_EQ(element_types(row), (std::vector<std::string>{"integer", "string", "string", "string",
                                                            "string", "string", "string",
                                                            "integer"}))
        << row.dump();
  }
  // An unaligned since keeps the candles opening after it.
  const auto unaligned =
      get_ordered_json(simulator, kOhlc + "&since=" + std::to_string(kOpenHourS - 5000));
  EXPECT_EQ(times_of(unaligned.at("result").at("XBTUSDT")),
            (std::vector<std::int64_t>{kOpenHourS - 3600, kOpenHourS}));
}

TEST(KrakenOhlc, OnlyTheSevenHundredTwentyMostRecentCandlesExist) {
  const Simulator simulator(kArgs);
  for (const std::string& since : {std::string(), std::string("&since=0"),
                                   "&since=" + std::to_string(kOpenHourS - 2000 * 3600)}) {
    const auto rows = get_ordered_json(simulator, kOhlc + since).at("result").at("XBTUSDT");
    ASSERT_EQ(rows.size(), 720u) << since;
    EXPECT_EQ(rows.front().at(0), kOpenHourS - 719 * 3600) << since;
    EXPECT_EQ(rows.back().at(0), kOpenHourS) << since;
  }
  // Weeks open on Monday 00:00 UTC (1706486400 is Monday 2024-01-29).
  const auto weeks =
      get_ordered_json(simulator, "/kraken/0/public/OHLC?pair=XBTUSDT&interval=10080")
          .at("result")
          .at("XBTUSDT");
  EXPECT_EQ(weeks.back().at(0), 1706486400);
  // The interval defaults to a minute.
  const auto minutes =
      get_ordered_json(simulator, "/kraken/0/public/OHLC?pair=XBTUSDT").at("result").at("XBTUSDT");
  EXPECT_EQ(minutes.back().at(0), kNowMs / 1000);
}

TEST(KrakenOhlc, ErrorsComeInHttp200Envelopes) {
  const Simulator simulator(kArgs);
  EXPECT_EQ(answer(simulator, "/kraken/0/public/OHLC?pair=NOPEUSDT&interval=60"),
            error_answer("EQuery:Unknown asset pair"));
  EXPECT_EQ(answer(simulator, "/kraken/0/public/OHLC?interval=60"),
            error_answer("EQuery:Unknown asset pair"));
  EXPECT_EQ(answer(simulator, kOhlc.substr(0, kOhlc.size() - 2) + "120"),
            error_answer("EGeneral:Invalid arguments"));
  EXPECT_EQ(answer(simulator, kOhlc + "&since=yesterday"),
            error_answer("EGeneral:Invalid arguments"));
}

TEST(KrakenOhlc, TheSameCandlesAsGateAtTheTicksDecimals) {
  const Simulator simulator(kArgs);
  const auto rows =
      get_ordered_json(simulator, kOhlc + "&since=1706486399").at("result").at("XBTUSDT");
  const auto gate = get_ordered_json(
      simulator, "/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1h&from=1706486400"
                 "&to=1706569200");
  ASSERT_EQ(gate.size(), 24u);
  ASSERT_GE(rows.size(), 24u);
  const auto units = [](const nlohmann::ordered_json& text) {
    return decimal_text_units(text.get<std::string>());
  };
  for (std::size_t i = 0; i < 24; ++i) {
    const auto& k = rows[i];  // [t, open, high, low, close, vwap, volume, count]
    const auto& g = gate[i];  // [t, quote volume, close, high, low, open, volume, closed]
    EXPECT_EQ(std::to_string(k[0].get<std::int64_t>()), g[0].get<std::string>());
    EXPECT_EQ(units(k[1]), units(g[5]));
    EXPECT_EQ(units(k[2]), units(g[3]));
    EXPECT_EQ(units(k[3]), units(g[4]));
    EXPECT_EQ(units(k[4]), units(g[2]));
    EXPECT_EQ(units(k[6]), units(g[6]));
    const std::string volume = k[6];
    EXPECT_EQ(volume.size() - volume.find('.'), 9u);  // eight decimals
  }
}

TEST(KrakenMarketData, TickersOfAskedPairsOrOfEveryPairInOneAnswer) {
  const Simulator simulator(kArgs);
  const auto asked =
      get_ordered_json(simulator, "/kraken/0/public/Ticker?pair=BTCUSDT,XDGUSDT").at("result");
  // Asked as BTCUSDT, answered under Kraken's own key.
  EXPECT_EQ(key_types(asked), (std::vector<std::pair<std::string, std::string>>{
                                  {"XBTUSDT", "object"}, {"XDGUSDT", "object"}}));
  const auto& btc = asked.at("XBTUSDT");
  EXPECT_EQ(key_types(btc), (std::vector<std::pair<std::string, std::string>>{
                                {"a", "array"}, {"b", "array"}, {"c", "array"}, {"v", "array"},
                                {"p", "array"}, {"t", "array"}, {"l", "array"}, {"h", "array"},
                                {"o", "string"}}));
  EXPECT_EQ(element_types(btc.at("t")), (std::vector<std::string>{"integer", "integer"}));
  EXPECT_LT(decimal_text_units(btc.at("b")[0].get<std::string>()),
            decimal_text_units(btc.at("a")[0].get<std::string>()));
  // The 24 h volume is the one every venue reports (Coinbase's stats, the same day_stats).
  const auto coinbase = get_ordered_json(simulator, "/coinbase/products/BTC-USDT/stats");
  EXPECT_EQ(decimal_text_units(btc.at("v")[1].get<std::string>()),
            decimal_text_units(coinbase.at("volume").get<std::string>()));
  EXPECT_EQ(decimal_text_units(btc.at("c")[0].get<std::string>()),
            decimal_text_units(coinbase.at("last").get<std::string>()));
  EXPECT_EQ(get_ordered_json(simulator, "/kraken/0/public/Ticker").at("result").size(), 20u);
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Ticker?pair=XBTUSDT,NOPE"),
            error_answer("EQuery:Unknown asset pair"));
}

TEST(KrakenMarketData, DepthCountsOneToFiveHundred) {
  const Simulator simulator(kArgs);
  const auto book = get_ordered_json(simulator, "/kraken/0/public/Depth?pair=ETHUSDT&count=5")
                        .at("result")
                        .at("ETHUSDT");
  ASSERT_EQ(book.at("asks").size(), 5u);
  ASSERT_EQ(book.at("bids").size(), 5u);
  EXPECT_EQ(element_types(book.at("asks")[0]),
            (std::vector<std::string>{"string", "string", "integer"}));
  EXPECT_LT(decimal_text_units(book.at("bids")[0][0].get<std::string>()),
            decimal_text_units(book.at("asks")[0][0].get<std::string>()));
  EXPECT_EQ(get_ordered_json(simulator, "/kraken/0/public/Depth?pair=ETHUSDT")
                .at("result").at("ETHUSDT").at("bids").size(), 100u);
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Depth?pair=ETHUSDT&count=501"),
            error_answer("EGeneral:Invalid arguments"));
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Depth?pair=ETHUSDT&count=0"),
            error_answer("EGeneral:Invalid arguments"));
}

TEST(KrakenMarketData, AssetPairsAndAssetsAsCcxtLoadsThem) {
  const Simulator simulator(kArgs);
  const auto pairs = get_ordered_json(simulator, "/kraken/0/public/AssetPairs").at("result");
  ASSERT_EQ(pairs.size(), 20u);
  const auto& btc = pairs.at("XBTUSDT");
  EXPECT_EQ(btc.at("altname"), "XBTUSDT");
  EXPECT_EQ(btc.at("wsname"), "XBT/USDT");
  EXPECT_EQ(btc.at("base"), "XXBT");
  EXPECT_EQ(btc.at("quote"), "USDT");
  EXPECT_EQ(btc.at("status"), "online");
  EXPECT_EQ(pairs.at("XDGUSDT").at("base"), "XXDG");
  EXPECT_EQ(pairs.at("SOLUSDT").at("base"), "SOL");
  const auto assets = get_ordered_json(simulator, "/kraken/0/public/Assets").at("result");
  EXPECT_EQ(assets.at("XXBT").at("altname"), "XBT");
  EXPECT_EQ(assets.at("XXDG").at("altname"), "XDG");
  EXPECT_EQ(assets.at("USDT").at("status"), "enabled");
  EXPECT_EQ(element_types(nlohmann::ordered_json::array({assets.at("USDT").at("decimals")})),
            (std::vector<std::string>{"integer"}));
}

TEST(KrakenLimits, OneBudgetForEveryEndpointThenTooManyRequests) {
  const Simulator simulator({"--now-ms", kNow, "--kraken-limit", "3"});
  EXPECT_EQ(simulator.get("/kraken/0/public/AssetPairs")->status, 200);
  EXPECT_EQ(simulator.get("/kraken/0/public/Assets")->status, 200);
  EXPECT_EQ(simulator.get("/kraken/0/public/Ticker")->status, 200);
  EXPECT_EQ(answer(simulator, kOhlc), error_answer("EGeneral:Too many requests"));
  // Other venues keep their own budgets.
  EXPECT_EQ(simulator.get("/gateio/spot/currency_pairs")->status, 200);
}

TEST(KrakenLimits, GoingOverWithALockoutShutsTheClientOut) {
  const Simulator simulator(
      {"--now-ms", kNow, "--kraken-limit", "1", "--kraken-lockout-seconds", "60"});
  EXPECT_EQ(simulator.get("/kraken/0/public/Assets")->status, 200);
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Assets"),
            error_answer("EGeneral:Temporary lockout"));
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Ticker"),
            error_answer("EGeneral:Temporary lockout"));
}

TEST(KrakenFaults, InjectedFailuresAreWordedAsKraken) {
  const Simulator simulator(kArgs);
  simulator.set_faults({{"rate_limit_every", 1}, {"retry_after", 2}});
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Ticker"),
            error_answer("EAPI:Rate limit exceeded"));
  simulator.set_faults({{"rate_limit_every", 0}, {"error_rate", 1.0}});
  EXPECT_EQ(answer(simulator, "/kraken/0/public/Ticker"),
            std::make_pair(500, std::string(R"({"error":["EGeneral:Internal error"]})")));
}

TEST(KrakenFaults, CandleGapsApplyUnderThePairKeyAndAnswersAreGzipped) {
  const Simulator simulator(kArgs);
  simulator.set_faults({{"gap_from_ms", (kOpenHourS - 3600) * 1000},
                        {"gap_to_ms", kOpenHourS * 1000 - 1}});
  const auto body =
      get_ordered_json(simulator, kOhlc + "&since=" + std::to_string(kOpenHourS - 10800));
  EXPECT_EQ(times_of(body.at("result").at("XBTUSDT")),
            (std::vector<std::int64_t>{kOpenHourS - 7200, kOpenHourS}));
  EXPECT_TRUE(body.at("result").contains("last"));
  // An error envelope passes through the candle switches untouched.
  EXPECT_EQ(answer(simulator, "/kraken/0/public/OHLC?pair=NOPE"),
            error_answer("EQuery:Unknown asset pair"));
  const auto compressed = simulator.get("/kraken/0/public/Ticker", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
}

}  // namespace
}  // namespace cryptopipe::testing
