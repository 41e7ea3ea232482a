// HTTP-level behaviour: gzip, the loopback-only listener, and the small Binance endpoints.
#include <gtest/gtest.h>

#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>

#include "support/simulator.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

const std::string kNow = "1706640000000";
const std::string kKlines = "/binance/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=100";

TEST(Http, GzipWhenTheClientAsksForIt) {
  const Simulator simulator({"--now-ms", kNow});
  const auto plain = simulator.get(kKlines);
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->has_header("Content-Encoding"));

  const auto compressed = simulator.get(kKlines, {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(compressed);
  EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(compressed->get_header_value("Content-Type"), "application/json;charset=UTF-8");
  ASSERT_GE(compressed->body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(compressed->body[0]), 0x1f) << "gzip magic";
  EXPECT_EQ(static_cast<unsigned char>(compressed->body[1]), 0x8b) << "gzip magic";
  EXPECT_LT(compressed->body.size(), plain->body.size());

  // A decompressing client gets exactly the uncompressed body back.
  httplib::Client client("127.0.0.1", simulator.port());
  const auto decompressed = client.Get(kKlines, {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(decompressed);
  EXPECT_EQ(decompressed->body, plain->body);
}

TEST(Http, ErrorBodiesAreGzippedToo) {
  const Simulator simulator;
  httplib::Client client("127.0.0.1", simulator.port());
  const auto error =
      client.Get("/binance/api/v3/klines?symbol=NOPE&interval=1m", {{"Accept-Encoding", "gzip"}});
  ASSERT_TRUE(error);
  EXPECT_EQ(error->status, 400);
  EXPECT_EQ(error->get_header_value("Content-Encoding"), "gzip");
  EXPECT_EQ(error->body, R"({"code":-1121,"msg":"Invalid symbol."})");
}

TEST(Http, BybitAndGateAnswersAreGzippedExactlyOnce) {
  const Simulator simulator({"--now-ms", kNow});
  httplib::Client decompressing("127.0.0.1", simulator.port());
  for (const std::string path :
       {"/bybit/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1&limit=100",
        "/bybit/v5/market/kline?category=spot&symbol=NOPE&interval=1",
        "/gateio/spot/candlesticks?currency_pair=BTC_USDT&interval=1m&limit=100",
        "/gateio/spot/candlesticks?currency_pair=NOPE_USDT"}) {
    const auto plain = simulator.get(path);
    ASSERT_TRUE(plain);
    EXPECT_FALSE(plain->has_header("Content-Encoding")) << path;
    const auto compressed = simulator.get(path, {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(compressed);
    EXPECT_EQ(compressed->get_header_value("Content-Encoding"), "gzip") << path;
    EXPECT_EQ(compressed->get_header_value("Content-Type"), "application/json; charset=utf-8");
    const auto decompressed = decompressing.Get(path, {{"Accept-Encoding", "gzip"}});
    ASSERT_TRUE(decompressed);
    EXPECT_EQ(decompressed->body, plain->body) << path;
  }
}

TEST(Http, NoGzipWithoutAskingOrWhenRefused) {
  const Simulator simulator;
  const auto encoding = [&](const std::string& accepted) {
    return simulator.get(kKlines, {{"Accept-Encoding", accepted}})
        ->get_header_value("Content-Encoding");
  };
  EXPECT_EQ(encoding("identity"), "");
  EXPECT_EQ(encoding("gzip;q=0"), "");
  EXPECT_EQ(encoding("gzip;q=0.000"), "");
  EXPECT_EQ(encoding("br;q=1.0, gzip;q=0.5"), "gzip");
}

// Whether /proc/net/tcp shows a listening socket on 127.0.0.1:port (and none on other addresses).
std::set<std::string> listening_addresses(int port) {
  std::ifstream table("/proc/net/tcp");
  std::ostringstream wanted_port;
  wanted_port << ':' << std::uppercase << std::hex << std::setw(4) << std::setfill('0') << port;
  std::set<std::string> addresses;
  std::string line;
  std::getline(table, line);  // header
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    if (state == "0A" && local.ends_with(wanted_port.str())) {  // 0A: LISTEN
      addresses.insert(local.substr(0, local.find(':')));
    }
  }
  return addresses;
}

TEST(Http, ListensOnLoopbackOnly) {
  const Simulator simulator;
  EXPECT_TRUE(can_connect("127.0.0.1", simulator.port()));
  // The kernel's own view: one listener, on 127.0.0.1 (0100007F in /proc's byte order).
  EXPECT_EQ(listening_addresses(simulator.port()), std::set<std::string>{"0100007F"});
  // 127.0.0.2 is local too, but only a socket bound to 0.0.0.0 would answer on it.
  EXPECT_FALSE(can_connect("127.0.0.2", simulator.port()));
  for (const std::string& address : non_loopback_ipv4_addresses()) {
    EXPECT_FALSE(can_connect(address, simulator.port())) << address;
  }
}

TEST(Http, TimeAndPing) {
  const Simulator simulator({"--now-ms", kNow});
  const auto time = simulator.get("/binance/api/v3/time");
  ASSERT_TRUE(time);
  EXPECT_EQ(time->status, 200);
  EXPECT_EQ(time->body, R"({"serverTime":1706640000000})");
  EXPECT_EQ(time->get_header_value("Content-Type"), "application/json;charset=UTF-8");
  const auto ping = simulator.get("/binance/api/v3/ping");
  ASSERT_TRUE(ping);
  EXPECT_EQ(ping->body, "{}");
}

TEST(Http, ExchangeInfoListsEveryMarketWithFilters) {
  const Simulator simulator({"--now-ms", kNow});
  const auto info = simulator.get_json("/binance/api/v3/exchangeInfo");
  EXPECT_EQ(info["timezone"], "UTC");
  EXPECT_EQ(info["serverTime"], 1706640000000);
  EXPECT_EQ(info["exchangeFilters"], nlohmann::json::array());
  std::set<std::string> symbols;
  for (const auto& symbol : info["symbols"]) {
    symbols.insert(symbol["symbol"].get<std::string>());
    EXPECT_EQ(symbol["status"], "TRADING");
    EXPECT_EQ(symbol["quoteAsset"], "USDT");
    EXPECT_EQ(symbol["baseAsset"].get<std::string>() + "USDT", symbol["symbol"]);
    EXPECT_EQ(symbol["baseAssetPrecision"], 8);
    EXPECT_EQ(symbol["quoteAssetPrecision"], 8);
    EXPECT_EQ(symbol["filters"][0]["filterType"], "PRICE_FILTER");
    EXPECT_EQ(symbol["filters"][1]["filterType"], "LOT_SIZE");
  }
  for (const char* expected :
       {"BTCUSDT", "ETHUSDT", "BNBUSDT", "SOLUSDT",  "XRPUSDT",  "ADAUSDT",  "DOGEUSDT",
        "TRXUSDT", "LTCUSDT", "DOTUSDT", "LINKUSDT", "AVAXUSDT", "ATOMUSDT", "XLMUSDT",
        "ETCUSDT", "BCHUSDT", "UNIUSDT", "FILUSDT",  "APTUSDT",  "NEARUSDT"}) {
    EXPECT_TRUE(symbols.contains(expected)) << expected;
  }
}

TEST(Http, ExchangeInfoFiltersBySymbolOrSymbols) {
  const Simulator simulator({"--now-ms", kNow});  // a frozen minute keeps the weight count whole
  const auto one = simulator.get_json("/binance/api/v3/exchangeInfo?symbol=BTCUSDT");
  ASSERT_EQ(one["symbols"].size(), 1u);
  EXPECT_EQ(one["symbols"][0]["symbol"], "BTCUSDT");
  const auto& price_filter = one["symbols"][0]["filters"][0];
  EXPECT_EQ(price_filter["tickSize"], "0.01000000");
  EXPECT_EQ(price_filter["minPrice"], "0.01000000");
  EXPECT_EQ(price_filter["maxPrice"], "1000000.00000000");

  const auto two =
      simulator.get_json("/binance/api/v3/exchangeInfo?symbols=%5B%22ETHUSDT%22,%22DOGEUSDT%22%5D");
  ASSERT_EQ(two["symbols"].size(), 2u);
  EXPECT_EQ(two["symbols"][0]["symbol"], "ETHUSDT");
  EXPECT_EQ(two["symbols"][1]["symbol"], "DOGEUSDT");

  const auto weight = simulator.get("/binance/api/v3/exchangeInfo?symbol=ETHUSDT");
  EXPECT_EQ(weight->get_header_value("X-MBX-USED-WEIGHT-1M"), "60") << "weight 20 per call";
}

}  // namespace
}  // namespace cryptopipe::testing
