#pragma once

#include <string_view>
#include <vector>

namespace cryptopipe::warehouse {

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// The SQLite schema, oldest first. Versions only grow; an applied migration is never edited.
const std::vector<Migration>& sqlite_migrations();

// The PostgreSQL schema: the same tables and versions with numeric, timestamptz and boolean
// columns, ohlcv range-partitioned by month (partitions are created on demand by the loader).
const std::vector<Migration>& postgres_migrations();

}  // namespace cryptopipe::warehouse
