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

}  // namespace cryptopipe::warehouse
