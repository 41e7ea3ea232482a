#include "cryptopipe/app/cli.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include "cryptopipe/app/pipes_run.h"
#include "cryptopipe/app/venues.h"
#include "cryptopipe/core/error.h"
#include "cryptopipe/pipeline/asset_graph.h"
#include "cryptopipe/pipeline/config.h"
#include "cryptopipe/pipeline/executor.h"
#include "cryptopipe/pipeline/ohlcv_assets.h"
#include "cryptopipe/pipeline/perp_assets.h"
#include "cryptopipe/pipeline/trade_assets.h"
#include "cryptopipe/pipeline/run_context.h"
#include "cryptopipe/pipes/session.h"

namespace cryptopipe::app {
namespace {

constexpr const char* kExitCodesHelp =
    "Exit codes: 0 every selected asset materialized; 1 an asset failed (or the run could not "
    "complete); 2 bad usage or configuration (nothing was run).";

[[noreturn]] void terminate_with_an_error_line() {
  std::string what = "the engine stopped on an unhandled error";
  if (const std::exception_ptr current = std::current_exception()) {
    try {
      std::rethrow_exception(current);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "an exception of unknown type";
    }
  }
  const std::string line = "cryptopipe: internal error: " + what + "; a re-run converges\n";
  static_cast<void>(::write(STDERR_FILENO, line.data(), line.size()));
  std::_Exit(kExitAssetFailed);
}

}  // namespace

void end_unhandled_errors_with_a_line() { std::set_terminate(terminate_with_an_error_line); }

namespace {

struct MaterializeOptions {
  std::string select;
  std::string partition;
  std::string from;
  std::string to;
};

// The UTC days to materialize. Snapshot assets need none: without daily assets in the
// selection and no partition given, the run is today's.
std::vector<UtcDay> partitions_of(const MaterializeOptions& options, TimestampMs now,
                                  bool daily_assets_selected) {
  std::vector<UtcDay> days;
  if (!daily_assets_selected && options.partition.empty() && options.from.empty() &&
      options.to.empty()) {
    days.push_back(UtcDay::containing(now));
  } else if (!options.partition.empty()) {
    if (!options.from.empty() || !options.to.empty()) {
      throw Error(ErrorKind::kInvalidInput, "give either --partition or --from/--to, not both");
    }
    days.push_back(UtcDay::parse(options.partition));
  } else if (!options.from.empty() && !options.to.empty()) {
    const UtcDay from = UtcDay::parse(options.from);
    const UtcDay to = UtcDay::parse(options.to);
    if (to < from) {
      throw Error(ErrorKind::kInvalidInput,
                  "bad range: --to " + options.to + " is before --from " + options.from);
    }
    for (UtcDay day = from; day <= to; day = day.next()) days.push_back(day);
  } else {
    throw Error(ErrorKind::kInvalidInput,
                "materialize needs --partition DAY or both --from DAY and --to DAY");
  }
  const UtcDay today = UtcDay::containing(now);
  if (days.back() > today) {
    throw Error(ErrorKind::kInvalidInput, "bad date " + days.back().to_string() +
                                              ": it is in the future (today is " +
                                              today.to_string() + " UTC)");
  }
  return days;
}

// Under Dagster the Pipes context says what to run: the step's assets, its partition (or the
// range of a single-run backfill). Flags that contradict it are a usage error.
void apply_pipes_context(const pipes::PipesContext& context, MaterializeOptions& options) {
  if (options.select.empty()) options.select = pipes_selection(context);
  if (const std::optional<DayRange> days = pipes_partitions(context)) {
    if (!options.partition.empty() || !options.from.empty() || !options.to.empty()) {
      throw Error(ErrorKind::kInvalidInput,
                  "the partition comes from Dagster's Pipes context; do not pass --partition, "
                  "--from or --to");
    }
    options.from = days->first;
    options.to = days->last;
  }
}

// The step may materialize only the assets Dagster launched it for.
void check_pipes_selection(const pipes::PipesContext& context,
                           const std::vector<std::string>& selection) {
  const std::vector<std::string>& keys = *context.asset_keys;
  for (const std::string& key : selection) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
      throw Error(ErrorKind::kInvalidInput,
                  "--select names " + key + ", which is not an asset of this Dagster step (" +
                      pipes_selection(context) + ")");
    }
  }
}

LogFormat log_format_for(const pipeline::Config& config) {
  if (config.log_format) return *config.log_format;
  return ::isatty(STDERR_FILENO) ? LogFormat::kText : LogFormat::kJson;
}

void print_summary(const pipeline::RunSummary& summary, pipeline::RunContext& context,
                   const std::string& warehouse, std::size_t partitions) {
  std::printf("run %s: %zu asset(s) x %zu partition(s)\n", context.run_id().c_str(),
              summary.assets.size(), partitions);
  std::printf("%-26s %-8s %10s %8s %8s %8s %9s\n", "asset", "status", "rows", "rejects", "gaps",
              "objects", "seconds");
  for (const pipeline::AssetSummary& asset : summary.assets) {
    const char* status = asset.failed > 0    ? "FAILED"
                         : asset.skipped > 0 ? "skipped"
                                             : "ok";
    std::printf("%-26s %-8s %10lld %8lld %8lld %8lld %9.2f\n", asset.key.c_str(), status,
                static_cast<long long>(asset.rows), static_cast<long long>(asset.rejects),
                static_cast<long long>(asset.gaps), static_cast<long long>(asset.objects),
                asset.seconds);
    if (!asset.first_error.empty()) std::printf("  error: %s\n", asset.first_error.c_str());
    if (asset.checks_passed > 0 || !asset.failed_checks.empty()) {
      std::printf("  checks: %d passed, %zu failed\n", asset.checks_passed,
                  asset.failed_checks.size());
    }
    for (const std::string& failed : asset.failed_checks) {
      std::printf("  check FAILED: %s\n", failed.c_str());
    }
  }
  std::printf("lake: %s\nwarehouse: %s\n", context.lake().url().c_str(), warehouse.c_str());
  std::fflush(stdout);
}

// Unknown symbols (spot and perpetual) fail fast, before anything is fetched or stored.
void check_symbols(pipeline::RunContext& context, const pipeline::AssetGraph& graph,
                   const std::vector<std::string>& selection) {
  std::set<std::string> exchanges;
  for (const std::string& key : selection) {
    if (const auto& exchange = graph.get(key).exchange) exchanges.insert(*exchange);
  }
  for (const std::string& exchange : exchanges) {
    const pipeline::ExchangeConfig& settings = context.exchange_config(exchange);
    std::vector<Symbol> symbols = settings.symbols;
    for (const Symbol& symbol : settings.trade_symbols) {
      if (std::find(symbols.begin(), symbols.end(), symbol) == symbols.end()) {
        symbols.push_back(symbol);
      }
    }
    // Perpetuals are checked against the venue's futures instrument list, when asked for.
    const bool perpetuals_selected =
        std::any_of(selection.begin(), selection.end(), [&](const std::string& key) {
          const pipeline::AssetSpec& asset = graph.get(key);
          return asset.exchange == exchange && pipeline::extracts_perpetuals(asset.kind);
        });
    try {
      const auto client = context.lease(exchange);
      client->check_symbols(symbols);
      if (perpetuals_selected) client->check_perpetuals(settings.perp_symbols);
    } catch (const Error& e) {
      if (e.kind() == ErrorKind::kInvalidInput) throw;
      // The exchange could not answer the check: its extract asset meets the same problem and
      // fails on its own, recorded like any asset failure.
      context.logger().warn("could not check the configured symbols",
                            {{"exchange", exchange}, {"error", e.what()}});
    }
  }
}

// Partitions older than a venue's history cap fail fast too: no request could reach them.
void check_history_caps(const pipeline::RunContext& context, const pipeline::AssetGraph& graph,
                        const std::vector<std::string>& selection,
                        const std::vector<UtcDay>& days, TimestampMs now) {
  for (const std::string& key : selection) {
    const pipeline::AssetSpec& asset = graph.get(key);
    for (const UtcDay& day : days) {
      if (asset.kind == pipeline::AssetKind::kExtractOhlcv) {
        pipeline::require_within_history(context.exchange_config(*asset.exchange), day, now);
      } else if (asset.kind == pipeline::AssetKind::kExtractTrades) {
        pipeline::require_trades_within_history(context.exchange_config(*asset.exchange), day,
                                                now);
      } else if (asset.kind == pipeline::AssetKind::kExtractOpenInterest) {
        pipeline::require_open_interest_within_history(context.exchange_config(*asset.exchange),
                                                       day, now);
      }
    }
  }
}

lake::LakeOptions lake_options(const pipeline::Config& config, const pipeline::Environment& env) {
  lake::LakeOptions options;
  options.env = [&env](const std::string& name) { return env.get(name); };
  options.create_bucket = config.lake_create_bucket;
  options.http = pipeline::http_options(config);
  options.retry.max_attempts = config.max_attempts;
  return options;
}

int run_materialize(const pipeline::Config& config, const pipeline::Environment& env,
                    MaterializeOptions options, pipes::PipesSession* pipes) {
  SystemClock clock;
  if (pipes != nullptr) apply_pipes_context(pipes->context(), options);
  if (options.select.empty()) {
    throw Error(ErrorKind::kInvalidInput,
                "--select is required (under Dagster, the Pipes context names the assets)");
  }
  const pipeline::AssetGraph graph = pipeline::AssetGraph::from_config(config);
  const std::vector<std::string> selection = pipeline::resolve_selection(graph, options.select);
  if (pipes != nullptr) check_pipes_selection(pipes->context(), selection);
  const bool daily = std::any_of(selection.begin(), selection.end(), [&](const std::string& key) {
    return graph.get(key).partitioning == "daily";
  });
  const std::vector<UtcDay> days = partitions_of(options, clock.now_ms(), daily);
  const std::string run_id = pipes != nullptr ? pipes_run_id(pipes->context(), clock.now_ms())
                                              : pipeline::new_run_id(clock.now_ms());
  Logger logger(run_id, log_format_for(config), config.log_level);
  if (pipes != nullptr) logger.forward_to(forward_to_pipes(*pipes));
  if (!config.tls_verify) {
    logger.warn_unsilenced("TLS certificate verification is OFF (http.tls_verify: false or "
                "CRYPTOPIPE_TLS_VERIFY=false): anyone on the network path can impersonate the "
                "exchanges and the S3 endpoint, and read or alter what this run fetches and stores");
  }
  pipeline::RunContext context(config, run_id, logger, clock,
                               lake::open_object_store(config.lake, lake_options(config, env)));
  // A bad warehouse fails the run before anything is fetched. Its name is kept for the summary,
  // which must not need the server (it may have gone away during the run).
  const std::string warehouse = context.open_warehouse()->describe();

  check_symbols(context, graph, selection);
  check_history_caps(context, graph, selection, days, clock.now_ms());
  logger.info("run started", {{"select", options.select},
                              {"assets", selection},
                              {"partitions", days.size()},
                              {"first_partition", days.front().to_string()},
                              {"last_partition", days.back().to_string()},
                              {"config", config.source}});
  const pipeline::RunSummary summary = pipeline::materialize(context, graph, selection, days);
  logger.info("run finished", {{"success", summary.all_succeeded()}});
  print_summary(summary, context, warehouse, days.size());
  if (pipes != nullptr) {
    report_run(*pipes, graph, summary, context);
    pipes->close(summary.all_succeeded() ? nullptr : std::make_exception_ptr(AssetsFailed(summary)));
  }
  return summary.all_succeeded() ? kExitOk : kExitAssetFailed;
}

int run_assets(const pipeline::Config& config, bool as_json) {
  const pipeline::AssetGraph graph = pipeline::AssetGraph::from_config(config);
  if (as_json) {
    std::cout << graph.to_json().dump(2) << "\n";
    return kExitOk;
  }
  for (const pipeline::AssetSpec& asset : graph.assets()) {
    std::string deps;
    for (const std::string& dep : asset.deps) deps += (deps.empty() ? "" : ", ") + dep;
    std::cout << asset.key << "  [" << asset.group << ", " << asset.partitioning << "]"
              << (deps.empty() ? "" : "  <- " + deps) << "\n    " << asset.description << "\n";
  }
  return kExitOk;
}

}  // namespace

int run_cli(int argc, char** argv) {
  end_unhandled_errors_with_a_line();
  CLI::App app{
      "cryptopipe: crypto market data from exchange REST APIs to a data lake (bronze, silver) "
      "and a warehouse (gold)."};
  app.footer(kExitCodesHelp);
  app.require_subcommand(1);
  pipeline::ConfigFlags flags;
  app.add_option("--config", flags.config_file, "YAML configuration file (default: ./cryptopipe.yaml when present)");
  app.add_option("--lake", flags.lake, "lake URL: file:///abs/path or s3://bucket/prefix (env CRYPTOPIPE_LAKE)");
  app.add_option("--warehouse", flags.warehouse, "warehouse URL: sqlite:///abs/path.db or postgresql://user@host:port/dbname (env CRYPTOPIPE_WAREHOUSE)");
  app.add_option("--log-level", flags.log_level, "debug, info, warn or error (env CRYPTOPIPE_LOG_LEVEL)");
  app.add_option("--log-format", flags.log_format, "json or text; default text on a terminal, JSON otherwise (env CRYPTOPIPE_LOG_FORMAT)");

  bool assets_json = false;
  CLI::App* assets = app.add_subcommand("assets", "List the asset graph generated from the configuration");
  assets->add_flag("--json", assets_json, "machine-readable output (the Dagster code location reads it)");

  bool exchanges_json = false;
  CLI::App* exchanges = app.add_subcommand(
      "exchanges", "List the venues the engine supports: datasets, timeframes, depths, caps");
  exchanges->add_flag("--json", exchanges_json, "machine-readable output");

  MaterializeOptions options;
  CLI::App* materialize = app.add_subcommand(
      "materialize", "Materialize selected assets for UTC-day partitions, in dependency order");
  materialize->footer(std::string("Selection: '*', 'a,b', '+a' (with upstream), 'a+' (with downstream), "
                                  "'*a' / 'a*' (all levels), 'group:bronze|silver|gold'.\n") +
                      kExitCodesHelp);
  materialize->add_option("--select", options.select,
                          "assets to materialize (under Dagster: the step's assets by default)");
  materialize->add_option("--partition", options.partition,
                          "one UTC day, YYYY-MM-DD (daily assets; snapshot assets take today's)");
  materialize->add_option("--from", options.from, "first UTC day of a range, YYYY-MM-DD");
  materialize->add_option("--to", options.to, "last UTC day of a range (inclusive), YYYY-MM-DD");

  // Global options are accepted after the subcommand too (cryptopipe materialize --config x).
  assets->fallthrough();
  exchanges->fallthrough();
  materialize->fallthrough();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "cryptopipe: error: " << e.what() << " (see cryptopipe --help)\n";
    return kExitUsage;
  }

  // Opened first, so that every later failure (configuration included) reaches Dagster.
  std::unique_ptr<pipes::PipesSession> pipes;
  const auto close_pipes = [&pipes] {
    if (!pipes) return;
    try {
      pipes->close(std::current_exception());
    } catch (const std::exception& e) {
      std::cerr << "cryptopipe: error: " << e.what() << "\n";
    }
  };
  try {
    if (*materialize) pipes = pipes::PipesSession::from_environment();
    if (pipes) close_pipes_on_signal(*pipes);
    const pipeline::Environment env = pipeline::Environment::from_process(".env");
    const pipeline::Config config = pipeline::load_config(flags, env);
    if (*assets) return run_assets(config, assets_json);
    if (*exchanges) {
      std::set<std::string> configured;
      for (const pipeline::ExchangeConfig& exchange : config.exchanges) {
        configured.insert(exchange.name);
      }
      return run_exchanges(configured, exchanges_json);
    }
    return run_materialize(config, env, options, pipes.get());
  } catch (const Error& e) {
    std::cerr << "cryptopipe: error: " << e.what() << "\n";
    close_pipes();
    return e.is_usage_error() ? kExitUsage : kExitAssetFailed;
  } catch (const std::exception& e) {
    std::cerr << "cryptopipe: internal error: " << e.what() << "\n";
    close_pipes();
    return kExitAssetFailed;
  }
}

}  // namespace cryptopipe::app
