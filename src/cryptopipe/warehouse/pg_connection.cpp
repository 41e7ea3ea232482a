#include "cryptopipe/warehouse/pg_connection.h"

#include <charconv>
#include <cstdlib>

#include "cryptopipe/core/error.h"
#include "cryptopipe/warehouse/pg_binary.h"

namespace cryptopipe::warehouse::pg {
namespace {

// Without it libpq waits for TCP's own timeout (minutes) on a host that does not answer.
constexpr const char* kDefaultConnectTimeoutSeconds = "10";
// COPY data is sent in chunks of this size: large enough to amortize the calls, small enough
// that memory does not depend on the partition's size.
constexpr std::size_t kCopyChunkBytes = 256 * 1024;
// Enough of a failed statement to tell which step failed, short enough for one line.
constexpr std::size_t kStatementInMessage = 48;

// libpq's messages span lines (ERROR, DETAIL, HINT); the CLI prints one.
std::string one_line(std::string_view text) {
  std::string out;
  bool space = false;
  for (const char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
  }
  return text;
}

std::string value_or_empty(const char* text) { return text != nullptr ? text : ""; }

template <typename Integer>
Integer parse_integer(std::string_view digits) {
  Integer value = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size()) {
    throw Error(ErrorKind::kBadPayload,
                "bad integer '" + std::string(digits) + "' in a row to load");
  }
  return value;
}

}  // namespace

Connection::Connection(const std::string& url) {
  std::vector<const char*> keys = {"fallback_application_name"};
  std::vector<const char*> values = {"cryptopipe"};
  if (std::getenv("PGCONNECT_TIMEOUT") == nullptr) {
    keys.push_back("connect_timeout");
    values.push_back(kDefaultConnectTimeoutSeconds);
  }
  // Last, so that what the URL says wins over the defaults above.
  keys.push_back("dbname");
  values.push_back(url.c_str());
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_.reset(PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1));
  if (!conn_) throw Error(ErrorKind::kStorage, "cannot allocate a PostgreSQL connection");

  password_ = value_or_empty(PQpass(conn_.get()));
  const std::string host = value_or_empty(PQhost(conn_.get()));
  description_ = "postgresql://" + value_or_empty(PQuser(conn_.get())) + "@" +
                 (host.empty() ? "localhost" : host) + ":" + value_or_empty(PQport(conn_.get())) +
                 "/" + value_or_empty(PQdb(conn_.get()));
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    throw Error(ErrorKind::kConfig, "cannot connect to the PostgreSQL warehouse " + description_ +
                                        ": " + last_error());
  }
  prepare_session();
}

void Connection::prepare_session() {
  // Timestamps read back in UTC, like every time in the pipeline; warnings are not ours to print.
  exec("SET TIME ZONE 'UTC'; SET client_min_messages = warning");
}

std::string Connection::last_error() const {
  return scrub(one_line(value_or_empty(PQerrorMessage(conn_.get()))), password_);
}

Result Connection::checked(PGresult* raw, const std::string& sql) {
  Result result(raw);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_COPY_IN) {
    return result;
  }
  std::string why = result ? one_line(value_or_empty(PQresultErrorMessage(result.get()))) : "";
  if (why.empty()) why = last_error();
  fail(sql, why);
}

void Connection::fail(std::string_view statement, const std::string& why) const {
  std::string shown = one_line(statement);
  if (shown.size() > kStatementInMessage) shown = shown.substr(0, kStatementInMessage) + "...";
  const std::string where = description_ + " (" + shown + "): " + scrub(why, password_);
  if (broken()) {
    throw Error(ErrorKind::kStorage, "lost the connection to the PostgreSQL warehouse " + where);
  }
  throw Error(ErrorKind::kStorage, "PostgreSQL warehouse " + where);
}

Result Connection::exec(const std::string& sql) {
  return checked(PQexec(conn_.get(), sql.c_str()), sql);
}

Result Connection::exec(const std::string& sql,
                        const std::vector<std::optional<std::string>>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return checked(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                              values.data(), nullptr, nullptr, 0),
                 sql);
}

bool Connection::reconnect() {
  PQreset(conn_.get());
  if (broken()) return false;
  prepare_session();
  return true;
}

Transaction::Transaction(Connection& connection) : connection_(connection) {
  connection_.exec("BEGIN");
}

Transaction::~Transaction() {
  if (!done_ && !connection_.broken()) PQclear(PQexec(connection_.get(), "ROLLBACK"));
}

void Transaction::commit() {
  connection_.exec("COMMIT");
  done_ = true;
}

CopyIn::CopyIn(Connection& connection, const std::string& copy_sql)
    : connection_(connection), sql_(copy_sql + " WITH (FORMAT binary)") {
  connection_.exec(sql_);
  buffer_.reserve(kCopyChunkBytes + 4096);
  // Signature, flags, header extension length.
  buffer_.append("PGCOPY\n\377\r\n\0", 11);
  buffer_.append(8, '\0');
  row_start_ = buffer_.size();
}

CopyIn::~CopyIn() {
  if (finished_ || connection_.broken()) return;
  PQputCopyEnd(connection_.get(), "load abandoned");
  while (PGresult* result = PQgetResult(connection_.get())) PQclear(result);
}

void CopyIn::next_field() {
  if (fields_++ == 0) buffer_.append(2, '\0');  // the field count, set by end_row()
}

void CopyIn::text(std::string_view value) {
  next_field();
  append_binary_text(buffer_, value);
}

void CopyIn::numeric(std::string_view decimal) {
  next_field();
  append_binary_numeric(buffer_, decimal);
}

void CopyIn::optional_numeric(std::string_view decimal) {
  if (decimal.empty()) {
    null();
  } else {
    numeric(decimal);
  }
}

void CopyIn::timestamptz(std::string_view iso8601) {
  next_field();
  append_binary_timestamptz(buffer_, iso8601);
}

void CopyIn::int8(std::int64_t value) {
  next_field();
  append_binary_int8(buffer_, value);
}

void CopyIn::int4(std::string_view digits) {
  const auto value = parse_integer<std::int32_t>(digits);
  next_field();
  append_binary_int4(buffer_, value);
}

void CopyIn::optional_int8(std::string_view digits) {
  if (digits.empty()) {
    null();
    return;
  }
  int8(parse_integer<std::int64_t>(digits));
}

void CopyIn::boolean(bool value) {
  next_field();
  append_binary_bool(buffer_, value);
}

void CopyIn::null() {
  next_field();
  buffer_.append("\377\377\377\377", 4);  // length -1
}

void CopyIn::end_row() {
  buffer_[row_start_] = static_cast<char>(fields_ >> 8);
  buffer_[row_start_ + 1] = static_cast<char>(fields_ & 0xff);
  fields_ = 0;
  if (buffer_.size() >= kCopyChunkBytes) flush();
  row_start_ = buffer_.size();
}

void CopyIn::flush() {
  if (buffer_.empty()) return;
  if (PQputCopyData(connection_.get(), buffer_.data(), static_cast<int>(buffer_.size())) != 1) {
    connection_.fail(sql_, connection_.last_error());
  }
  buffer_.clear();
}

std::int64_t CopyIn::finish() {
  buffer_.append("\377\377", 2);  // the trailer: a field count of -1
  flush();
  finished_ = true;
  if (PQputCopyEnd(connection_.get(), nullptr) != 1) {
    connection_.fail(sql_, connection_.last_error());
  }
  PGresult* raw = PQgetResult(connection_.get());
  while (PGresult* extra = PQgetResult(connection_.get())) PQclear(extra);
  return affected_rows(connection_.checked(raw, sql_).get());
}

std::int64_t affected_rows(const PGresult* result) {
  const std::string_view text = PQcmdTuples(const_cast<PGresult*>(result));
  std::int64_t count = 0;
  std::from_chars(text.data(), text.data() + text.size(), count);
  return count;
}

}  // namespace cryptopipe::warehouse::pg
