#include "cryptopipe/pipeline/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <unistd.h>

#include "cryptopipe/core/error.h"
#include "cryptopipe/exchanges/binance.h"
#include "cryptopipe/exchanges/registry.h"

extern char** environ;

namespace cryptopipe::pipeline {
namespace {

Error config_error(const std::string& where, const std::string& what) {
  return Error(ErrorKind::kConfig, where + ": " + what);
}

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

// YAML allows any node as a mapping key (`? [a, b]: …`); ours are all plain names.
std::string key_name(const YAML::Node& key, const std::string& where) {
  if (!key.IsScalar()) {
    throw config_error(where, "a key must be a plain name, not '" + YAML::Dump(key) + "'");
  }
  return key.Scalar();
}

void check_known_keys(const YAML::Node& map, const std::string& where,
                      const std::set<std::string>& known) {
  for (const auto& entry : map) {
    const auto key = key_name(entry.first, where);
    if (!known.contains(key)) {
      std::string list;
      for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
      throw config_error(where, "unknown key '" + key + "' (known keys: " + list + ")");
    }
  }
}

template <typename T>
T scalar(const YAML::Node& node, const std::string& where) {
  try {
    return node.as<T>();
  } catch (const YAML::Exception&) {
    throw config_error(where, "bad value '" + YAML::Dump(node) + "'");
  }
}

int positive_int(const YAML::Node& node, const std::string& where) {
  const int value = scalar<int>(node, where);
  if (value <= 0) throw config_error(where, "must be a positive integer, got " + std::to_string(value));
  return value;
}

ExchangeConfig default_exchange(const std::string& name) {
  ExchangeConfig exchange;
  exchange.name = name;
  exchange.base_url = std::string(exchanges::find_exchange(name).default_base_url);
  exchange.symbols = {Symbol::parse("BTC/USDT"), Symbol::parse("ETH/USDT")};
  exchange.timeframes = {Timeframe::parse("1m"), Timeframe::parse("1h")};
  return exchange;
}

void validate_url(const std::string& url, const std::string& where) {
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) {
    throw config_error(where, "bad URL '" + url + "': expected http:// or https://");
  }
}

ExchangeConfig read_exchange(const std::string& name, const YAML::Node& node,
                             const std::string& where) {
  const exchanges::ExchangeDescriptor* descriptor = nullptr;
  try {
    descriptor = &exchanges::find_exchange(name);
  } catch (const Error& e) {
    throw config_error(where, e.what());
  }
  ExchangeConfig exchange = default_exchange(name);
  if (node.IsNull()) return exchange;
  if (!node.IsMap()) throw config_error(where, "expected a mapping of settings");
  check_known_keys(node, where,
                   {"base_url", "archive_url", "futures_url", "symbols", "timeframes", "depth",
                    "ticker_symbols", "trade_symbols", "perp_symbols"});
  if (node["base_url"]) {
    exchange.base_url = scalar<std::string>(node["base_url"], where + ".base_url");
    validate_url(exchange.base_url, where + ".base_url");
  }
  if (node["archive_url"]) {
    const auto url = scalar<std::string>(node["archive_url"], where + ".archive_url");
    if (url != "none") {
      if (descriptor->default_archive_url.empty()) {
        throw config_error(where + ".archive_url", name + " publishes no bulk archives");
      }
      validate_url(url, where + ".archive_url");
    }
    exchange.archive_url = url == "none" ? "" : url;
  }
  if (node["futures_url"]) {
    if (!descriptor->perpetuals) {
      throw config_error(where + ".futures_url", name + " perpetuals are not supported");
    }
    exchange.futures_url = scalar<std::string>(node["futures_url"], where + ".futures_url");
    validate_url(*exchange.futures_url, where + ".futures_url");
  }
  const auto read_list = [&](const char* key, auto parse) {
    const YAML::Node list = node[key];
    const std::string list_where = where + "." + key;
    if (!list.IsSequence() || list.size() == 0) {
      throw config_error(list_where, "expected a non-empty list");
    }
    using Item = decltype(parse(std::string()));
    std::vector<Item> items;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string item_where = list_where + "[" + std::to_string(i) + "]";
      try {
        items.push_back(parse(scalar<std::string>(list[i], item_where)));
      } catch (const Error& e) {
        if (e.kind() == ErrorKind::kConfig) throw;
        throw config_error(item_where, e.what());
      }
    }
    return items;
  };
  const auto spot = [](const std::string& text) {
    Symbol symbol = Symbol::parse(text);
    if (symbol.is_perpetual()) {
      throw Error(ErrorKind::kInvalidInput,
                  "'" + text + "' is a perpetual: list it under perp_symbols");
    }
    return symbol;
  };
  if (node["symbols"]) exchange.symbols = read_list("symbols", spot);
  if (node["timeframes"]) {
    exchange.timeframes =
        read_list("timeframes", [](const std::string& s) { return Timeframe::parse(s); });
  }
  for (std::size_t i = 0; i < exchange.timeframes.size(); ++i) {
    const Timeframe& timeframe = exchange.timeframes[i];
    if (!descriptor->interval_token(timeframe)) {
      std::string offered;
      for (const Timeframe& candidate : Timeframe::all()) {
        if (descriptor->interval_token(candidate)) offered += " " + std::string(candidate.name());
      }
      throw config_error(where + ".timeframes[" + std::to_string(i) + "]",
                         name + " has no " + std::string(timeframe.name()) +
                             " candles (it offers:" + offered + ")");
    }
  }
  if (node["trade_symbols"]) {
    if (!exchanges::offers_trades(*descriptor)) {
      std::string offered;
      for (const exchanges::ExchangeDescriptor& venue : exchanges::exchange_registry()) {
        if (exchanges::offers_trades(venue)) offered += " " + std::string(venue.name);
      }
      throw config_error(where + ".trade_symbols",
                         name + " public trades are not supported (venues with trades:" + offered +
                             ")");
    }
    exchange.trade_symbols = read_list("trade_symbols", spot);
  }
  if (node["perp_symbols"]) {
    if (!descriptor->perpetuals) {
      std::string offered;
      for (const exchanges::ExchangeDescriptor& venue : exchanges::exchange_registry()) {
        if (venue.perpetuals) offered += " " + std::string(venue.name);
      }
      throw config_error(where + ".perp_symbols",
                         name + " perpetuals are not supported (venues with perpetuals:" + offered +
                             ")");
    }
    exchange.perp_symbols = read_list("perp_symbols", [](const std::string& text) {
      Symbol symbol = Symbol::parse(text);
      if (!symbol.is_perpetual() || !symbol.is_linear_perpetual()) {
        throw Error(ErrorKind::kInvalidInput,
                    "'" + text + "' is not a linear perpetual: expected BASE/QUOTE:QUOTE, e.g. "
                                 "BTC/USDT:USDT");
      }
      return symbol;
    });
  }
  if (node["depth"]) exchange.depth = positive_int(node["depth"], where + ".depth");
  if (const YAML::Node tickers = node["ticker_symbols"]) {
    const auto value = scalar<std::string>(tickers, where + ".ticker_symbols");
    if (value != "all" && value != "symbols") {
      throw config_error(where + ".ticker_symbols",
                         "bad value '" + value + "': expected all (every listed market) or symbols");
    }
    exchange.all_tickers = value == "all";
  }
  if (!descriptor->accepts_depth(exchange.depth)) {
    throw config_error(where + ".depth", name + " serves no order book of depth " +
                                             std::to_string(exchange.depth));
  }
  return exchange;
}

void apply_yaml(Config& config, const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorKind::kConfig, "cannot read the configuration file " + path + ": " +
                                        (access(path.c_str(), F_OK) == 0 ? "permission denied"
                                                                          : "no such file"));
  }
  YAML::Node root;
  try {
    root = YAML::Load(in);
  } catch (const YAML::Exception& e) {
    throw config_error(path, "not valid YAML: " + e.msg + " (line " +
                                 std::to_string(e.mark.line + 1) + ")");
  }
  config.source = path;
  if (root.IsNull()) return;
  if (!root.IsMap()) throw config_error(path, "expected a mapping at the top level");
  const std::string where = path + ": ";
  check_known_keys(root, path,
                   {"lake", "lake_create_bucket", "warehouse", "exchanges", "log_level", "log_format", "http",
                    "concurrency", "fetch_concurrency", "silver_compression",
                    "open_interest_period"});
  if (root["lake"]) config.lake = scalar<std::string>(root["lake"], where + "lake");
  if (root["lake_create_bucket"]) {
    config.lake_create_bucket =
        scalar<bool>(root["lake_create_bucket"], where + "lake_create_bucket");
  }
  if (root["warehouse"]) {
    config.warehouse = scalar<std::string>(root["warehouse"], where + "warehouse");
  }
  if (root["log_level"]) {
    config.log_level = parse_log_level(scalar<std::string>(root["log_level"], where + "log_level"));
  }
  if (root["log_format"]) {
    config.log_format =
        parse_log_format(scalar<std::string>(root["log_format"], where + "log_format"));
  }
  if (root["concurrency"]) {
    config.concurrency = positive_int(root["concurrency"], where + "concurrency");
  }
  if (root["fetch_concurrency"]) {
    config.fetch_concurrency = positive_int(root["fetch_concurrency"], where + "fetch_concurrency");
  }
  if (root["silver_compression"]) {
    config.silver_compression = scalar<int>(root["silver_compression"], where + "silver_compression");
    if (config.silver_compression < -7 || config.silver_compression > 19) {
      throw config_error(where + "silver_compression", "must be a zstd level from -7 to 19");
    }
  }
  if (root["open_interest_period"]) {
    const std::string where_period = where + "open_interest_period";
    const auto text = scalar<std::string>(root["open_interest_period"], where_period);
    try {
      config.open_interest_period = Timeframe::parse(text);
    } catch (const Error& e) {
      throw config_error(where_period, e.what());
    }
    if (!is_open_interest_period(config.open_interest_period)) {
      throw config_error(where_period, "bad value '" + text +
                                           "': expected 5m, 15m, 30m, 1h, 4h or 1d (the periods "
                                           "every perpetual venue serves)");
    }
  }
  if (const YAML::Node http = root["http"]) {
    if (!http.IsMap()) throw config_error(where + "http", "expected a mapping");
    check_known_keys(http, where + "http",
                     {"connect_timeout_ms", "timeout_ms", "max_attempts", "tls_verify", "ca_bundle"});
    if (http["connect_timeout_ms"]) {
      config.connect_timeout_ms = positive_int(http["connect_timeout_ms"], where + "http.connect_timeout_ms");
    }
    if (http["timeout_ms"]) {
      config.request_timeout_ms = positive_int(http["timeout_ms"], where + "http.timeout_ms");
    }
    if (http["max_attempts"]) {
      config.max_attempts = positive_int(http["max_attempts"], where + "http.max_attempts");
    }
    if (http["tls_verify"]) config.tls_verify = scalar<bool>(http["tls_verify"], where + "http.tls_verify");
    if (http["ca_bundle"]) config.ca_bundle = scalar<std::string>(http["ca_bundle"], where + "http.ca_bundle");
  }
  if (const YAML::Node exchanges = root["exchanges"]) {
    if (!exchanges.IsMap() || exchanges.size() == 0) {
      throw config_error(where + "exchanges", "expected a non-empty mapping of exchange names");
    }
    config.exchanges.clear();
    for (const auto& entry : exchanges) {
      const auto name = key_name(entry.first, where + "exchanges");
      config.exchanges.push_back(read_exchange(name, entry.second, where + "exchanges." + name));
    }
  }
}

std::map<std::string, std::string> parse_dotenv(const std::filesystem::path& path) {
  std::map<std::string, std::string> variables;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') continue;
    line = line.substr(first);
    if (line.rfind("export ", 0) == 0) line = line.substr(7);
    const auto equals = line.find('=');
    if (equals == std::string::npos) continue;
    std::string name = line.substr(0, equals);
    std::string value = line.substr(equals + 1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    while (!value.empty() && (value.back() == '\r' || value.back() == ' ')) value.pop_back();
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    variables[name] = value;
  }
  return variables;
}

}  // namespace

Environment Environment::from_process(const std::filesystem::path& dotenv) {
  std::map<std::string, std::string> variables = parse_dotenv(dotenv);
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text(*entry);
    const auto equals = text.find('=');
    if (equals != std::string::npos) variables[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return Environment(std::move(variables));
}

std::optional<std::string> Environment::get(const std::string& name) const {
  const auto it = variables_.find(name);
  if (it == variables_.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

net::HttpOptions http_options(const Config& config) {
  net::HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds(config.connect_timeout_ms);
  options.total_timeout = std::chrono::milliseconds(config.request_timeout_ms);
  options.verify_tls = config.tls_verify;
  options.ca_bundle = config.ca_bundle;
  return options;
}

bool is_open_interest_period(const Timeframe& period) {
  for (const std::string_view name : {"5m", "15m", "30m", "1h", "4h", "1d"}) {
    if (period.name() == name) return true;
  }
  return false;
}

Config load_config(const ConfigFlags& flags, const Environment& env) {
  Config config;
  // The zero-configuration universe: Binance, the exchange the demo and quick start use.
  config.exchanges.push_back(default_exchange(std::string(exchanges::Binance::kName)));

  if (flags.config_file) {
    apply_yaml(config, *flags.config_file);
  } else if (const auto from_env = env.get("CRYPTOPIPE_CONFIG")) {
    apply_yaml(config, *from_env);
  } else if (std::filesystem::exists("cryptopipe.yaml")) {
    apply_yaml(config, "cryptopipe.yaml");
  }

  if (const auto lake = env.get("CRYPTOPIPE_LAKE")) config.lake = *lake;
  if (const auto warehouse = env.get("CRYPTOPIPE_WAREHOUSE")) config.warehouse = *warehouse;
  if (const auto level = env.get("CRYPTOPIPE_LOG_LEVEL")) config.log_level = parse_log_level(*level);
  if (const auto format = env.get("CRYPTOPIPE_LOG_FORMAT")) {
    config.log_format = parse_log_format(*format);
  }
  if (const auto verify = env.get("CRYPTOPIPE_TLS_VERIFY")) {
    if (*verify != "true" && *verify != "false") {
      throw config_error("CRYPTOPIPE_TLS_VERIFY", "bad value '" + *verify + "': expected true or false");
    }
    config.tls_verify = *verify == "true";
  }
  // curl's own variable first, then OpenSSL's: libcurl itself reads neither.
  if (const auto bundle = env.get("CURL_CA_BUNDLE")) {
    config.ca_bundle = *bundle;
  } else if (const auto file = env.get("SSL_CERT_FILE")) {
    config.ca_bundle = *file;
  }
  for (ExchangeConfig& exchange : config.exchanges) {
    const std::string variable = "CRYPTOPIPE_" + upper(exchange.name) + "_URL";
    if (const auto url = env.get(variable)) {
      validate_url(*url, variable);
      exchange.base_url = *url;
    }
    const exchanges::ExchangeDescriptor& venue = exchanges::find_exchange(exchange.name);
    const bool live = exchange.base_url == venue.default_base_url;
    if (!exchange.archive_url) {
      exchange.archive_url = live ? std::string(venue.default_archive_url) : "";
    }
    if (!exchange.futures_url) {
      exchange.futures_url = live ? std::string(venue.default_futures_url) : "";
    }
    if (exchanges::trades_only_archived(venue) && !exchange.trade_symbols.empty() &&
        exchange.archive_url->empty()) {
      throw config_error("exchanges." + exchange.name + ".trade_symbols",
                         exchange.name + " serves its past trades only in its archives, and "
                         "archive_url names none (beside a base_url other than " +
                             std::string(venue.default_base_url) + ", set it)");
    }
  }

  if (flags.lake) config.lake = *flags.lake;
  if (flags.warehouse) config.warehouse = *flags.warehouse;
  if (flags.log_level) config.log_level = parse_log_level(*flags.log_level);
  if (flags.log_format) config.log_format = parse_log_format(*flags.log_format);
  return config;
}

}  // namespace cryptopipe::pipeline
