// libpq behind RAII: a connection, query results, transactions and COPY FROM STDIN streams.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cryptopipe::warehouse::pg {

struct ResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultClearer>;

// One libpq connection. Not thread safe. Every failure throws cryptopipe::Error with one line
// that names the server (never the password): kConfig when connecting fails (wrong password,
// unreachable host, missing database), kStorage for a failed statement or a lost connection.
class Connection {
 public:
  // url is a postgresql:// URI; what it leaves out comes from the PG* variables and ~/.pgpass,
  // as with psql. TLS settings (sslmode, sslrootcert, ...) pass through to libpq.
  explicit Connection(const std::string& url);

  PGconn* get() const { return conn_.get(); }

  // postgresql://user@host:port/dbname, safe to print.
  const std::string& describe() const { return description_; }

  // Runs one statement (or several without parameters) and returns its last result.
  Result exec(const std::string& sql);
  // One statement with text parameters; nullopt is NULL.
  Result exec(const std::string& sql, const std::vector<std::optional<std::string>>& params);

  // Takes ownership of a result of sql; throws unless it succeeded.
  Result checked(PGresult* raw, const std::string& sql);

  // Throws the Error for a failed statement: kStorage, "lost the connection to ..." when the
  // connection is gone.
  [[noreturn]] void fail(std::string_view statement, const std::string& why) const;

  // Reconnects a connection the server dropped (a restart); false if that fails too.
  bool reconnect();
  bool broken() const { return PQstatus(conn_.get()) != CONNECTION_OK; }

  // One line about the last failure on this connection, without the password.
  std::string last_error() const;

 private:
  struct Closer {
    void operator()(PGconn* conn) const { PQfinish(conn); }
  };
  void prepare_session();

  std::unique_ptr<PGconn, Closer> conn_;
  std::string password_;  // only to scrub it from libpq's messages
  std::string description_;
};

// BEGIN now, ROLLBACK on destruction unless committed: a failure mid-load leaves the tables as
// they were.
class Transaction {
 public:
  explicit Transaction(Connection& connection);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& connection_;
  bool done_ = false;
};

// COPY ... FROM STDIN in binary format, streamed: rows are buffered up to a fixed size and
// sent, so memory stays flat however many rows go through. copy_sql ends with FROM STDIN;
// WITH (FORMAT binary) is added here. Values are typed as the target columns are. Abandoned
// (not finished) on destruction, which fails the COPY and so the transaction around it.
class CopyIn {
 public:
  CopyIn(Connection& connection, const std::string& copy_sql);
  ~CopyIn();
  CopyIn(const CopyIn&) = delete;
  CopyIn& operator=(const CopyIn&) = delete;

  void text(std::string_view value);
  void numeric(std::string_view decimal);           // exact decimal text
  void optional_numeric(std::string_view decimal);  // empty is NULL
  void timestamptz(std::string_view iso8601);       // 2026-11-25T00:00:00.000Z
  void int8(std::int64_t value);
  void int4(std::string_view digits);
  void optional_int8(std::string_view digits);  // empty is NULL
  void boolean(bool value);
  void null();
  void end_row();

  // Ends the COPY; returns the number of rows the server took.
  std::int64_t finish();

 private:
  void next_field();
  void flush();

  Connection& connection_;
  std::string sql_;
  std::string buffer_;
  std::size_t row_start_ = 0;
  std::uint16_t fields_ = 0;
  bool finished_ = false;
};

// The count a command reports (INSERT 0 n, COPY n).
std::int64_t affected_rows(const PGresult* result);

}  // namespace cryptopipe::warehouse::pg
