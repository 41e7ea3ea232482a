#include "support/pipeline_harness.h"

#include <chrono>
#include <ctime>
#include <fstream>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "support/process.h"

namespace cryptopipe::testing {

PipelineHarness::PipelineHarness(std::string base_url, std::string exchange)
    : base_url_(std::move(base_url)), exchange_(std::move(exchange)) {}

void PipelineHarness::set_lake(std::string url, bool create_bucket) {
  lake_url_ = std::move(url);
  lake_create_bucket_ = create_bucket;
}

void PipelineHarness::write_config(const std::vector<std::string>& symbols,
                                   const std::vector<std::string>& timeframes,
                                   const std::vector<std::string>& trade_symbols,
                                   const std::vector<std::string>& perp_symbols) const {
  std::ofstream out(config_path());
  const auto list = [&](const std::vector<std::string>& items) {
    out << "[";
    for (std::size_t i = 0; i < items.size(); ++i) out << (i ? ", " : "") << items[i];
    out << "]\n";
  };
  out << "lake: " << (lake_url_.empty() ? "file://" + lake_dir().string() : lake_url_) << "\n"
      << (lake_create_bucket_ ? "lake_create_bucket: true\n" : "")
      << "warehouse: "
      << (warehouse_url_.empty() ? "sqlite://" + warehouse_path().string() : warehouse_url_) << "\n"
      << "log_format: json\n"
      << "exchanges:\n  " << exchange_ << ":\n    base_url: " << base_url_ << "\n    symbols: ";
  list(symbols);
  out << "    timeframes: ";
  list(timeframes);
  if (!trade_symbols.empty()) {
    out << "    trade_symbols: ";
    list(trade_symbols);
  }
  if (!perp_symbols.empty()) {
    out << "    perp_symbols: ";
    list(perp_symbols);
  }
}

std::vector<std::string> PipelineHarness::removals_for(
    const std::map<std::string, std::string>& env) {
  std::vector<std::string> removals;
  for (const char* name :
       {"CRYPTOPIPE_LAKE", "CRYPTOPIPE_WAREHOUSE", "CRYPTOPIPE_BINANCE_URL", "CRYPTOPIPE_BYBIT_URL",
        "CRYPTOPIPE_GATEIO_URL", "CRYPTOPIPE_CONFIG", "CRYPTOPIPE_LOG_FORMAT",
        "CRYPTOPIPE_LOG_LEVEL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
        "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
        "CRYPTOPIPE_TLS_VERIFY", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "AWS_PROFILE",
        "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "HOME"}) {  // nor the AWS profile of the user running the tests (~/.aws)
    if (!env.contains(name)) removals.emplace_back(name);
  }
  return removals;
}

ProcessResult PipelineHarness::cryptopipe(const std::vector<std::string>& args,
                                          const std::map<std::string, std::string>& env) const {
  std::vector<std::string> argv = {build_path("cryptopipe")};
  argv.insert(argv.end(), args.begin(), args.end());
  // Nothing of the caller's environment configures the run, except what `env` sets.
  return run_process(argv, env, temp_.path().string(), std::nullopt, removals_for(env));
}

std::unique_ptr<ChildProcess> PipelineHarness::start_cryptopipe(
    const std::vector<std::string>& args, const std::map<std::string, std::string>& env) const {
  // The shell only sends the output to files (pipes nobody drains would stall the run) and
  // execs cryptopipe, so a signal to the child reaches cryptopipe itself.
  std::vector<std::string> argv = {"/bin/sh", "-c",
                                   "exec \"$0\" \"$@\" >background.out 2>background.err",
                                   build_path("cryptopipe")};
  argv.insert(argv.end(), args.begin(), args.end());
  SpawnOptions options{env, removals_for(env), temp_.path().string()};
  auto child = std::make_unique<ChildProcess>(argv, options);
  child->stdin_pipe().reset();
  return child;
}

std::vector<SqlRow> PipelineHarness::query(const std::string& sql) const {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(warehouse_path().c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("cannot open " + warehouse_path().string());
  }
  std::vector<SqlRow> rows;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error("bad query " + sql + ": " + message);
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    SqlRow row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const auto* text = sqlite3_column_text(stmt, i);
      row.emplace_back(text ? reinterpret_cast<const char*>(text) : "NULL");
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}

std::map<std::string, std::string> PipelineHarness::lake_files() const {
  std::map<std::string, std::string> files;
  if (!std::filesystem::exists(lake_dir())) return files;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(lake_dir())) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    files[entry.path().lexically_relative(lake_dir()).string()] = bytes.str();
  }
  return files;
}

std::vector<nlohmann::json> simulator_day(const Simulator& sim, const std::string& market_id,
                                          const std::string& interval, std::int64_t start) {
  std::vector<nlohmann::json> rows;
  const std::int64_t end = start + 24LL * 3600 * 1000 - 1;
  std::int64_t cursor = start;
  for (;;) {
    const nlohmann::json page =
        sim.get_json("/binance/api/v3/klines?symbol=" + market_id + "&interval=" + interval +
                     "&startTime=" + std::to_string(cursor) + "&endTime=" + std::to_string(end) +
                     "&limit=1000");
    for (const auto& row : page) rows.push_back(row);
    if (page.size() < 1000) break;
    cursor = page.back()[0].get<std::int64_t>() + 1;
  }
  return rows;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string shortest_decimal(std::string text) {
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  const std::size_t digits = text.front() == '-' ? 1 : 0;
  while (text.size() > digits + 1 && text[digits] == '0' && text[digits + 1] != '.') {
    text.erase(digits, 1);
  }
  return text == "-0" ? "0" : text;
}

std::string iso_of(std::int64_t ms) {
  const std::time_t seconds = ms / 1000;
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buffer, static_cast<int>(ms % 1000));
  return out;
}

std::string utc_day_ago(int days_back) {
  const auto now = std::chrono::system_clock::now() - std::chrono::hours(24 * days_back);
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

std::string yesterday_utc() { return utc_day_ago(1); }

std::int64_t day_start_ms(const std::string& day) {
  std::tm tm{};
  std::istringstream in(day);
  in >> std::get_time(&tm, "%Y-%m-%d");
  return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

}  // namespace cryptopipe::testing
