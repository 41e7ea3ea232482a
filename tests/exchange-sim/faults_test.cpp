// The fault switches, from the command line and at run time through /_sim/faults.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "support/simulator.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

const std::string kNow = "1706640000000";
const std::string kPing = "/binance/api/v3/ping";
const std::string kKlines = "/binance/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=20";
const std::string kBybitTickers = "/bybit/v5/market/tickers?category=spot&symbol=BTCUSDT";
const std::string kGateTickers = "/gateio/spot/tickers?currency_pair=BTC_USDT";

// nlohmann's parse() is marked warn_unused_result; tests that only care whether it throws call
// this.
nlohmann::json parse_json(const std::string& body) { return nlohmann::json::parse(body); }

std::vector<int> statuses_of(const Simulator& simulator, const std::string& path, int count) {
  std::vector<int> statuses;
  for (int i = 0; i < count; ++i) {
    const auto result = simulator.get(path);
    statuses.push_back(result ? result->status : -1);
  }
  return statuses;
}

TEST(Faults, LatencyDelaysEveryExchangeAnswer) {
  const Simulator simulator({"--latency-ms", "300"});
  const auto started = std::chrono::steady_clock::now();
  const auto result = simulator.get(kPing);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_GE(elapsed, std::chrono::milliseconds(300));
}

TEST(Faults, LatencyEveryDelaysOnlyEveryNthAnswer) {
  const Simulator simulator({"--latency-ms", "1", "--latency-every", "3"});
  EXPECT_EQ(statuses_of(simulator, kPing, 7), std::vector<int>(7, 200));
  EXPECT_EQ(simulator.stats()["injected_faults"]["delayed"], 2);
}

TEST(Faults, ErrorRateOneAnswers500Then502Then503) {
  const Simulator simulator({"--error-rate", "1"});
  const auto internal = simulator.get(kKlines);
  ASSERT_TRUE(internal);
  EXPECT_EQ(internal->status, 500);
  EXPECT_EQ(
      internal->body,
      R"({"code":-1001,"msg":"Internal error; unable to process your request. Please try again."})");
  EXPECT_EQ(internal->get_header_value("Content-Type"), "application/json;charset=UTF-8");

  for (const int expected : {502, 503}) {
    const auto gateway = simulator.get(kKlines);
    ASSERT_TRUE(gateway);
    EXPECT_EQ(gateway->status, expected);
    EXPECT_TRUE(gateway->get_header_value("Content-Type").starts_with("text/plain"));
    EXPECT_THROW(parse_json(gateway->body), nlohmann::json::parse_error);
  }
  EXPECT_EQ(statuses_of(simulator, kPing, 3), (std::vector<int>{500, 502, 503}));

  const auto stats = simulator.stats();
  EXPECT_EQ(stats["injected_faults"]["server_error"], 6);
  EXPECT_EQ(stats["routes"]["/binance/api/v3/klines"]["by_status"]["500"], 1);
  EXPECT_EQ(stats["routes"]["/binance/api/v3/klines"]["total"], 3);
}

TEST(Faults, ErrorRateHalfIsSeededAndRepeatable) {
  const Simulator first({"--error-rate", "0.5", "--seed", "7"});
  const Simulator same_seed({"--error-rate", "0.5", "--seed", "7"});
  const Simulator other_seed({"--error-rate", "0.5", "--seed", "8"});
  const std::vector<int> statuses = statuses_of(first, kPing, 60);
  const auto failures =
      std::count_if(statuses.begin(), statuses.end(), [](int s) { return s >= 500; });
  EXPECT_GT(failures, 10);
  EXPECT_LT(failures, 50);
  EXPECT_EQ(std::count(statuses.begin(), statuses.end(), 200), 60 - failures);
  EXPECT_EQ(statuses_of(same_seed, kPing, 60), statuses);
  EXPECT_NE(statuses_of(other_seed, kPing, 60), statuses);
}

TEST(Faults, RateLimitEveryNthRequestWithRetryAfter) {
  const Simulator simulator({"--rate-limit-every", "3", "--retry-after", "7"});
  EXPECT_EQ(statuses_of(simulator, kPing, 2), (std::vector<int>{200, 200}));
  const auto limited = simulator.get(kKlines);
  ASSERT_TRUE(limited);
  EXPECT_EQ(limited->status, 429);
  EXPECT_EQ(limited->get_header_value("Retry-After"), "7");
  EXPECT_TRUE(nlohmann::json::parse(limited->body)["code"] == -1003) << limited->body;
  EXPECT_EQ(statuses_of(simulator, kPing, 3), (std::vector<int>{200, 200, 429}));
  EXPECT_EQ(simulator.stats()["injected_faults"]["rate_limited"], 2);
}

TEST(Faults, TruncatedBodyIsATransferErrorForTheClient) {
  const Simulator simulator({"--now-ms", kNow, "--truncate-rate", "1"});
  const auto result = simulator.get(kKlines);
  EXPECT_FALSE(result) << "a body shorter than its Content-Length must not be accepted";
  EXPECT_EQ(result.error(), httplib::Error::Read);

  // On the wire: a 200 status line, the full length announced, about half of it delivered.
  const std::string raw = raw_http_get("127.0.0.1", simulator.port(), kKlines);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(raw, match, std::regex(R"(Content-Length: (\d+)\r\n)"))) << raw;
  const std::size_t announced = std::stoul(match[1]);
  const std::size_t delivered = raw.size() - (raw.find("\r\n\r\n") + 4);
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200 OK\r\n")) << raw.substr(0, 40);
  EXPECT_GT(delivered, 0u);
  EXPECT_LT(delivered, announced);
  EXPECT_EQ(simulator.stats()["injected_faults"]["truncated_body"], 2);
}

TEST(Faults, MalformedBodyIsComplete200ThatFailsToParse) {
  const Simulator simulator({"--now-ms", kNow, "--malformed-rate", "1"});
  const auto broken = simulator.get(kKlines);
  ASSERT_TRUE(broken);
  EXPECT_EQ(broken->status, 200);
  EXPECT_EQ(broken->get_header_value("Content-Length"), std::to_string(broken->body.size()));
  EXPECT_THROW(parse_json(broken->body), nlohmann::json::parse_error);

  simulator.set_faults({{"malformed_rate", 0}});
  const auto intact = simulator.get(kKlines);
  ASSERT_TRUE(intact);
  EXPECT_NO_THROW(parse_json(intact->body));
  EXPECT_TRUE(intact->body.starts_with(broken->body)) << "the real body, cut short";
  EXPECT_EQ(intact->body.size(), broken->body.size() + 7);
}

TEST(Faults, ErrorAnswersAreNeverCorrupted) {
  const Simulator simulator({"--malformed-rate", "1"});
  const auto error = simulator.get("/binance/api/v3/klines?symbol=NOPE&interval=1h");
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 400);
  EXPECT_NO_THROW(parse_json(error->body));
}

TEST(Faults, EveryExchangeSharesOneSequenceEachWithItsOwnWording) {
  const Simulator simulator({"--now-ms", kNow, "--error-rate", "1"});
  const auto bybit = simulator.get(kBybitTickers);
  ASSERT_TRUE(bybit);
  EXPECT_EQ(bybit->status, 500);
  EXPECT_EQ(
      bybit->body,
      R"({"retCode":10016,"retMsg":"Internal system error.","result":{},"retExtInfo":{},"time":1706640000000})");
  EXPECT_EQ(simulator.get(kGateTickers)->status, 502);
  EXPECT_EQ(simulator.get(kPing)->status, 503);
  const auto gate = simulator.get(kGateTickers);
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->status, 500);
  EXPECT_EQ(gate->body, R"({"label":"SERVER_ERROR","message":"Internal server error"})");

  const auto stats = simulator.stats();
  EXPECT_EQ(stats["injected_faults"]["server_error"], 4);
  EXPECT_EQ(stats["routes"]["/bybit/v5/market/tickers"]["by_status"]["500"], 1);
  EXPECT_EQ(stats["routes"]["/gateio/spot/tickers"]["by_status"]["502"], 1);
  EXPECT_EQ(stats["routes"]["/gateio/spot/tickers"]["by_status"]["500"], 1);
  EXPECT_EQ(stats["routes"]["/gateio/spot/tickers"]["total"], 2);
}

TEST(Faults, InjectedRateLimitsAreWordedPerExchange) {
  const Simulator simulator({"--now-ms", kNow, "--rate-limit-every", "1", "--retry-after", "9"});
  const auto bybit = simulator.get(kBybitTickers);
  ASSERT_TRUE(bybit);
  EXPECT_EQ(bybit->status, 429);
  EXPECT_EQ(bybit->get_header_value("Retry-After"), "9");
  EXPECT_EQ(
      bybit->body,
      R"({"retCode":10006,"retMsg":"Too many visits!","result":{},"retExtInfo":{},"time":1706640000000})");
  const auto gate = simulator.get(kGateTickers);
  ASSERT_TRUE(gate);
  EXPECT_EQ(gate->status, 429);
  EXPECT_EQ(gate->get_header_value("Retry-After"), "9");
  EXPECT_EQ(gate->body, R"({"label":"TOO_MANY_REQUESTS","message":"Request Rate limit Exceeded"})");
  EXPECT_EQ(simulator.stats()["injected_faults"]["rate_limited"], 2);
}

TEST(Faults, BodiesAreCorruptedOnEveryExchange) {
  const Simulator simulator({"--now-ms", kNow, "--malformed-rate", "1"});
  for (const std::string& path : {kBybitTickers, kGateTickers}) {
    const auto broken = simulator.get(path);
    ASSERT_TRUE(broken);
    EXPECT_EQ(broken->status, 200) << path;
    EXPECT_THROW(parse_json(broken->body), nlohmann::json::parse_error) << path;
  }
  simulator.set_faults({{"malformed_rate", 0}, {"truncate_rate", 1}});
  for (const std::string& path : {kBybitTickers, kGateTickers}) {
    EXPECT_FALSE(simulator.get(path)) << path << ": cut short mid-body";
  }
  EXPECT_EQ(simulator.stats()["injected_faults"]["malformed_body"], 2);
  EXPECT_EQ(simulator.stats()["injected_faults"]["truncated_body"], 2);
}

TEST(Faults, SettingsAreReadableAndChangeableAtRunTime) {
  const Simulator simulator({"--latency-ms", "5", "--error-rate", "0.25", "--rate-limit-every", "9",
                             "--retry-after", "4", "--truncate-rate", "0.5", "--malformed-rate",
                             "0.125"});
  EXPECT_EQ(simulator.get_json("/_sim/faults"), (nlohmann::json{{"latency_ms", 5},
                                                                {"latency_every", 0},
                                                                {"error_rate", 0.25},
                                                                {"rate_limit_every", 9},
                                                                {"retry_after", 4},
                                                                {"truncate_rate", 0.5},
                                                                {"malformed_rate", 0.125},
                                                                {"ban_s", 0},
                                                                {"duplicate_rate", 0.0},
                                                                {"shuffle", false},
                                                                {"gap_from_ms", 0},
                                                                {"gap_to_ms", 0},
                                                                {"archive_corrupt", ""},
                                                                {"archive_drop", ""},
                                                                {"archive_drop_checksum", ""}}));

  simulator.set_faults({{"latency_ms", 0},
                        {"error_rate", 1},
                        {"rate_limit_every", 0},
                        {"truncate_rate", 0},
                        {"malformed_rate", 0}});
  EXPECT_EQ(simulator.get(kPing)->status, 500);
  EXPECT_EQ(simulator.get_json("/_sim/faults")["error_rate"], 1.0);
  EXPECT_EQ(simulator.stats()["total"], 1) << "the admin endpoints are neither failed nor counted";

  simulator.set_faults({{"error_rate", 0}});
  EXPECT_EQ(simulator.get(kPing)->status, 200);
  EXPECT_EQ(simulator.get_json("/_sim/faults")["retry_after"], 4) << "unmentioned settings stay";
}

TEST(Faults, RefusesInvalidSettings) {
  const Simulator simulator;
  for (const nlohmann::json& invalid :
       {nlohmann::json{{"error_rate", 1.5}}, nlohmann::json{{"latency_ms", -1}},
        nlohmann::json{{"no_such_switch", 1}}, nlohmann::json{{"error_rate", "high"}},
        nlohmann::json{{"shuffle", 1}}, nlohmann::json{{"gap_from_ms", -5}},
        nlohmann::json{{"duplicate_rate", 2}}, nlohmann::json{{"ban_s", 0.5}},
        nlohmann::json::array({1, 2})}) {
    EXPECT_THROW(simulator.set_faults(invalid), std::runtime_error) << invalid.dump();
  }
  httplib::Client client("127.0.0.1", simulator.port());
  const auto not_json = client.Post("/_sim/faults", "{oops", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
  EXPECT_EQ(simulator.get_json("/_sim/faults")["error_rate"], 0.0) << "nothing was changed";
}

}  // namespace
}  // namespace cryptopipe::testing
