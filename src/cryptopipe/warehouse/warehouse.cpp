#include "cryptopipe/warehouse/warehouse.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/warehouse/postgres_warehouse.h"
#include "cryptopipe/warehouse/sqlite_warehouse.h"

namespace cryptopipe::warehouse {

std::unique_ptr<Warehouse> open_warehouse(const std::string& url) {
  constexpr std::string_view kSqliteScheme = "sqlite://";
  if (url.rfind(kSqliteScheme, 0) == 0 && url.size() > kSqliteScheme.size()) {
    return std::make_unique<SqliteWarehouse>(url.substr(kSqliteScheme.size()));
  }
  if (url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0) {
    return std::make_unique<PostgresWarehouse>(url);
  }
  throw Error(ErrorKind::kConfig,
              "unsupported warehouse URL: expected sqlite:///abs/path.db, sqlite://relative.db "
              "or postgresql://user@host:port/dbname");
}

}  // namespace cryptopipe::warehouse
