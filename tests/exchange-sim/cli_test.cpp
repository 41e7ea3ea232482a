// The simulator's command line and process behaviour: the listening line, ports, shutdown.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <regex>
#include <string>

#include "support/process.h"
#include "support/simulator.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

const std::string kSimulator = build_path("cryptopipe-exchange-sim");

// Reads the child's stdout until the first newline (or 10 s pass) and returns that line.
std::string first_stdout_line(ChildProcess& child) {
  std::string out;
  while (out.find('\n') == std::string::npos) {
    pollfd watched{child.stdout_pipe().get(), POLLIN, 0};
    if (poll(&watched, 1, 10'000) <= 0) {
      break;
    }
    char buffer[256];
    const ssize_t count = read(watched.fd, buffer, sizeof buffer);
    if (count <= 0) {
      break;
    }
    out.append(buffer, static_cast<std::size_t>(count));
  }
  return out.substr(0, out.find('\n'));
}

// A port that was free a moment ago: bind to port 0, note what the kernel chose, release it.
int free_port() {
  const UniqueFd probe(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(probe.get(), reinterpret_cast<sockaddr*>(&address), &length);
  return ntohs(address.sin_port);
}

TEST(SimulatorCli, FirstLineNamesTheFreePortItBoundAndSigtermExitsZero) {
  ChildProcess child({kSimulator, "--port", "0"});
  const std::string line = first_stdout_line(child);
  std::smatch match;
  ASSERT_TRUE(std::regex_match(line, match, std::regex(R"(listening on 127\.0\.0\.1:(\d+))")))
      << "first line: '" << line << "'";
  const int port = std::stoi(match[1]);
  EXPECT_GT(port, 0);
  EXPECT_TRUE(can_connect("127.0.0.1", port));

  child.send_signal(SIGTERM);
  EXPECT_EQ(child.wait_for(10'000), 0);
}

TEST(SimulatorCli, PortZeroIsTheDefault) {
  ChildProcess child({kSimulator});
  EXPECT_TRUE(std::regex_match(first_stdout_line(child),
                               std::regex(R"(listening on 127\.0\.0\.1:[1-9]\d*)")));
}

TEST(SimulatorCli, ListensOnTheRequestedPort) {
  const int port = free_port();
  ChildProcess child({kSimulator, "--port", std::to_string(port)});
  EXPECT_EQ(first_stdout_line(child), "listening on 127.0.0.1:" + std::to_string(port));
}

TEST(SimulatorCli, SigintExitsZero) {
  ChildProcess child({kSimulator});
  ASSERT_FALSE(first_stdout_line(child).empty());
  child.send_signal(SIGINT);
  EXPECT_EQ(child.wait_for(10'000), 0);
}

TEST(SimulatorCli, StopRightAfterStartIsClean) {
  Simulator simulator;
  simulator.stop();
  EXPECT_EQ(simulator.exit_code(), 0);
  simulator.stop();  // idempotent
  EXPECT_EQ(simulator.exit_code(), 0);
}

TEST(SimulatorCli, PortAlreadyTakenFailsWithoutAListeningLine) {
  const Simulator first;
  const ProcessResult second = run_process({kSimulator, "--port", std::to_string(first.port())});
  EXPECT_NE(second.exit_code, 0);
  EXPECT_EQ(second.out, "");
  EXPECT_NE(second.err.find("cannot bind"), std::string::npos) << second.err;
}

TEST(SimulatorCli, HelpListsEveryFlag) {
  const ProcessResult help = run_process({kSimulator, "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag :
       {"--port", "--seed", "--latency-ms", "--error-rate", "--rate-limit-every", "--retry-after",
        "--truncate-rate", "--malformed-rate", "--weight-limit", "--now-ms", "--ban-seconds",
        "--bybit-limit", "--bybit-ban-seconds", "--gate-limit"}) {
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag << " missing from:\n" << help.out;
  }
}

TEST(SimulatorCli, RejectsOutOfRangeSettings) {
  EXPECT_NE(run_process({kSimulator, "--error-rate", "1.5"}).exit_code, 0);
  EXPECT_NE(run_process({kSimulator, "--port", "70000"}).exit_code, 0);
  EXPECT_NE(run_process({kSimulator, "--latency-ms", "-1"}).exit_code, 0);
  EXPECT_NE(run_process({kSimulator, "--no-such-flag"}).exit_code, 0);
  EXPECT_NE(run_process({kSimulator, "--bybit-limit", "0"}).exit_code, 0);
  EXPECT_NE(run_process({kSimulator, "--gate-limit", "-3"}).exit_code, 0);
  const ProcessResult bad_day =
      run_process({kSimulator, "--binance-daily-archives-from", "2024-13-01"});
  EXPECT_NE(bad_day.exit_code, 0);
  EXPECT_NE(bad_day.err.find("expected a day as YYYY-MM-DD, got 2024-13-01"), std::string::npos)
      << bad_day.err;
}

TEST(SimulatorCli, LogsOneLinePerRequestOnStderr) {
  Simulator simulator;
  ASSERT_TRUE(simulator.get("/binance/api/v3/ping"));
  simulator.stop();
  EXPECT_NE(simulator.log().find("GET /binance/api/v3/ping 200"), std::string::npos)
      << simulator.log();
}

}  // namespace
}  // namespace cryptopipe::testing
