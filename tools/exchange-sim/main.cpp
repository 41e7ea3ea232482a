// cryptopipe-exchange-sim: a local stand-in for exchanges' public market-data REST APIs with
// deterministic candles and switchable faults, for tests and demos.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <iostream>
#include <optional>
#include <regex>
#include <string>
#include <thread>

#include "binance.h"
#include "binance_archives.h"
#include "bitfinex.h"
#include "bitget.h"
#include "bybit.h"
#include "bybit_archives.h"
#include "calendar.h"
#include "coinbase.h"
#include "exchange_route.h"
#include "faults.h"
#include "gate.h"
#include "kraken.h"
#include "kucoin.h"
#include "mexc.h"
#include "okx.h"
#include "request_stats.h"
#include "sim_admin_routes.h"
#include "sim_clock.h"
#include "trade_data.h"

namespace {

using namespace exchange_sim;

constexpr const char* kHost = "127.0.0.1";  // never reachable from other machines

struct Options {
  int port = 0;
  std::uint64_t seed = 1;
  FaultSettings faults;
  BinanceOptions binance;
  BinanceArchiveOptions binance_archives;
  BitgetOptions bitget;
  BybitOptions bybit;
  CoinbaseOptions coinbase;
  GateOptions gate;
  KrakenOptions kraken;
  KuCoinOptions kucoin;
  MexcOptions mexc;
  OkxOptions okx;
  BitfinexOptions bitfinex;
  std::optional<std::int64_t> now_ms;
  std::int64_t trade_spacing_ms = 10'000;
};

void add_options(CLI::App& app, Options& options) {
  app.add_option("--port", options.port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->check(CLI::Range(0, 65535))
      ->capture_default_str();
  app.add_option("--seed", options.seed, "Seed for the fault switches' random choices")
      ->capture_default_str();
  app.add_option("--latency-ms", options.faults.latency_ms, "Delay before every exchange answer")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--latency-every", options.faults.latency_every,
                 "Delay only every Nth exchange answer (0 or 1: every answer)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--error-rate", options.faults.error_rate,
                 "Share of requests answered 500/502/503 in turn")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--rate-limit-every", options.faults.rate_limit_every,
                 "Answer every Nth exchange request with 429 (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--retry-after", options.faults.retry_after_s,
                 "Retry-After seconds sent with --rate-limit-every's 429s")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--truncate-rate", options.faults.truncate_rate,
                 "Share of answers whose connection closes halfway through the body")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--malformed-rate", options.faults.malformed_rate,
                 "Share of answers with JSON cut short but a matching Content-Length")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_option("--ban-s", options.faults.ban_s,
                 "Answer Binance as a 418 ban of this many seconds (0: never)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--duplicate-rate", options.faults.duplicate_rate,
                 "Share of candles sent twice in a row")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  app.add_flag("--shuffle", options.faults.shuffle, "Send each page of candles in a random order");
  app.add_option("--gap-from-ms", options.faults.gap_from_ms,
                 "Leave out the candles opening from this time (ms) up to --gap-to-ms")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--gap-to-ms", options.faults.gap_to_ms,
                 "End (exclusive, ms) of the window of candles left out")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--weight-limit", options.binance.weight_limit,
                 "Binance REQUEST_WEIGHT allowed per UTC minute")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--ban-seconds", options.binance.ban_seconds,
                 "Length of the 418 ban for clients that keep going after a 429")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--bitget-limit", options.bitget.requests_per_second,
                 "Bitget requests allowed per second, per endpoint (past it: 429)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bybit-limit", options.bybit.requests_per_window,
                 "Bybit requests allowed per 5 s window (its IP limit)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bybit-ban-seconds", options.bybit.ban_seconds,
                 "How long Bybit answers 403 to a client that went over --bybit-limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--coinbase-limit", options.coinbase.requests_per_second,
                 "Coinbase Exchange requests per second, over every endpoint (its IP limit)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--coinbase-burst", options.coinbase.burst,
                 "Coinbase Exchange requests allowed at once before --coinbase-limit paces them")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--gate-limit", options.gate.requests_per_window,
                 "Gate.io requests allowed per 10 s window, per endpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--kraken-limit", options.kraken.requests_per_window,
                 "Kraken requests allowed per --kraken-window-ms, over every endpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--kraken-window-ms", options.kraken.window_ms,
                 "Length of Kraken's request-count window")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--kraken-lockout-seconds", options.kraken.lockout_seconds,
                 "How long Kraken answers EGeneral:Temporary lockout to a client that went over "
                 "--kraken-limit (0: only EGeneral:Too many requests until the window ends)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--kucoin-limit", options.kucoin.public_pool_weight,
                 "KuCoin public-pool weight allowed per 30 s window")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--mexc-limit", options.mexc.weight_limit,
                 "MEXC request weight allowed per endpoint per 10 s window (its IP limit)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--mexc-ban-seconds", options.mexc.ban_seconds,
                 "Length of MEXC's 418 ban for clients that keep going after a 429")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--okx-history-limit", options.okx.history_candles_per_window,
                 "OKX history-candles requests allowed per 2 s window")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bitfinex-candle-limit", options.bitfinex.candle_requests_per_minute,
                 "Bitfinex candle requests allowed per minute")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bitfinex-book-limit", options.bitfinex.book_requests_per_minute,
                 "Bitfinex book requests allowed per minute")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bitfinex-limit", options.bitfinex.requests_per_minute,
                 "Bitfinex requests allowed per minute on each other endpoint")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--bitfinex-block-seconds", options.bitfinex.block_seconds,
                 "How long Bitfinex answers 429 to a client that went over a limit")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--archive-delay-ms", options.binance_archives.publication_delay_ms,
                 "How long after its day or month ends a /binance-data or /bybit-data file appears")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--archive-cache-mib", options.binance_archives.cache_mib,
                 "Built /binance-data archives kept in memory for the next request (MiB)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option_function<std::string>(
         "--binance-daily-archives-from",
         [&options](const std::string& day) {
           options.binance_archives.daily_from_ms =
               *day_start_ms(day.substr(0, 4), day.substr(5, 2), day.substr(8, 2));
         },
         "The first day (YYYY-MM-DD) with daily /binance-data files; the days before are in "
         "their months' files only, as on the real site")
      ->check([](const std::string& day) -> std::string {
        static const std::regex kDay(R"([0-9]{4}-[0-9]{2}-[0-9]{2})");
        if (!std::regex_match(day, kDay) ||
            !day_start_ms(day.substr(0, 4), day.substr(5, 2), day.substr(8, 2))) {
          return "expected a day as YYYY-MM-DD, got " + day;
        }
        return "";
      });
  app.add_option("--archive-corrupt", options.faults.archive_corrupt,
                 "Serve the /binance-data zips whose name contains this text with bytes changed");
  app.add_option("--archive-drop", options.faults.archive_drop,
                 "Answer 404 for the /binance-data zips whose name contains this text");
  app.add_option("--archive-drop-checksum", options.faults.archive_drop_checksum,
                 "Answer 404 for the .CHECKSUM files whose zip's name contains this text");
  app.add_option("--trade-spacing-ms", options.trade_spacing_ms,
                 "Mean time between two trades of a market (every venue's trades routes)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_option("--now-ms", options.now_ms,
                 "Freeze the clock at this UTC time in ms (default: wall clock)")
      ->check(CLI::NonNegativeNumber);
}

sigset_t termination_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  return signals;
}

// Counts each answer just before it is sent (httplib's logger runs only after sending, too late
// for a client that checks /_sim/stats as soon as it has its answer). The admin endpoints are left
// out so that polling them does not disturb what tests measure.
void count_requests(httplib::Server& server, RequestStats& stats) {
  server.set_post_routing_handler(
      [&stats](const httplib::Request& request, const httplib::Response& response) {
        if (!request.path.starts_with(kAdminPrefix)) {
          stats.record(request.path, response.status);
        }
      });
}

// One short line per answered request on stderr.
void log_requests(httplib::Server& server) {
  server.set_logger([](const httplib::Request& request, const httplib::Response& response) {
    std::cerr << request.method + " " + request.target + " " + std::to_string(response.status) +
                     "\n";
  });
}

// httplib's default socket options include SO_REUSEPORT, which would let a second simulator bind
// a port that is already taken and silently share its requests; SO_REUSEADDR alone still allows a
// quick restart on the same port.
void refuse_shared_ports(httplib::Server& server) {
  server.set_socket_options([](socket_t socket) {
    const int enabled = 1;
    setsockopt(socket, SOL_SOCKET, SO_REUSEADDR, &enabled, sizeof enabled);
  });
}

// cpp-httplib serves one connection per pool thread and keeps an idle keep-alive connection's
// thread for 5 s: its default pool of 8 made a ninth client connection wait 5 s, where a venue's
// servers take as many connections as its clients open (8 per venue, several venues in a run).
constexpr std::size_t kServerThreads = 64;

int serve(const Options& options) {
  const SimClock clock(options.now_ms);
  set_trade_spacing_ms(options.trade_spacing_ms);
  FaultInjector faults(options.faults, options.seed);
  RequestStats stats;
  httplib::Server server;
  // httplib's API: the server owns and deletes the queue it is handed.
  server.new_task_queue = [] { return new httplib::ThreadPool(kServerThreads); };
  const SimServices services{clock, faults};
  register_binance_routes(server, services, options.binance);
  register_binance_archive_routes(server, services, options.binance_archives);
  register_bybit_archive_routes(server, services, options.binance_archives.publication_delay_ms);
  register_bybit_routes(server, services, options.bybit);
  register_coinbase_routes(server, services, options.coinbase);
  register_gate_routes(server, services, options.gate);
  register_kraken_routes(server, services, options.kraken);
  register_kucoin_routes(server, services, options.kucoin);
  register_mexc_routes(server, services, options.mexc);
  register_okx_routes(server, services, options.okx);
  register_bitfinex_routes(server, services, options.bitfinex);
  register_bitget_routes(server, services, options.bitget);
  register_admin_routes(server, faults, stats);
  count_requests(server, stats);
  log_requests(server);
  refuse_shared_ports(server);

  // Blocked before any server thread exists, so every thread inherits the mask and only the
  // waiter below receives SIGTERM/SIGINT, outside of signal-handler restrictions.
  const sigset_t signals = termination_signals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  const int port = options.port == 0
                       ? server.bind_to_any_port(kHost)
                       : (server.bind_to_port(kHost, options.port) ? options.port : -1);
  if (port <= 0) {
    std::cerr << "cannot bind " << kHost << ":" << options.port << "\n";
    return 1;
  }
  std::cout << "listening on " << kHost << ":" << port << std::endl;

  std::atomic<bool> listening_ended = false;
  std::thread signal_waiter([&] {
    int received = 0;
    sigwait(&signals, &received);
    // A signal that arrives before listen_after_bind() has marked the server running would make
    // stop() a no-op, so wait for that moment first.
    while (!server.is_running() && !listening_ended) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    server.stop();
  });
  const bool served = server.listen_after_bind();
  listening_ended = true;
  if (!served) {
    kill(getpid(), SIGTERM);  // wakes the waiter so that it can be joined
  }
  signal_waiter.join();
  return served ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "Local exchange simulator: Binance, Bitfinex, Bitget, Bybit, Coinbase Exchange, Gate.io, "
      "Kraken, KuCoin, MEXC and OKX spot market data with deterministic candles, tickers and "
      "order books, and switchable faults"};
  Options options;
  add_options(app, options);
  CLI11_PARSE(app, argc, argv);
  return serve(options);
}
