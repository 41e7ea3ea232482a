// Bad requests get Binance's exact error bodies and statuses.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "support/simulator.h"

namespace cryptopipe::testing {
namespace {

struct ErrorCase {
  std::string path_and_query;
  std::string body;
};

void PrintTo(const ErrorCase& error_case, std::ostream* out) { *out << error_case.path_and_query; }

class BinanceErrors : public ::testing::TestWithParam<ErrorCase> {
 protected:
  // One simulator for all cases: starting a process per case would only slow the suite down.
  static void SetUpTestSuite() {
    simulator_ = std::make_unique<Simulator>(std::vector<std::string>{"--now-ms", "1706640000000"});
  }
  static void TearDownTestSuite() { simulator_.reset(); }
  static std::unique_ptr<Simulator> simulator_;
};

std::unique_ptr<Simulator> BinanceErrors::simulator_;

TEST_P(BinanceErrors, AnswersStatus400WithTheExactBody) {
  const auto result = simulator_->get(GetParam().path_and_query);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_EQ(result->body, GetParam().body);
  EXPECT_EQ(result->get_header_value("Content-Type"), "application/json;charset=UTF-8");
  EXPECT_TRUE(result->has_header("X-MBX-USED-WEIGHT-1M"));
}

const std::string kKlines = "/binance/api/v3/klines?";

INSTANTIATE_TEST_SUITE_P(
    Klines, BinanceErrors,
    ::testing::Values(
        ErrorCase{
            kKlines + "interval=1h",
            R"({"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."})"},
        ErrorCase{
            kKlines + "symbol=&interval=1h",
            R"({"code":-1102,"msg":"Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."})"},
        ErrorCase{
            kKlines + "symbol=BTCUSDT",
            R"({"code":-1102,"msg":"Mandatory parameter 'interval' was not sent, was empty/null, or malformed."})"},
        ErrorCase{kKlines + "symbol=NOPEUSDT&interval=1h",
                  R"({"code":-1121,"msg":"Invalid symbol."})"},
        ErrorCase{
            kKlines + "symbol=btcusdt&interval=1h",
            R"({"code":-1100,"msg":"Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."})"},
        ErrorCase{kKlines + "symbol=BTCUSDT&interval=2m",
                  R"({"code":-1120,"msg":"Invalid interval."})"},
        ErrorCase{kKlines + "symbol=BTCUSDT&interval=1H",
                  R"({"code":-1120,"msg":"Invalid interval."})"},
        ErrorCase{kKlines + "symbol=BTCUSDT&interval=1h&limit=0",
                  R"({"code":-1130,"msg":"Data sent for parameter 'limit' is not valid."})"},
        ErrorCase{kKlines + "symbol=BTCUSDT&interval=1h&limit=-5",
                  R"({"code":-1130,"msg":"Data sent for parameter 'limit' is not valid."})"},
        ErrorCase{
            kKlines + "symbol=BTCUSDT&interval=1h&limit=ten",
            R"({"code":-1100,"msg":"Illegal characters found in parameter 'limit'; legal range is '^[0-9]{1,20}$'."})"},
        ErrorCase{
            kKlines + "symbol=BTCUSDT&interval=1h&startTime=abc",
            R"({"code":-1100,"msg":"Illegal characters found in parameter 'startTime'; legal range is '^[0-9]{1,20}$'."})"},
        ErrorCase{
            kKlines + "symbol=BTCUSDT&interval=1h&endTime=1.5",
            R"({"code":-1100,"msg":"Illegal characters found in parameter 'endTime'; legal range is '^[0-9]{1,20}$'."})"},
        ErrorCase{
            kKlines + "symbol=BTCUSDT&interval=1h&startTime=1706630400001&endTime=1706630400000",
            R"({"code":-1023,"msg":"Start time is greater than end time."})"},
        ErrorCase{"/binance/api/v3/exchangeInfo?symbol=NOPEUSDT",
                  R"({"code":-1121,"msg":"Invalid symbol."})"},
        ErrorCase{"/binance/api/v3/exchangeInfo?symbols=%5B%22BTCUSDT%22,%22NOPEUSDT%22%5D",
                  R"({"code":-1121,"msg":"Invalid symbol."})"}));

TEST(BinanceErrorsNotFound, UnknownPathsAre404) {
  const Simulator simulator;
  const auto result = simulator.get("/binance/api/v3/nothing");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 404);
}

}  // namespace
}  // namespace cryptopipe::testing
