#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cryptopipe/core/decimal.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "unit/exchange_for_tests.h"
#include "unit/test_helpers.h"
#include "support/test_paths.h"

namespace cryptopipe::exchanges {
namespace {

namespace fs = std::filesystem;
using unit::TestBinance;
using unit::ThrowsError;

std::vector<fs::path> ohlcv_fixtures() {
  std::vector<fs::path> out;
  const fs::path dir = fs::path(CRYPTOPIPE_FIXTURES_DIR) / "ccxt-static" / "binance";
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("fetchOHLCV-", 0) == 0 && entry.path().extension() == ".json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

nlohmann::json read_json(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// One Binance kline row as the API writes it (12 fields).
std::string kline(std::int64_t open_time, const std::string& open = "43519.34000000",
                  const std::string& high = "43936.00000000", const std::string& low = "43171.00000000",
                  const std::string& close = "43488.71000000", const std::string& volume = "20.55495000") {
  return "[" + std::to_string(open_time) + ",\"" + open + "\",\"" + high + "\",\"" + low + "\",\"" +
         close + "\",\"" + volume + "\"," + std::to_string(open_time + 3'599'999) +
         ",\"891428.42858070\",3743,\"10.91428000\",\"473782.95739920\",\"0\"]";
}

class BinanceParse : public ::testing::Test {
 protected:
  std::vector<RawCandle> parse(std::string& body) {
    std::vector<RawCandle> rows;
    client_.exchange.parse_ohlcv(body, rows);
    return rows;
  }
  std::vector<RawCandle> parse_copy(const std::string& text) {
    bodies_.push_back(std::make_unique<std::string>(text));
    return parse(*bodies_.back());
  }

  TestBinance client_;
  std::vector<std::unique_ptr<std::string>> bodies_;  // the rows' views point into these
};

TEST_F(BinanceParse, MatchesEveryCcxtFixtureExactly) {
  const std::vector<fs::path> fixtures = ohlcv_fixtures();
  ASSERT_GE(fixtures.size(), 1u) << "no fetchOHLCV-*.json under " << CRYPTOPIPE_FIXTURES_DIR;
  for (const fs::path& path : fixtures) {
    SCOPED_TRACE(path.filename().string());
    const nlohmann::json fixture = read_json(path);
    const nlohmann::json& response = fixture.at("httpResponse");
    const nlohmann::json& parsed = fixture.at("parsedResponse");
    for (const std::string& body_text : {response.dump(), response.dump(2)}) {
      std::string body = body_text;
      std::vector<RawCandle> rows = parse(body);
      EXPECT_EQ(body, body_text) << "the body's content changed";
      ASSERT_EQ(rows.size(), parsed.size());
      for (std::size_t i = 0; i < rows.size(); ++i) {
        SCOPED_TRACE("row " + std::to_string(i));
        const RawCandle& row = rows[i];
        EXPECT_TRUE(row.malformed.empty()) << row.malformed;
        EXPECT_EQ(row.open_time, parsed[i][0].get<std::int64_t>());
        const std::string_view fields[] = {row.open, row.high, row.low, row.close, row.volume};
        for (int f = 0; f < 5; ++f) {
          const std::string expected = parsed[i][f + 1].dump();
          ASSERT_TRUE(is_decimal(expected)) << expected;
          ASSERT_TRUE(is_decimal(fields[f])) << "field " << f + 1 << ": '" << fields[f] << "'";
          EXPECT_EQ(compare_decimal(fields[f], expected), 0)
              << "field " << f + 1 << ": " << fields[f] << " vs ccxt " << expected;
          // And the exact digits the exchange sent, quotes stripped.
          EXPECT_EQ(fields[f], response[i][f + 1].get<std::string>());
        }
        ASSERT_TRUE(row.close_time.has_value());
        EXPECT_EQ(*row.close_time, response[i][6].get<std::int64_t>());
        EXPECT_EQ(row.quote_volume, response[i][7].get<std::string>());
        ASSERT_TRUE(row.trade_count.has_value());
        EXPECT_EQ(*row.trade_count, response[i][8].get<std::int64_t>());
        EXPECT_FALSE(row.closed.has_value());  // Binance does not flag open candles
      }
    }
  }
}

TEST_F(BinanceParse, NeverRoundsUnquotedNumbersThroughAFloat) {
  // Binance quotes its decimals. An unquoted number may be kept digit for digit or left empty
  // (then rejected as an invalid decimal downstream), but never re-printed from a double.
  const auto rows = parse_copy(
      "[[1706630400000, 43519.340, 43936, 43171.00000000, 0.1, 0.000000001 , 1706633999999,"
      " 891428.4285807000 , 3743]]");
  ASSERT_EQ(rows.size(), 1u);
  const std::pair<std::string_view, std::string_view> fields[] = {
      {rows[0].open, "43519.340"}, {rows[0].high, "43936"},   {rows[0].low, "43171.00000000"},
      {rows[0].close, "0.1"},      {rows[0].volume, "0.000000001"},
      {rows[0].quote_volume, "891428.4285807000"}};
  for (const auto& [got, sent] : fields) {
    EXPECT_TRUE(got.empty() || got == sent) << "sent " << sent << ", got " << got;
  }
  EXPECT_EQ(rows[0].trade_count, 3743);
}

TEST_F(BinanceParse, ReadsQuoteVolumeTradeCountAndCloseTimeFromTheirIndexes) {
  const auto rows = parse_copy(
      "[[1706630400000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\",1706633999999,\"15.25\",77,\"x\",\"y\",\"z\"]]");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].malformed.empty()) << rows[0].malformed;
  EXPECT_EQ(rows[0].close_time, 1706633999999);
  EXPECT_EQ(rows[0].quote_volume, "15.25");
  EXPECT_EQ(rows[0].trade_count, 77);
}

TEST_F(BinanceParse, EmptyArrayIsNoRows) {
  std::string body = "[]";
  std::vector<RawCandle> rows(3);
  client_.exchange.parse_ohlcv(body, rows);
  EXPECT_TRUE(rows.empty());
}

TEST_F(BinanceParse, ReplacesTheRowsOfAPreviousCall) {
  std::string first = "[" + kline(1706630400000) + "," + kline(1706634000000) + "]";
  std::string second = "[" + kline(1706637600000) + "]";
  std::vector<RawCandle> rows;
  client_.exchange.parse_ohlcv(first, rows);
  ASSERT_EQ(rows.size(), 2u);
  client_.exchange.parse_ohlcv(second, rows);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].open_time, 1706637600000);
}

TEST_F(BinanceParse, TruncatedBodiesAreBadPayload) {
  const std::string full = "[" + kline(1706630400000) + "," + kline(1706634000000) + "]";
  for (std::size_t length = 0; length < full.size(); ++length) {
    std::string body = full.substr(0, length);
    std::vector<RawCandle> rows;
    EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body, rows); },
                            ErrorKind::kBadPayload, {"binance"}))
        << "prefix of " << length << " bytes: " << body;
  }
}

TEST_F(BinanceParse, DocumentsOtherThanAnArrayAreBadPayload) {
  for (const std::string text :
       {"{\"code\":-1121,\"msg\":\"Invalid symbol.\"}", "null", "42", "\"[]\"", "{}", "",
        "   ", "<html>502 Bad Gateway</html>"}) {
    std::string body = text;
    std::vector<RawCandle> rows;
    EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body, rows); },
                            ErrorKind::kBadPayload))
        << text;
  }
}

TEST_F(BinanceParse, TrailingGarbageIsBadPayload) {
  for (const std::string& text : {"[" + kline(1706630400000) + "] x",
                                 "[" + kline(1706630400000) + "]]",
                                 "[" + kline(1706630400000) + "][]",
                                 "[" + kline(1706630400000) + "]{\"code\":-1003}"}) {
    std::string body = text;
    std::vector<RawCandle> rows;
    EXPECT_TRUE(ThrowsError([&] { client_.exchange.parse_ohlcv(body, rows); },
                            ErrorKind::kBadPayload))
        << text;
  }
}

TEST_F(BinanceParse, UnreadableRowsAreFlaggedWhileOthersParse) {
  const std::string text = "[" + kline(1706630400000) +
                           ","
                           "{\"openTime\":1706634000000},"                                // an object
                           "1706634000000,"                                               // a number
                           "\"row\","                                                     // a string
                           "[1706637600000,\"1\",\"2\"],"                                 // too short
                           "[\"1706641200000\",\"1\",\"2\",\"1\",\"1\",\"1\",1706644799999,\"1\",1],"  // text time
                           "[1706641200000.5,\"1\",\"2\",\"1\",\"1\",\"1\",1706644799999,\"1\",1],"   // fraction
                           "[null,\"1\",\"2\",\"1\",\"1\",\"1\",1706644799999,\"1\",1],"
                           "[1706641200000,\"1\",\"2\",\"1\",\"1\",\"1\",\"late\",\"1\",1],"  // close time
                           "[1706641200000,\"1\",\"2\",\"1\",\"1\",\"1\",1706644799999,\"1\",\"many\"],"
                           "[]," + kline(1706644800000) + "]";
  const auto rows = parse_copy(text);
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_TRUE(rows[0].malformed.empty()) << rows[0].malformed;
  EXPECT_EQ(rows[0].open_time, 1706630400000);
  for (std::size_t i = 1; i <= 10; ++i) {
    EXPECT_FALSE(rows[i].malformed.empty()) << "row " << i;
  }
  EXPECT_TRUE(rows[11].malformed.empty()) << rows[11].malformed;
  EXPECT_EQ(rows[11].open_time, 1706644800000);
  EXPECT_EQ(rows[11].open, "43519.34000000");
  EXPECT_EQ(rows[11].trade_count, 3743);
}

TEST_F(BinanceParse, NineFieldsAreEnough) {
  const auto rows =
      parse_copy("[[1706630400000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\",1706633999999,\"15\",3]]");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].malformed.empty()) << rows[0].malformed;
  const auto short_rows =
      parse_copy("[[1706630400000,\"1\",\"2\",\"0.5\",\"1.5\",\"10\",1706633999999,\"15\"]]");
  ASSERT_EQ(short_rows.size(), 1u);
  EXPECT_FALSE(short_rows[0].malformed.empty());
}

TEST(Binance, IdentifiesMarketsTheBinanceWay) {
  TestBinance client;
  EXPECT_EQ(client.exchange.name(), "binance");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("BTC/USDT")), "BTCUSDT");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("1INCH/USDT")), "1INCHUSDT");
  EXPECT_EQ(client.exchange.market_id(Symbol::parse("ETH/BTC")), "ETHBTC");
  EXPECT_EQ(client.exchange.max_ohlcv_limit(), 1000);
}

}  // namespace
}  // namespace cryptopipe::exchanges
