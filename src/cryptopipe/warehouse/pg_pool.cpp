#include "cryptopipe/warehouse/pg_pool.h"

#include <map>
#include <mutex>
#include <vector>

#include "cryptopipe/core/error.h"

namespace cryptopipe::warehouse::pg {
namespace {

// As many as assets run at once by default, with room to spare.
constexpr std::size_t kMaxIdlePerUrl = 8;

struct Idle {
  std::mutex mutex;
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> by_url;
};

Idle& idle() {
  static Idle pool;
  return pool;
}

std::unique_ptr<Connection> take_idle(const std::string& url) {
  Idle& pool = idle();
  const std::lock_guard lock(pool.mutex);
  auto& connections = pool.by_url[url];
  if (connections.empty()) return nullptr;
  std::unique_ptr<Connection> connection = std::move(connections.back());
  connections.pop_back();
  return connection;
}

}  // namespace

std::unique_ptr<Connection> ConnectionPool::take(const std::string& url) {
  while (std::unique_ptr<Connection> connection = take_idle(url)) {
    try {
      connection->exec("SELECT 1");  // a server restart leaves idle connections dead
      return connection;
    } catch (const Error&) {
    }
  }
  return std::make_unique<Connection>(url);
}

void ConnectionPool::give_back(const std::string& url, std::unique_ptr<Connection> connection) {
  if (!connection || connection->broken() ||
      PQtransactionStatus(connection->get()) != PQTRANS_IDLE) {
    return;
  }
  Idle& pool = idle();
  const std::lock_guard lock(pool.mutex);
  auto& connections = pool.by_url[url];
  if (connections.size() < kMaxIdlePerUrl) connections.push_back(std::move(connection));
}

}  // namespace cryptopipe::warehouse::pg
