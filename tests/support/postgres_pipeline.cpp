#include "support/postgres_pipeline.h"

#include <chrono>
#include <sstream>
#include <stdexcept>
#include <thread>


namespace cryptopipe::testing {
namespace {

constexpr auto kBlockedTimeout = std::chrono::seconds(60);

}  // namespace

LoadCounts load_counts(const ProcessResult& run) {
  std::istringstream lines(run.err);
  for (std::string line; std::getline(lines, line);) {
    const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (record.is_object() && record.value("msg", "") == "loaded ohlcv") {
      return {record.at("inserted").get<std::int64_t>(), record.at("updated").get<std::int64_t>(),
              record.at("unchanged").get<std::int64_t>()};
    }
  }
  return {};
}

void PostgresPipelineTest::SetUp() {
  server_.create_database("gold");
  harness_.set_warehouse(server_.url("gold"));
  harness_.write_config({"BTC/USDT", "ETH/USDT"}, {"1m", "1h"});
}

ProcessResult PostgresPipelineTest::materialize(const std::string& select) const {
  return harness_.cryptopipe({"materialize", "--select", select, "--partition", day_});
}

void PostgresPipelineTest::expect_rows_equal_the_exchange() const {
  const std::int64_t start = day_start_ms(day_);
  for (const auto& [symbol, market_id] : std::vector<std::pair<std::string, std::string>>{
           {"BTC/USDT", "BTCUSDT"}, {"ETH/USDT", "ETHUSDT"}}) {
    for (const std::string timeframe : {"1m", "1h"}) {
      const PgRows gold = session().query(
          "SELECT to_char(open_time AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"'), "
          "open, high, low, close, volume, quote_volume, trade_count, is_closed FROM ohlcv "
          "WHERE exchange = 'binance' AND symbol = '" + symbol + "' AND timeframe = '" +
          timeframe + "' ORDER BY open_time");
      const auto truth = simulator_day(sim_, market_id, timeframe, start);
      ASSERT_EQ(gold.size(), truth.size()) << symbol << " " << timeframe;
      ASSERT_EQ(gold.size(), timeframe == "1m" ? 1440u : 24u);
      for (std::size_t i = 0; i < gold.size(); ++i) {
        const nlohmann::json& k = truth[i];
        const std::string where = symbol + " " + timeframe + " row " + std::to_string(i);
        ASSERT_EQ(gold[i][0], iso_of(k[0].get<std::int64_t>())) << where;
        for (const auto& [column, field] : std::vector<std::pair<int, int>>{
                 {1, 1}, {2, 2}, {3, 3}, {4, 4}, {5, 5}, {6, 7}}) {
          ASSERT_EQ(gold[i][column], shortest_decimal(k[field].get<std::string>()))
              << where << " column " << column;
        }
        ASSERT_EQ(gold[i][7], std::to_string(k[8].get<std::int64_t>())) << where;
        ASSERT_EQ(gold[i][8], "t") << where;
      }
    }
  }
}

int PostgresPipelineTest::wait_until_cryptopipe_blocks() const {
  const PgSession observer = session();
  const auto deadline = std::chrono::steady_clock::now() + kBlockedTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const PgRows blocked = observer.query(
        "SELECT pid FROM pg_stat_activity WHERE application_name = 'cryptopipe' "
        "AND wait_event_type = 'Lock'");
    if (!blocked.empty()) return std::stoi(blocked[0][0]);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  throw std::runtime_error("cryptopipe never waited on the test's lock");
}

std::string PostgresPipelineTest::lost_connection_message() const {
  return "lost the connection to the PostgreSQL warehouse postgresql://cryptopipe@127.0.0.1:" +
         std::to_string(server_.port()) + "/gold";
}

}  // namespace cryptopipe::testing
