// Idle PostgreSQL connections kept for reuse within the process.
#pragma once

#include <memory>
#include <string>

#include "cryptopipe/warehouse/pg_connection.h"

namespace cryptopipe::warehouse::pg {

// A run loads one partition after another, each through its own Warehouse; a fresh connection
// each time costs a server process, authentication and cold catalog caches (tens of ms, more
// than a small partition's rows). Thread safe.
class ConnectionPool {
 public:
  // An idle connection to url that still answers, or a new one (which may throw as
  // Connection's constructor does).
  static std::unique_ptr<Connection> take(const std::string& url);
  // Keeps connection for the next take(url) if it is healthy and outside any transaction.
  static void give_back(const std::string& url, std::unique_ptr<Connection> connection);
};

}  // namespace cryptopipe::warehouse::pg
