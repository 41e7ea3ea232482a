#include "cryptopipe/pipeline/config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cryptopipe/core/error.h"
#include "unit/test_helpers.h"

namespace cryptopipe::pipeline {
namespace {

namespace fs = std::filesystem;
using unit::ScratchDir;
using unit::ThrowsError;

// Runs the test in a folder of its own (load_config looks for ./cryptopipe.yaml).
class WorkingDirectory {
 public:
  explicit WorkingDirectory(const fs::path& dir) : previous_(fs::current_path()) {
    fs::current_path(dir);
  }
  WorkingDirectory(const WorkingDirectory&) = delete;
  WorkingDirectory& operator=(const WorkingDirectory&) = delete;
  ~WorkingDirectory() { fs::current_path(previous_); }

 private:
  fs::path previous_;
};

class LoadConfig : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    const fs::path path = scratch_.path() / name;
    std::ofstream(path) << text;
    return path.string();
  }
  Config load(const std::string& yaml_text, std::map<std::string, std::string> env = {},
              ConfigFlags flags = {}) {
    flags.config_file = write("config.yaml", yaml_text);
    return load_config(flags, Environment(std::move(env)));
  }

  ScratchDir scratch_;
  WorkingDirectory cwd_{scratch_.path()};
};

std::vector<std::string> names(const std::vector<Symbol>& symbols) {
  std::vector<std::string> out;
  for (const Symbol& s : symbols) out.push_back(s.unified());
  return out;
}

std::vector<std::string> names(const std::vector<Timeframe>& timeframes) {
  std::vector<std::string> out;
  for (const Timeframe& tf : timeframes) out.emplace_back(tf.name());
  return out;
}

TEST_F(LoadConfig, DefaultsWithoutAnyFile) {
  const Config config = load_config({}, Environment({}));
  EXPECT_EQ(config.lake, "file://./data/lake");
  EXPECT_EQ(config.warehouse, "sqlite://./data/warehouse.db");
  ASSERT_EQ(config.exchanges.size(), 1u);
  EXPECT_EQ(config.exchanges[0].name, "binance");
  EXPECT_EQ(config.exchanges[0].base_url, "https://api.binance.com");
  EXPECT_EQ(names(config.exchanges[0].symbols), (std::vector<std::string>{"BTC/USDT", "ETH/USDT"}));
  EXPECT_EQ(names(config.exchanges[0].timeframes), (std::vector<std::string>{"1m", "1h"}));
  EXPECT_EQ(config.exchanges[0].depth, 20);
  EXPECT_EQ(config.log_level, LogLevel::kInfo);
  EXPECT_FALSE(config.log_format.has_value());
  EXPECT_EQ(config.connect_timeout_ms, 5'000);
  EXPECT_EQ(config.request_timeout_ms, 30'000);
  EXPECT_EQ(config.max_attempts, 6);
  EXPECT_EQ(config.concurrency, 4);
  EXPECT_EQ(config.silver_compression, 1);
  EXPECT_EQ(config.source, "defaults");
  EXPECT_EQ(config.exchanges[0].base_url, "https://api.binance.com");
}

TEST_F(LoadConfig, AnEmptyFileKeepsTheDefaults) {
  const Config config = load("");
  EXPECT_EQ(config.lake, "file://./data/lake");
  ASSERT_EQ(config.exchanges.size(), 1u);
  EXPECT_EQ(config.source, (scratch_.path() / "config.yaml").string());
}

TEST_F(LoadConfig, YamlOverridesTheDefaults) {
  const Config config = load(R"(
lake: file:///srv/lake
warehouse: sqlite:///srv/warehouse.db
log_level: debug
log_format: json
concurrency: 2
silver_compression: 19
http:
  connect_timeout_ms: 1000
  timeout_ms: 2000
  max_attempts: 3
exchanges:
  binance:
    base_url: http://localhost:8080
    symbols: [ETH/BTC, 1INCH/USDT]
    timeframes: [5m, 1w]
    depth: 50
)");
  EXPECT_EQ(config.lake, "file:///srv/lake");
  EXPECT_EQ(config.warehouse, "sqlite:///srv/warehouse.db");
  EXPECT_EQ(config.log_level, LogLevel::kDebug);
  EXPECT_EQ(config.log_format, LogFormat::kJson);
  EXPECT_EQ(config.concurrency, 2);
  EXPECT_EQ(config.silver_compression, 19);
  EXPECT_EQ(config.connect_timeout_ms, 1000);
  EXPECT_EQ(config.request_timeout_ms, 2000);
  EXPECT_EQ(config.max_attempts, 3);
  ASSERT_EQ(config.exchanges.size(), 1u);
  EXPECT_EQ(config.exchanges[0].base_url, "http://localhost:8080");
  EXPECT_EQ(names(config.exchanges[0].symbols), (std::vector<std::string>{"ETH/BTC", "1INCH/USDT"}));
  EXPECT_EQ(names(config.exchanges[0].timeframes), (std::vector<std::string>{"5m", "1w"}));
  EXPECT_EQ(config.exchanges[0].depth, 50);
}

TEST_F(LoadConfig, AnS3LakeMayAskForItsBucketToBeCreated) {
  EXPECT_FALSE(load("lake: s3://bucket/prefix\n").lake_create_bucket);
  const Config config = load("lake: s3://bucket/prefix\nlake_create_bucket: true\n");
  EXPECT_EQ(config.lake, "s3://bucket/prefix");
  EXPECT_TRUE(config.lake_create_bucket);
  EXPECT_TRUE(ThrowsError([&] { load("lake_create_bucket: maybe\n"); }, ErrorKind::kConfig,
                          {"lake_create_bucket", "maybe"}));
}

TEST_F(LoadConfig, AnExchangeWithoutSettingsGetsItsDefaults) {
  const Config config = load("exchanges:\n  binance:\n");
  ASSERT_EQ(config.exchanges.size(), 1u);
  EXPECT_EQ(config.exchanges[0].base_url, "https://api.binance.com");
  EXPECT_EQ(names(config.exchanges[0].symbols), (std::vector<std::string>{"BTC/USDT", "ETH/USDT"}));
}

TEST_F(LoadConfig, FindsTheFileThroughTheEnvironmentOrTheWorkingDirectory) {
  write("cryptopipe.yaml", "lake: file:///from/cwd\n");
  EXPECT_EQ(load_config({}, Environment({})).lake, "file:///from/cwd");
  EXPECT_EQ(load_config({}, Environment({})).source, "cryptopipe.yaml");

  const std::string from_env = write("env.yaml", "lake: file:///from/env\n");
  EXPECT_EQ(load_config({}, Environment({{"CRYPTOPIPE_CONFIG", from_env}})).lake,
            "file:///from/env");

  const std::string from_flag = write("flag.yaml", "lake: file:///from/flag\n");
  ConfigFlags flags;
  flags.config_file = from_flag;
  EXPECT_EQ(load_config(flags, Environment({{"CRYPTOPIPE_CONFIG", from_env}})).lake,
            "file:///from/flag");
}

TEST_F(LoadConfig, EnvironmentOverridesYaml) {
  const Config config = load(
      "lake: file:///yaml/lake\nwarehouse: sqlite:///yaml.db\nlog_level: debug\n"
      "exchanges:\n  binance:\n    base_url: https://yaml.example\n",
      {{"CRYPTOPIPE_LAKE", "file:///env/lake"},
       {"CRYPTOPIPE_WAREHOUSE", "sqlite:///env.db"},
       {"CRYPTOPIPE_BINANCE_URL", "http://127.0.0.1:9999"},
       {"CRYPTOPIPE_LOG_LEVEL", "error"},
       {"CRYPTOPIPE_LOG_FORMAT", "text"}});
  EXPECT_EQ(config.lake, "file:///env/lake");
  EXPECT_EQ(config.warehouse, "sqlite:///env.db");
  EXPECT_EQ(config.exchanges[0].base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(config.log_level, LogLevel::kError);
  EXPECT_EQ(config.log_format, LogFormat::kText);
}

TEST_F(LoadConfig, EmptyEnvironmentValuesCountAsUnset) {
  const Config config = load("lake: file:///yaml/lake\n", {{"CRYPTOPIPE_LAKE", ""}});
  EXPECT_EQ(config.lake, "file:///yaml/lake");
}

TEST_F(LoadConfig, FlagsOverrideTheEnvironment) {
  ConfigFlags flags;
  flags.lake = "file:///flag/lake";
  flags.warehouse = "sqlite:///flag.db";
  flags.log_level = "warn";
  flags.log_format = "json";
  const Config config = load("lake: file:///yaml/lake\n",
                             {{"CRYPTOPIPE_LAKE", "file:///env/lake"},
                              {"CRYPTOPIPE_WAREHOUSE", "sqlite:///env.db"},
                              {"CRYPTOPIPE_LOG_LEVEL", "error"},
                              {"CRYPTOPIPE_LOG_FORMAT", "text"}},
                             flags);
  EXPECT_EQ(config.lake, "file:///flag/lake");
  EXPECT_EQ(config.warehouse, "sqlite:///flag.db");
  EXPECT_EQ(config.log_level, LogLevel::kWarn);
  EXPECT_EQ(config.log_format, LogFormat::kJson);
}

TEST_F(LoadConfig, UnknownKeysAreNamed) {
  EXPECT_TRUE(ThrowsError([&] { load("lakes: file:///x\n"); }, ErrorKind::kConfig,
                          {"lakes", "config.yaml"}));
  EXPECT_TRUE(ThrowsError([&] { load("http:\n  retries: 3\n"); }, ErrorKind::kConfig,
                          {"retries"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    symbolz: [BTC/USDT]\n"); },
                          ErrorKind::kConfig, {"symbolz", "exchanges.binance"}));
}

TEST_F(LoadConfig, AKeyThatIsNotAPlainNameIsRefused) {
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n  ? [a, b]\n  : 1\n"); },
                          ErrorKind::kConfig, {"exchanges", "plain name"}));
  EXPECT_TRUE(ThrowsError([&] { load("http:\n  ? {x: 1}\n  : 2\n"); }, ErrorKind::kConfig,
                          {"http", "plain name"}));
}

TEST_F(LoadConfig, BadTimeframeIsNamedWithItsPosition) {
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  binance:\n    timeframes: [1m, 7m]\n"); }, ErrorKind::kConfig,
      {"exchanges.binance.timeframes[1]", "7m", "config.yaml"}));
}

TEST_F(LoadConfig, BadSymbolIsNamedWithItsPosition) {
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  binance:\n    symbols: [BTC/USDT, btc-usdt]\n"); },
      ErrorKind::kConfig, {"exchanges.binance.symbols[1]", "btc-usdt"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    symbols: []\n"); },
                          ErrorKind::kConfig, {"exchanges.binance.symbols"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    symbols: BTC/USDT\n"); },
                          ErrorKind::kConfig, {"exchanges.binance.symbols"}));
}

TEST_F(LoadConfig, TradeSymbolsAreReadWhereTheVenueHasTrades) {
  const Config config =
      load("exchanges:\n  binance:\n    trade_symbols: [BTC/USDT, SOL/USDT]\n  gateio:\n");
  ASSERT_EQ(config.exchanges.size(), 2u);
  EXPECT_EQ(config.exchanges[0].trade_symbols,
            (std::vector<Symbol>{Symbol::parse("BTC/USDT"), Symbol::parse("SOL/USDT")}));
  EXPECT_TRUE(config.exchanges[1].trade_symbols.empty());  // none unless asked for
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  okx:\n    trade_symbols: [BTC/USDT, BTC]\n"); },
      ErrorKind::kConfig, {"exchanges.okx.trade_symbols[1]", "BTC"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  gateio:\n    trade_symbols: []\n"); },
                          ErrorKind::kConfig, {"exchanges.gateio.trade_symbols"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  kucoin:\n    trade_symbols: [BTC/USDT]\n"); },
                          ErrorKind::kConfig,
                          {"exchanges.kucoin.trade_symbols", "not supported", "binance", "bybit", "okx"}));
}

// Bybit's past trades are only in its archive files: its trade_symbols need an archive site.
TEST_F(LoadConfig, TradesOfAVenueWithOnlyArchivedTradesNeedItsArchiveSite) {
  const Config live = load("exchanges:\n  bybit:\n    trade_symbols: [BTC/USDT]\n");
  EXPECT_EQ(live.exchanges[0].archive_url, "https://public.bybit.com");
  EXPECT_EQ(load("exchanges:\n  bybit:\n    base_url: http://127.0.0.1:1/bybit\n"
                 "    archive_url: http://127.0.0.1:1/bybit-data\n    trade_symbols: [BTC/USDT]\n")
                .exchanges[0].archive_url,
            "http://127.0.0.1:1/bybit-data");
  EXPECT_TRUE(ThrowsError(
      [&] {
        load("exchanges:\n  bybit:\n    base_url: http://127.0.0.1:1/bybit\n"
             "    trade_symbols: [BTC/USDT]\n");
      },
      ErrorKind::kConfig, {"exchanges.bybit.trade_symbols", "only in its archives", "archive_url"}));
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  bybit:\n    archive_url: none\n    trade_symbols: [BTC/USDT]\n"); },
      ErrorKind::kConfig, {"exchanges.bybit.trade_symbols"}));
  // Without trades, a Bybit beside a simulator needs no archive site.
  EXPECT_EQ(load("exchanges:\n  bybit:\n    base_url: http://127.0.0.1:1/bybit\n")
                .exchanges[0].archive_url,
            "");
}

TEST_F(LoadConfig, PerpSymbolsAreLinearPerpetualsOfVenuesThatHaveThem) {
  const Config config = load(
      "open_interest_period: 1h\nexchanges:\n  bybit:\n    perp_symbols: [BTC/USDT:USDT, "
      "ETH/USDT:USDT]\n  gateio:\n");
  EXPECT_EQ(config.exchanges[0].perp_symbols,
            (std::vector<Symbol>{Symbol::parse("BTC/USDT:USDT"), Symbol::parse("ETH/USDT:USDT")}));
  EXPECT_TRUE(config.exchanges[1].perp_symbols.empty());  // none unless asked for
  EXPECT_EQ(config.open_interest_period.name(), "1h");
  EXPECT_EQ(load("").open_interest_period.name(), "5m");
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  bybit:\n    perp_symbols: [BTC/USDT:USDT, BTC/USDT]\n"); },
      ErrorKind::kConfig, {"exchanges.bybit.perp_symbols[1]", "not a linear perpetual"}));
  EXPECT_TRUE(ThrowsError(
      [&] { load("exchanges:\n  bybit:\n    perp_symbols: [BTC/USD:BTC]\n"); },
      ErrorKind::kConfig, {"exchanges.bybit.perp_symbols[0]", "BTC/USD:BTC"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  okx:\n    perp_symbols: [BTC/USDT:USDT]\n"); },
                          ErrorKind::kConfig,
                          {"exchanges.okx.perp_symbols", "not supported", "binance", "gateio"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    symbols: [BTC/USDT:USDT]\n"); },
                          ErrorKind::kConfig, {"exchanges.binance.symbols[0]", "perp_symbols"}));
  EXPECT_TRUE(ThrowsError([&] { load("open_interest_period: 2h\n"); }, ErrorKind::kConfig,
                          {"open_interest_period", "2h", "5m, 15m"}));
  EXPECT_TRUE(ThrowsError([&] { load("open_interest_period: 7m\n"); }, ErrorKind::kConfig,
                          {"open_interest_period", "7m"}));
}

TEST_F(LoadConfig, TheFuturesHostIsBinancesOnlyBesideItsLiveApi) {
  EXPECT_EQ(load("exchanges:\n  binance:\n").exchanges[0].futures_url, "https://fapi.binance.com");
  EXPECT_EQ(load("exchanges:\n  bybit:\n").exchanges[0].futures_url, "");  // the same host
  EXPECT_EQ(load("exchanges:\n  binance:\n    base_url: http://127.0.0.1:1/binance\n")
                .exchanges[0].futures_url,
            "");
  EXPECT_EQ(load("exchanges:\n  binance:\n    futures_url: http://127.0.0.1:1/fapi\n")
                .exchanges[0].futures_url,
            "http://127.0.0.1:1/fapi");
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  kraken:\n    futures_url: http://x\n"); },
                          ErrorKind::kConfig, {"exchanges.kraken.futures_url"}));
}

TEST_F(LoadConfig, ArchivesAreReadOnlyBesideTheLiveApiUnlessNamed) {
  EXPECT_EQ(load("exchanges:\n  binance:\n").exchanges[0].archive_url,
            "https://data.binance.vision");
  // A simulator or a proxy in front of the API: the real archive site is never reached for.
  EXPECT_EQ(load("exchanges:\n  binance:\n    base_url: http://127.0.0.1:1/binance\n")
                .exchanges[0].archive_url,
            "");
  EXPECT_EQ(load("exchanges:\n  binance:\n    base_url: http://127.0.0.1:1/binance\n"
                 "    archive_url: http://127.0.0.1:1/binance-data\n")
                .exchanges[0].archive_url,
            "http://127.0.0.1:1/binance-data");
  EXPECT_EQ(load("exchanges:\n  binance:\n    archive_url: none\n").exchanges[0].archive_url, "");
  EXPECT_EQ(load("exchanges:\n  binance:\n", {{"CRYPTOPIPE_BINANCE_URL", "http://127.0.0.1:2"}})
                .exchanges[0].archive_url,
            "");
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  okx:\n    archive_url: http://x\n"); },
                          ErrorKind::kConfig, {"exchanges.okx.archive_url", "no bulk archives"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    archive_url: ftp://x\n"); },
                          ErrorKind::kConfig, {"exchanges.binance.archive_url", "ftp://x"}));
}

// Kraken asks for permission before any non-personal commercial use of its public data
// (docs/exchanges/kraken.md): nothing reaches it unless the configuration names it, not even with
// its URL variable set.
TEST_F(LoadConfig, KrakenIsContactedOnlyWhenConfigured) {
  const Config defaults = load_config(
      {}, Environment(std::map<std::string, std::string>{{"CRYPTOPIPE_KRAKEN_URL", "http://x"}}));
  for (const ExchangeConfig& exchange : defaults.exchanges) EXPECT_NE(exchange.name, "kraken");
  const Config chosen = load("exchanges:\n  kraken:\n    symbols: [BTC/USD]\n");
  ASSERT_EQ(chosen.exchanges.size(), 1u);
  EXPECT_EQ(chosen.exchanges[0].name, "kraken");
  EXPECT_EQ(chosen.exchanges[0].base_url, "https://api.kraken.com");
}

TEST_F(LoadConfig, UnknownExchangeIsNamed) {
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  nowhere:\n    symbols: [BTC/USD]\n"); },
                          ErrorKind::kConfig, {"nowhere", "binance"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges: {}\n"); }, ErrorKind::kConfig, {"exchanges"}));
}

TEST_F(LoadConfig, EveryExchangeIsKnownWithItsOwnTimeframes) {
  const Config config = load(
      "exchanges:\n  binance:\n  bybit:\n    timeframes: [1m, 12h]\n  gateio:\n"
      "    symbols: [SOL/USDT]\n    timeframes: [1w]\n");
  ASSERT_EQ(config.exchanges.size(), 3u);
  EXPECT_EQ(config.exchanges[1].base_url, "https://api.bybit.com");
  EXPECT_EQ(config.exchanges[2].base_url, "https://api.gateio.ws/api/v4");
  // A timeframe the exchange lacks is refused before any request, naming what it offers.
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  gateio:\n    timeframes: [1m, 3m]\n"); },
                          ErrorKind::kConfig,
                          {"exchanges.gateio.timeframes[1]", "gateio has no 3m candles",
                           "it offers: 1m 5m 15m 30m 1h 4h 8h 1d 1w"}));
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  bybit:\n    timeframes: [8h]\n"); },
                          ErrorKind::kConfig, {"bybit has no 8h candles"}));
}

TEST_F(LoadConfig, InvalidYamlNamesTheFile) {
  EXPECT_TRUE(ThrowsError([&] { load("lake: [unclosed\n"); }, ErrorKind::kConfig,
                          {"config.yaml"}));
  EXPECT_TRUE(ThrowsError([&] { load("- a\n- b\n"); }, ErrorKind::kConfig, {"config.yaml"}));
}

TEST_F(LoadConfig, MissingFileIsNamed) {
  ConfigFlags flags;
  flags.config_file = (scratch_.path() / "absent.yaml").string();
  EXPECT_TRUE(ThrowsError([&] { load_config(flags, Environment({})); }, ErrorKind::kConfig,
                          {"absent.yaml"}));
  EXPECT_TRUE(ThrowsError(
      [&] { load_config({}, Environment(std::map<std::string, std::string>{{"CRYPTOPIPE_CONFIG", "/no/such/cryptopipe.yaml"}})); },
      ErrorKind::kConfig, {"/no/such/cryptopipe.yaml"}));
}

TEST_F(LoadConfig, BadUrlsAreNamed) {
  EXPECT_TRUE(ThrowsError([&] { load("exchanges:\n  binance:\n    base_url: ftp://x\n"); },
                          ErrorKind::kConfig, {"ftp://x", "base_url"}));
  EXPECT_TRUE(ThrowsError([&] { load("", {{"CRYPTOPIPE_BINANCE_URL", "api.binance.com"}}); },
                          ErrorKind::kConfig, {"api.binance.com", "CRYPTOPIPE_BINANCE_URL"}));
}

TEST_F(LoadConfig, BadValuesAreConfigErrors) {
  for (const char* yaml :
       {"log_level: loud\n", "log_format: xml\n", "concurrency: 0\n", "concurrency: many\n",
        "silver_compression: 25\n", "http:\n  timeout_ms: -5\n", "http: 5\n",
        "exchanges:\n  binance:\n    depth: 0\n", "exchanges:\n  binance: [1, 2]\n"}) {
    EXPECT_TRUE(ThrowsError([&] { load(yaml); }, ErrorKind::kConfig)) << yaml;
  }
  EXPECT_TRUE(ThrowsError([&] { load("", {{"CRYPTOPIPE_LOG_LEVEL", "loud"}}); },
                          ErrorKind::kConfig, {"loud"}));
  ConfigFlags flags;
  flags.log_format = "xml";
  EXPECT_TRUE(ThrowsError([&] { load("", {}, flags); }, ErrorKind::kConfig, {"xml"}));
}

TEST_F(LoadConfig, TlsIsVerifiedUnlessTurnedOffExplicitly) {
  EXPECT_TRUE(load("").tls_verify);
  EXPECT_TRUE(load("").ca_bundle.empty());
  EXPECT_FALSE(load("http:\n  tls_verify: false\n").tls_verify);
  EXPECT_FALSE(load("", {{"CRYPTOPIPE_TLS_VERIFY", "false"}}).tls_verify);
  EXPECT_TRUE(load("http:\n  tls_verify: false\n", {{"CRYPTOPIPE_TLS_VERIFY", "true"}}).tls_verify);
  EXPECT_TRUE(ThrowsError([&] { load("http:\n  tls_verify: maybe\n"); }, ErrorKind::kConfig,
                          {"http.tls_verify", "maybe"}));
  EXPECT_TRUE(ThrowsError([&] { load("", {{"CRYPTOPIPE_TLS_VERIFY", "0"}}); }, ErrorKind::kConfig,
                          {"CRYPTOPIPE_TLS_VERIFY", "'0'"}));
}

TEST_F(LoadConfig, TheCaBundleComesFromTheFileOrCurlsOrOpenSslsVariable) {
  EXPECT_EQ(load("http:\n  ca_bundle: /etc/ca.pem\n").ca_bundle, "/etc/ca.pem");
  EXPECT_EQ(load("", {{"SSL_CERT_FILE", "/ssl.pem"}}).ca_bundle, "/ssl.pem");
  EXPECT_EQ(load("http:\n  ca_bundle: /etc/ca.pem\n",
                 {{"CURL_CA_BUNDLE", "/curl.pem"}, {"SSL_CERT_FILE", "/ssl.pem"}})
                .ca_bundle,
            "/curl.pem");
}

TEST(Environment, GetReturnsSetNonEmptyValues) {
  const Environment env({{"A", "1"}, {"EMPTY", ""}});
  EXPECT_EQ(env.get("A"), "1");
  EXPECT_EQ(env.get("EMPTY"), std::nullopt);
  EXPECT_EQ(env.get("MISSING"), std::nullopt);
}

TEST(Environment, FromProcessReadsDotEnvButTheRealEnvironmentWins) {
  ScratchDir scratch;
  const fs::path dotenv = scratch.path() / ".env";
  std::ofstream(dotenv) << "# a comment\n"
                           "\n"
                           "CRYPTOPIPE_UNIT_DOTENV_ONLY=from-dotenv\n"
                           "export CRYPTOPIPE_UNIT_EXPORTED=\"quoted value\"\n"
                           "  CRYPTOPIPE_UNIT_SINGLE='single'\r\n"
                           "CRYPTOPIPE_UNIT_BOTH=from-dotenv\n"
                           "not a variable line\n";
  ASSERT_EQ(::setenv("CRYPTOPIPE_UNIT_BOTH", "from-env", 1), 0);
  const Environment env = Environment::from_process(dotenv);
  ::unsetenv("CRYPTOPIPE_UNIT_BOTH");
  EXPECT_EQ(env.get("CRYPTOPIPE_UNIT_DOTENV_ONLY"), "from-dotenv");
  EXPECT_EQ(env.get("CRYPTOPIPE_UNIT_EXPORTED"), "quoted value");
  EXPECT_EQ(env.get("CRYPTOPIPE_UNIT_SINGLE"), "single");
  EXPECT_EQ(env.get("CRYPTOPIPE_UNIT_BOTH"), "from-env");
  EXPECT_EQ(env.get("PATH"), std::string(std::getenv("PATH")));
}

TEST(Environment, FromProcessWithoutADotEnvFile) {
  ASSERT_EQ(::setenv("CRYPTOPIPE_UNIT_REAL", "yes", 1), 0);
  const Environment env = Environment::from_process("/no/such/dir/.env");
  ::unsetenv("CRYPTOPIPE_UNIT_REAL");
  EXPECT_EQ(env.get("CRYPTOPIPE_UNIT_REAL"), "yes");
}

}  // namespace
}  // namespace cryptopipe::pipeline
