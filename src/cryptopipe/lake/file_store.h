#pragma once

#include <filesystem>

#include "cryptopipe/lake/object_store.h"

namespace cryptopipe::lake {

// The lake as a local folder. An object is the file root/key; its metadata is
// root/.meta/key.json. Uploads stream into root/.tmp/ and are published with link(2), which
// refuses to replace an existing file: a key is written at most once, atomically, even when
// two processes race for it. Durability is batched: sync() flushes the filesystem once instead
// of an fsync per object and folder.
class FileStore final : public ObjectStore {
 public:
  // Creates the root folder when missing.
  explicit FileStore(std::filesystem::path root);

  using ObjectStore::read;

  std::string url() const override;
  std::unique_ptr<ObjectWriter> create(const std::string& key,
                                       const ObjectMetadata& metadata = {}) override;
  void read(const std::string& key, std::string& out) const override;
  ObjectMetadata metadata(const std::string& key) const override;
  bool exists(const std::string& key) const override;
  std::vector<std::string> list(const std::string& prefix) const override;
  std::string locate(const std::string& key) const override;
  void sync() override;  // syncfs(2) of the lake's filesystem: one flush for many objects

 private:
  std::filesystem::path object_path(const std::string& key) const;
  std::filesystem::path metadata_path(const std::string& key) const;

  std::filesystem::path root_;
};

}  // namespace cryptopipe::lake
