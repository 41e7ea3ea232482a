// A throw-away PostgreSQL server for tests, from Debian's packages (postgresql-15): initdb into
// a temporary folder, started on a free loopback port, stopped and removed on destruction.
#pragma once

#include <libpq-fe.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cryptopipe::testing {

// The server runs as the `postgres` user when the tests run as root (PostgreSQL refuses to run
// as root), as the current user otherwise. It only listens on 127.0.0.1 and its own socket
// folder, with password (SCRAM) authentication for the superuser `cryptopipe`.
class PostgresServer {
 public:
  // Throws std::runtime_error with initdb's or the server's output when it cannot start.
  PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;
  ~PostgresServer();

  int port() const { return port_; }
  static constexpr const char* kUser = "cryptopipe";
  const std::string& password() const { return password_; }

  // postgresql://cryptopipe:PASSWORD@127.0.0.1:PORT/database
  std::string url(const std::string& database = "postgres") const;

  // CREATE DATABASE name.
  void create_database(const std::string& name) const;

  // pg_ctl restart -m fast: every connection is dropped, the data stays.
  void restart();

 private:
  std::vector<std::string> as_server_user(std::vector<std::string> argv) const;
  void start();

  std::filesystem::path dir_;
  std::filesystem::path bin_;
  std::string password_;
  int port_ = 0;
  bool running_ = false;
};

// One test-side libpq connection, independent of the code under test.
class PgSession {
 public:
  // Throws std::runtime_error when the connection fails.
  explicit PgSession(const std::string& url);

  // Runs SQL and returns every row, each value as text ("NULL" for null). Throws
  // std::runtime_error with the server's message on failure.
  std::vector<std::vector<std::string>> query(const std::string& sql) const;
  // The first value of the first row.
  std::string one(const std::string& sql) const;
  // The backend process id, for pg_terminate_backend.
  int backend_pid() const { return PQbackendPID(conn_.get()); }

 private:
  struct Closer {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  std::unique_ptr<PGconn, Closer> conn_;
};

}  // namespace cryptopipe::testing
