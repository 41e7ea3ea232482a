// The simulator's linear perpetuals (Binance USD-M, Bybit linear, Gate futures USDT): one
// synthetic perpetual per USDT market, the same funding and open interest on every venue, each
// venue's order, paging, reach, limits and errors.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;     // 2024-01-30T18:40:00Z
constexpr std::int64_t kDayStart = 1706572800000;  // 2024-01-30T00:00:00Z
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kFiveMinutesMs = 300'000;

std::string ms(std::int64_t value) { return std::to_string(value); }

// "0.00010000" and "0.0001" are one value: compare the venues' spellings trimmed.
std::string trimmed(std::string decimal) {
  if (decimal.find('.') == std::string::npos) return decimal;
  while (decimal.back() == '0') decimal.pop_back();
  if (decimal.back() == '.') decimal.pop_back();
  return decimal;
}

// Binance's eight-decimal base amount as a count of 0.0001-base contracts: "24844.13230000" is
// 248441323.
std::string contracts_of(std::string base) {
  base.erase(base.find('.'), 1);
  base.resize(base.size() - 4);
  return base.substr(base.find_first_not_of('0'));
}

class SimPerpetuals : public ::testing::Test {
 protected:
  nlohmann::json get(const std::string& path) const { return sim_.get_json(path); }
  // The status and parsed body of an answer that may be an error.
  std::pair<int, nlohmann::json> answer(const std::string& path) const {
    const auto result = sim_.get(path);
    return {result->status, nlohmann::json::parse(result->body)};
  }

  Simulator sim_{{"--now-ms", ms(kNowMs)}};
};

TEST_F(SimPerpetuals, FundingIsEveryEightHoursAndTheSameOnEveryVenue) {
  const nlohmann::json binance = get("/binance/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=" +
                                     ms(kDayStart - 24 * kHourMs) + "&endTime=" + ms(kNowMs));
  ASSERT_EQ(binance.size(), 6u);  // the day before, and today's 00:00, 08:00, 16:00
  std::set<std::string> rates;
  for (std::size_t i = 0; i < binance.size(); ++i) {
    EXPECT_EQ(binance[i].at("fundingTime").get<std::int64_t>(),
              kDayStart - 24 * kHourMs + static_cast<std::int64_t>(i) * 8 * kHourMs);
    EXPECT_EQ(binance[i].at("symbol"), "BTCUSDT");
    const std::string rate = binance[i].at("fundingRate");
    EXPECT_EQ(rate.size() - rate.find('.'), 9u) << rate;  // eight decimals
    rates.insert(rate);
    EXPECT_GT(std::stod(binance[i].at("markPrice").get<std::string>()), 0);
  }
  EXPECT_GT(rates.size(), 1u);

  const nlohmann::json bybit =
      get("/bybit/v5/market/funding/history?category=linear&symbol=BTCUSDT&startTime=" +
          ms(kDayStart - 24 * kHourMs) + "&endTime=" + ms(kNowMs))
          .at("result")
          .at("list");
  const nlohmann::json gate = get("/gateio/futures/usdt/funding_rate?contract=BTC_USDT&from=" +
                                  ms((kDayStart - 24 * kHourMs) / 1000));
  ASSERT_EQ(bybit.size(), 6u);
  ASSERT_EQ(gate.size(), 6u);
  for (std::size_t i = 0; i < 6; ++i) {
    const nlohmann::json& event = binance[5 - i];  // Bybit and Gate send the newest first
    EXPECT_EQ(bybit[i].at("fundingRateTimestamp"), ms(event.at("fundingTime")));
    EXPECT_EQ(bybit[i].at("fundingRate"), trimmed(event.at("fundingRate")));
    EXPECT_EQ(gate[i].at("t").get<std::int64_t>() * 1000, event.at("fundingTime"));
    EXPECT_EQ(gate[i].at("r"), trimmed(event.at("fundingRate")));
  }
}

TEST_F(SimPerpetuals, OpenInterestAgreesInBaseUnitsAcrossVenues) {
  const std::string window = "&startTime=" + ms(kDayStart) + "&endTime=" + ms(kDayStart + kHourMs - 1);
  const nlohmann::json binance = get(
      "/binance/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&limit=500" + window);
  ASSERT_EQ(binance.size(), 12u);
  const nlohmann::json bybit =
      get("/bybit/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min"
          "&limit=200" + window)
          .at("result");
  const nlohmann::json gate = get("/gateio/futures/usdt/contract_stats?contract=BTC_USDT&limit=12"
                                  "&interval=5m&from=" + ms(kDayStart / 1000));
  const nlohmann::json contract = get("/gateio/futures/usdt/contracts/BTC_USDT");
  EXPECT_EQ(contract.at("quanto_multiplier"), "0.0001");
  ASSERT_EQ(bybit.at("list").size(), 12u);
  EXPECT_EQ(bybit.at("nextPageCursor"), "");
  ASSERT_EQ(gate.size(), 12u);
  for (std::size_t i = 0; i < 12; ++i) {
    const nlohmann::json& sample = binance[i];
    EXPECT_EQ(sample.at("timestamp").get<std::int64_t>(),
              kDayStart + static_cast<std::int64_t>(i) * kFiveMinutesMs);
    const std::string base = sample.at("sumOpenInterest");
    EXPECT_EQ(bybit.at("list")[11 - i].at("openInterest"), base);
    EXPECT_EQ(bybit.at("list")[11 - i].at("timestamp"), ms(sample.at("timestamp")));
    // Gate counts contracts of 0.0001 base: the same digits, four places to the right.
    const std::int64_t contracts = gate[i].at("open_interest");
    EXPECT_EQ(std::to_string(contracts), contracts_of(base));
    EXPECT_TRUE(gate[i].at("open_interest_usd").is_number());
    EXPECT_EQ(gate[i].at("time").get<std::int64_t>() * 1000, sample.at("timestamp"));
  }
}

TEST_F(SimPerpetuals, BybitPagesOpenInterestByCursorOverADayExactlyOnce) {
  std::string cursor;
  std::vector<std::int64_t> times;
  for (int page = 0; page < 10; ++page) {
    const nlohmann::json result =
        get("/bybit/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=5min"
            "&limit=100&startTime=" + ms(kDayStart - 24 * kHourMs) + "&endTime=" +
            ms(kDayStart - 1) + (cursor.empty() ? "" : "&cursor=" + cursor))
            .at("result");
    for (const nlohmann::json& sample : result.at("list")) {
      times.push_back(std::stoll(sample.at("timestamp").get<std::string>()));
    }
    cursor = result.at("nextPageCursor");
    if (cursor.empty()) break;
  }
  ASSERT_EQ(times.size(), 288u);
  for (std::size_t i = 0; i < times.size(); ++i) {
    EXPECT_EQ(times[i], kDayStart - static_cast<std::int64_t>(i + 1) * kFiveMinutesMs);
  }
}

TEST_F(SimPerpetuals, NothingComesFromTheFuture) {
  const nlohmann::json funding =
      get("/binance/fapi/v1/fundingRate?symbol=BTCUSDT&startTime=" + ms(kNowMs - kHourMs));
  EXPECT_TRUE(funding.empty());  // 16:00 was before, 00:00 tomorrow has not come
  const nlohmann::json latest =
      get("/binance/futures/data/openInterestHist?symbol=BTCUSDT&period=5m&limit=3");
  ASSERT_EQ(latest.size(), 3u);
  EXPECT_EQ(latest[2].at("timestamp").get<std::int64_t>(), kNowMs);  // 18:40 on the dot
}

TEST_F(SimPerpetuals, EachVenueRefusesWhatItRefuses) {
  auto [status, body] = answer("/binance/fapi/v1/fundingRate?symbol=NOPEUSDT");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.at("code"), -1121);
  std::tie(status, body) =
      answer("/binance/futures/data/openInterestHist?symbol=BTCUSDT&period=7m");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.at("code"), -1130);
  std::tie(status, body) = answer("/binance/futures/data/openInterestHist?symbol=BTCUSDT"
                                  "&period=5m&startTime=" + ms(kNowMs - 31 * 24 * kHourMs));
  EXPECT_EQ(status, 400);
  EXPECT_NE(body.at("msg").get<std::string>().find("startTime"), std::string::npos);

  std::tie(status, body) = answer("/bybit/v5/market/funding/history?category=linear"
                                  "&symbol=BTCUSDT&startTime=" + ms(kDayStart));
  EXPECT_EQ(status, 200);
  EXPECT_EQ(body.at("retCode"), 10001);
  std::tie(status, body) =
      answer("/bybit/v5/market/funding/history?category=spot&symbol=BTCUSDT");
  EXPECT_EQ(body.at("retCode"), 10001);
  std::tie(status, body) =
      answer("/bybit/v5/market/open-interest?category=linear&symbol=BTCUSDT&intervalTime=2h");
  EXPECT_EQ(body.at("retCode"), 10001);

  std::tie(status, body) = answer("/gateio/futures/usdt/funding_rate?contract=NOPE_USDT");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(body.at("label"), "CONTRACT_NOT_FOUND");
  std::tie(status, body) = answer("/gateio/futures/usdt/contracts/BTC_USDC");
  EXPECT_EQ(body.at("label"), "CONTRACT_NOT_FOUND");
  std::tie(status, body) = answer("/gateio/futures/usdt/contract_stats?contract=BTC_USDT&limit=101");
  EXPECT_EQ(body.at("label"), "INVALID_PARAM_VALUE");
}

TEST_F(SimPerpetuals, BinancesFundingRouteKeepsItsOwnBudget) {
  int limited = 0;
  for (int i = 0; i < 520 && limited == 0; ++i) {
    const auto result = sim_.get("/binance/fapi/v1/fundingRate?symbol=BTCUSDT&limit=1");
    if (result->status == 429) {
      ++limited;
      EXPECT_GE(i, 500);
      EXPECT_FALSE(result->get_header_value("Retry-After").empty());
      EXPECT_EQ(nlohmann::json::parse(result->body).at("code"), -1003);
    }
  }
  EXPECT_EQ(limited, 1);
  // The spot budget is another one.
  EXPECT_EQ(sim_.get("/binance/api/v3/ping")->status, 200);
}

TEST_F(SimPerpetuals, TheVenuesListTheSamePerpetualsOnePerUsdtMarket) {
  std::set<std::string> binance, bybit, gate;
  const nlohmann::json exchange_info = get("/binance/fapi/v1/exchangeInfo");
  for (const nlohmann::json& symbol : exchange_info.at("symbols")) {
    EXPECT_EQ(symbol.at("contractType"), "PERPETUAL");
    EXPECT_EQ(symbol.at("status"), "TRADING");
    EXPECT_EQ(symbol.at("marginAsset"), symbol.at("quoteAsset"));
    binance.insert(symbol.at("baseAsset").get<std::string>() + "/" +
                   symbol.at("quoteAsset").get<std::string>());
  }
  const nlohmann::json linear = get("/bybit/v5/market/instruments-info?category=linear");
  EXPECT_EQ(linear.at("result").at("nextPageCursor"), "");
  for (const nlohmann::json& instrument : linear.at("result").at("list")) {
    EXPECT_EQ(instrument.at("contractType"), "LinearPerpetual");
    EXPECT_EQ(instrument.at("settleCoin"), instrument.at("quoteCoin"));
    bybit.insert(instrument.at("baseCoin").get<std::string>() + "/" +
                 instrument.at("quoteCoin").get<std::string>());
  }
  for (const nlohmann::json& contract : get("/gateio/futures/usdt/contracts")) {
    EXPECT_FALSE(contract.at("in_delisting").get<bool>());
    EXPECT_EQ(contract.at("quanto_multiplier"), "0.0001");
    std::string name = contract.at("name");
    gate.insert(name.replace(name.find('_'), 1, "/"));
  }
  EXPECT_TRUE(binance.contains("BTC/USDT"));
  EXPECT_EQ(bybit, binance);
  EXPECT_EQ(gate, binance);
  // One instrument by symbol, and spot's list is still spot's.
  EXPECT_EQ(get("/bybit/v5/market/instruments-info?category=linear&symbol=ETHUSDT")
                .at("result").at("list").size(), 1u);
  EXPECT_EQ(get("/bybit/v5/market/instruments-info?category=spot").at("result").at("category"),
            "spot");
}

}  // namespace
}  // namespace cryptopipe::testing
