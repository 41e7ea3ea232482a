#include "support/postgres_server.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <random>
#include <regex>
#include <stdexcept>

#include "support/process.h"
#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

namespace fs = std::filesystem;

constexpr int kStartAttempts = 3;  // a free port can be taken between probing and binding

// The newest Debian PostgreSQL (/usr/lib/postgresql/<major>/bin), or CRYPTOPIPE_PG_BINDIR.
fs::path server_bin_dir() {
  if (const char* dir = std::getenv("CRYPTOPIPE_PG_BINDIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  fs::path best;
  int best_major = -1;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", error)) {
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, std::regex("[0-9]+")) ||
        !fs::exists(entry.path() / "bin" / "initdb")) {
      continue;
    }
    if (std::stoi(name) > best_major) {
      best_major = std::stoi(name);
      best = entry.path() / "bin";
    }
  }
  if (best.empty()) {
    throw std::runtime_error(
        "no PostgreSQL server in /usr/lib/postgresql/*/bin: run scripts/install-deps.sh");
  }
  return best;
}

std::string random_hex(int digits) {
  std::random_device device;
  std::uniform_int_distribution<int> digit(0, 15);
  std::string out;
  for (int i = 0; i < digits; ++i) out += "0123456789abcdef"[digit(device)];
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const passwd* server_account() {
  if (geteuid() != 0) return nullptr;
  const passwd* account = getpwnam("postgres");
  if (account == nullptr) {
    throw std::runtime_error(
        "running as root and there is no `postgres` user to run PostgreSQL as: run "
        "scripts/install-deps.sh (postgresql-15 creates it)");
  }
  return account;
}

void hand_over(const fs::path& path, const passwd* account) {
  if (account != nullptr && chown(path.c_str(), account->pw_uid, account->pw_gid) != 0) {
    throw std::runtime_error("chown " + path.string() + ": " + std::strerror(errno));
  }
}

}  // namespace

PostgresServer::PostgresServer() : bin_(server_bin_dir()), password_(random_hex(24)) {
  const char* tmpdir = std::getenv("TMPDIR");
  std::string pattern =
      ((tmpdir != nullptr && *tmpdir != '\0') ? fs::path(tmpdir) : fs::path("/tmp")) /
      "cryptopipe-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) {
    throw std::runtime_error("mkdtemp " + pattern + ": " + std::strerror(errno));
  }
  dir_ = pattern;
  const passwd* account = server_account();
  hand_over(dir_, account);
  {
    std::ofstream(dir_ / "password") << password_ << "\n";
  }
  hand_over(dir_ / "password", account);

  const ProcessResult init = run_process(
      as_server_user({(bin_ / "initdb").string(), "-D", (dir_ / "data").string(), "-U", kUser,
                      "--pwfile=" + (dir_ / "password").string(), "--auth=scram-sha-256",
                      "--encoding=UTF8", "--locale=C", "--no-sync"}),
      {}, dir_.string());
  fs::remove(dir_ / "password");
  if (init.exit_code != 0) {
    throw std::runtime_error("initdb failed (exit " + std::to_string(init.exit_code) + "): " +
                             init.out + init.err);
  }
  for (int attempt = 1;; ++attempt) {
    port_ = free_loopback_port();
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      if (attempt == kStartAttempts) throw;
    }
  }
}

PostgresServer::~PostgresServer() {
  if (running_) {
    run_process(as_server_user({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(),
                                "-m", "immediate", "-w", "stop"}),
                {}, dir_.string());
  }
  std::error_code ignored;  // a leftover temp dir is harmless; a destructor must not throw
  fs::remove_all(dir_, ignored);
}

std::vector<std::string> PostgresServer::as_server_user(std::vector<std::string> argv) const {
  if (geteuid() != 0) return argv;
  std::vector<std::string> wrapped = {"setpriv", "--reuid=postgres", "--regid=postgres",
                                      "--init-groups", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

void PostgresServer::start() {
  // Durability is not under test here (a restart is a clean shutdown): skip the fsyncs.
  const std::string options = "-p " + std::to_string(port_) +
                              " -c listen_addresses=127.0.0.1 -c unix_socket_directories=" +
                              dir_.string() + " -c fsync=off -c full_page_writes=off";
  const ProcessResult started = run_process(
      as_server_user({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-l",
                      (dir_ / "server.log").string(), "-o", options, "-w", "-t", "60", "start"}),
      {}, dir_.string());
  if (started.exit_code != 0) {
    throw std::runtime_error("PostgreSQL did not start on port " + std::to_string(port_) + ": " +
                             started.out + started.err + read_file(dir_ / "server.log"));
  }
  running_ = true;
}

std::string PostgresServer::url(const std::string& database) const {
  return std::string("postgresql://") + kUser + ":" + password_ + "@127.0.0.1:" +
         std::to_string(port_) + "/" + database;
}

void PostgresServer::create_database(const std::string& name) const {
  PgSession(url()).query("CREATE DATABASE " + name);
}

void PostgresServer::restart() {
  const ProcessResult restarted = run_process(
      as_server_user({(bin_ / "pg_ctl").string(), "-D", (dir_ / "data").string(), "-l",
                      (dir_ / "server.log").string(), "-m", "fast", "-w", "-t", "60", "restart"}),
      {}, dir_.string());
  if (restarted.exit_code != 0) {
    throw std::runtime_error("PostgreSQL did not restart: " + restarted.out + restarted.err +
                             read_file(dir_ / "server.log"));
  }
}

PgSession::PgSession(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw std::runtime_error(std::string("test connection failed: ") + PQerrorMessage(conn_.get()));
  }
  query("SET TIME ZONE 'UTC'");  // times read back as the pipeline writes them
}

std::vector<std::vector<std::string>> PgSession::query(const std::string& sql) const {
  PGresult* result = PQexec(conn_.get(), sql.c_str());
  const ExecStatusType status = PQresultStatus(result);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    const std::string message = PQresultErrorMessage(result);
    PQclear(result);
    throw std::runtime_error("query failed: " + sql + ": " + message);
  }
  std::vector<std::vector<std::string>> rows;
  for (int row = 0; row < PQntuples(result); ++row) {
    std::vector<std::string> values;
    for (int column = 0; column < PQnfields(result); ++column) {
      values.emplace_back(PQgetisnull(result, row, column) ? "NULL"
                                                           : PQgetvalue(result, row, column));
    }
    rows.push_back(std::move(values));
  }
  PQclear(result);
  return rows;
}

std::string PgSession::one(const std::string& sql) const {
  const auto rows = query(sql);
  if (rows.empty() || rows[0].empty()) throw std::runtime_error("no value from " + sql);
  return rows[0][0];
}

}  // namespace cryptopipe::testing
