// Bybit v5 GET /v5/market/kline: the envelope, rows newest first and all strings, `start` taking
// in the candle that contains it, errors as HTTP 200 with retCode 10001.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/binance_klines.h"
#include "support/exchange_json.h"
#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

constexpr std::int64_t kNowMs = 1706640000000;  // 2024-01-30T18:40:00Z
const std::string kNow = std::to_string(kNowMs);
constexpr std::int64_t kMinuteMs = 60'000;
constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kOpenHourMs = 1706637600000;  // the hourly candle containing kNowMs
const std::string kKline = "/bybit/v5/market/kline?category=spot&symbol=BTCUSDT";

std::int64_t start_of(const nlohmann::ordered_json& row) {
  return std::stoll(row.at(0).get<std::string>());
}

std::vector<std::int64_t> starts_of(const nlohmann::ordered_json& list) {
  std::vector<std::int64_t> starts;
  for (const auto& row : list) {
    starts.push_back(start_of(row));
  }
  return starts;
}

class BybitKline : public ::testing::Test {
 protected:
  nlohmann::ordered_json list(const std::string& query) const {
    const auto body = get_ordered_json(simulator_, kKline + query);
    EXPECT_EQ(body["retCode"], 0) << body.dump();
    return body["result"]["list"];
  }

  const Simulator simulator_{{"--now-ms", kNow}};
};

TEST_F(BybitKline, ShapeMatchesTheRecordedKlines) {
  const auto recorded = fixture_response("bybit/fetchOHLCV-1.json");
  const auto body = get_ordered_json(simulator_, kKline + "&interval=60&limit=3");
  // ccxt's recording stringified retCode and time; the live API sends numbers (fixtures README).
  EXPECT_EQ(key_types(recorded),
            (std::vector<std::pair<std::string, std::string>>{{"retCode", "string"},
                                                              {"retMsg", "string"},
                                                              {"result", "object"},
                                                              {"retExtInfo", "object"},
                                                              {"time", "string"}}));
  EXPECT_EQ(key_types(body),
            (std::vector<std::pair<std::string, std::string>>{{"retCode", "integer"},
                                                              {"retMsg", "string"},
                                                              {"result", "object"},
                                                              {"retExtInfo", "object"},
                                                              {"time", "integer"}}));
  EXPECT_EQ(body["retCode"], 0);
  EXPECT_EQ(body["retMsg"], "OK");
  EXPECT_EQ(body["retExtInfo"], nlohmann::ordered_json::object());
  EXPECT_EQ(body["time"], kNowMs);
  EXPECT_EQ(key_types(body["result"]), key_types(recorded["result"]));
  EXPECT_EQ(body["result"]["symbol"], "BTCUSDT");
  EXPECT_EQ(body["result"]["category"], "spot");
  ASSERT_EQ(body["result"]["list"].size(), 3u);
  for (const auto& row : body["result"]["list"]) {
    EXPECT_EQ(element_types(row), element_types(recorded["result"]["list"][0]));
    for (std::size_t i = 1; i < row.size(); ++i) {
      EXPECT_NO_THROW(decimal_text_units(row[i].get<std::string>())) << row.dump();
    }
  }
}

TEST_F(BybitKline, NewestFirstEndingWithTheOpenCandle) {
  const auto rows = list("&interval=60&limit=4");
  EXPECT_EQ(starts_of(rows),
            (std::vector<std::int64_t>{kOpenHourMs, kOpenHourMs - kHourMs,
                                       kOpenHourMs - 2 * kHourMs, kOpenHourMs - 3 * kHourMs}));
}

TEST_F(BybitKline, LimitDefaultsTo200AndGoesUpTo1000) {
  EXPECT_EQ(list("&interval=1").size(), 200u);
  EXPECT_EQ(list("&interval=1&limit=1000").size(), 1000u);
  EXPECT_EQ(list("&interval=1&limit=1").size(), 1u);
}

TEST_F(BybitKline, StartInsideACandleIncludesThatCandle) {
  // The same startTime as Binance's recorded fixture (15:23:11Z): Binance begins at 16:00,
  // Bybit at 15:00, the candle that contains it; the earliest candles come back, newest first.
  const auto rows = list("&interval=60&start=1706628191000&limit=3");
  EXPECT_EQ(starts_of(rows),
            (std::vector<std::int64_t>{1706634000000, 1706630400000, 1706626800000}));
}

TEST_F(BybitKline, StartAndEndAreInclusiveOnTheOpenTime) {
  const std::int64_t start = 1706630400000;  // 16:00
  EXPECT_EQ(starts_of(list("&interval=60&start=" + std::to_string(start) +
                           "&end=" + std::to_string(start + kHourMs))),
            (std::vector<std::int64_t>{start + kHourMs, start}));
  EXPECT_EQ(starts_of(list("&interval=60&start=" + std::to_string(start) +
                           "&end=" + std::to_string(start + kHourMs - 1))),
            (std::vector<std::int64_t>{start}));
}

TEST_F(BybitKline, EndAloneGivesTheLatestCandlesUpToIt) {
  const std::int64_t end = 1706630400000 + 5;
  EXPECT_EQ(starts_of(list("&interval=60&limit=3&end=" + std::to_string(end))),
            (std::vector<std::int64_t>{1706630400000, 1706630400000 - kHourMs,
                                       1706630400000 - 2 * kHourMs}));
}

TEST_F(BybitKline, NothingOpensAfterNow) {
  // A start just after now still lies in the open candle, which therefore comes back.
  EXPECT_EQ(starts_of(list("&interval=60&start=" + std::to_string(kNowMs + 1))),
            (std::vector<std::int64_t>{kOpenHourMs}));
  EXPECT_TRUE(list("&interval=60&start=" + std::to_string(kOpenHourMs + kHourMs)).empty());
  EXPECT_EQ(start_of(list("&interval=60&end=" + std::to_string(kNowMs + 30 * kDayMs))[0]),
            kOpenHourMs);
}

TEST_F(BybitKline, TheSameCandlesAsBinanceNewestFirst) {
  const auto bybit = list("&interval=15&limit=40&end=1706630400000");
  const auto binance_result = simulator_.get(
      "/binance/api/v3/klines?symbol=BTCUSDT&interval=15m&limit=40&endTime=1706630400000");
  ASSERT_TRUE(binance_result);
  const auto binance = parse_binance_klines(binance_result->body);
  ASSERT_EQ(bybit.size(), 40u);
  ASSERT_EQ(binance.size(), 40u);
  for (std::size_t i = 0; i < binance.size(); ++i) {
    const auto& row = bybit[bybit.size() - 1 - i];
    const auto units = [&](std::size_t index) {
      return decimal_text_units(row[index].get<std::string>());
    };
    SCOPED_TRACE(row.dump());
    EXPECT_EQ(start_of(row), binance[i].open_time_ms);
    EXPECT_EQ(units(1), binance[i].open);
    EXPECT_EQ(units(2), binance[i].high);
    EXPECT_EQ(units(3), binance[i].low);
    EXPECT_EQ(units(4), binance[i].close);
    EXPECT_EQ(units(5), binance[i].volume) << "volume is in the base asset";
    EXPECT_EQ(units(6), binance[i].quote_volume) << "turnover is in the quote asset";
  }
}

TEST_F(BybitKline, IntervalsAlignLikeBybits) {
  const auto minutes = starts_of(list("&interval=1&limit=3"));
  EXPECT_EQ(minutes[0] - minutes[1], kMinuteMs);
  for (const auto& row : list("&interval=D&limit=5")) {
    EXPECT_EQ(start_of(row) % kDayMs, 0);
  }
  for (const auto& row : list("&interval=W&limit=8")) {
    // Day 0 of the epoch was a Thursday, so Mondays are days 4, 11, 18, ...
    EXPECT_EQ(start_of(row) % kDayMs, 0);
    EXPECT_EQ((start_of(row) / kDayMs - 4) % 7, 0) << row.dump();
  }
  for (const auto& row : list("&interval=M&limit=14")) {
    const auto day = std::chrono::floor<std::chrono::days>(
        std::chrono::sys_time<std::chrono::milliseconds>(std::chrono::milliseconds(start_of(row))));
    EXPECT_EQ(std::chrono::year_month_day(day).day(), std::chrono::day(1)) << row.dump();
  }
  const auto twelve_hours = starts_of(list("&interval=720&limit=2"));
  EXPECT_EQ(twelve_hours[0] - twelve_hours[1], 12 * kHourMs);
}

TEST(BybitKlineProcesses, TwoProcessesServeTheSamePastCandles) {
  // Wall clocks, so the envelopes' times differ; the candles must not.
  const Simulator first({"--seed", "1"});
  const Simulator second({"--seed", "42"});
  const std::string path = kKline + "&interval=5&start=1704067200000&end=1704153600000&limit=1000";
  const auto rows = get_ordered_json(first, path)["result"]["list"];
  EXPECT_EQ(rows.size(), 289u);
  EXPECT_EQ(get_ordered_json(second, path)["result"]["list"], rows);
}

struct ErrorCase {
  std::string query;
  std::string message;
};

void PrintTo(const ErrorCase& error_case, std::ostream* out) { *out << error_case.query; }

class BybitKlineErrors : public ::testing::TestWithParam<ErrorCase> {
 protected:
  static void SetUpTestSuite() {
    simulator_ = std::make_unique<Simulator>(std::vector<std::string>{"--now-ms", kNow});
  }
  static void TearDownTestSuite() { simulator_.reset(); }
  static std::unique_ptr<Simulator> simulator_;
};

std::unique_ptr<Simulator> BybitKlineErrors::simulator_;

TEST_P(BybitKlineErrors, AnswerHttp200WithRetCode10001) {
  const auto result = simulator_->get("/bybit/v5/market/kline?" + GetParam().query);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, R"({"retCode":10001,"retMsg":")" + GetParam().message +
                              R"(","result":{},"retExtInfo":{},"time":1706640000000})");
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json; charset=utf-8");
}

INSTANTIATE_TEST_SUITE_P(
    Kline, BybitKlineErrors,
    ::testing::Values(
        ErrorCase{"symbol=BTCUSDT&interval=60", "params error: category is required"},
        ErrorCase{"category=linear&symbol=BTCUSDT&interval=60",
                  "params error: unsupported category"},
        ErrorCase{"category=spot&interval=60", "params error: symbol is required"},
        ErrorCase{"category=spot&symbol=NOPEUSDT&interval=60", "Not supported symbols"},
        ErrorCase{"category=spot&symbol=btcusdt&interval=60", "Not supported symbols"},
        ErrorCase{"category=spot&symbol=BTCUSDT", "params error: interval is required"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=1h", "params error: invalid interval"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=d", "params error: invalid interval"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&limit=0",
                  "params error: invalid limit"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&limit=1001",
                  "params error: invalid limit"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&limit=ten",
                  "params error: invalid limit"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&start=yesterday",
                  "params error: invalid start"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&end=-1", "params error: invalid end"},
        ErrorCase{"category=spot&symbol=BTCUSDT&interval=60&start=1706630400001&end=1706630400000",
                  "params error: start is later than end"}));

}  // namespace
}  // namespace cryptopipe::testing
