// Reading a silver table back in the transform tests.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/transform/silver_parquet.h"

namespace cryptopipe::transform {

using SilverRows = std::vector<std::vector<std::string>>;

inline SilverRows read_silver_table(const lake::ObjectStore& store, const std::string& key,
                                    const SilverSchema& schema) {
  SilverParquetReader reader(store, key, schema);
  SilverRows out;
  std::vector<std::string_view> fields;
  while (reader.next(fields)) out.emplace_back(fields.begin(), fields.end());
  return out;
}

}  // namespace cryptopipe::transform
