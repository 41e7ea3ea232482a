#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/net/http_client.h"
#include "cryptopipe/net/retry_policy.h"

namespace cryptopipe::lake {

// Metadata stored with an object (provenance of a raw response: URL, parameters, status,
// fetch time, run id). Values are text.
using ObjectMetadata = std::map<std::string, std::string>;

// A streaming upload. Nothing is visible under the key until commit() succeeds; destroying an
// uncommitted writer aborts the upload and leaves no trace. A committed object survives a crash
// of the process at once, and a power loss once ObjectStore::sync() has returned.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual void write(std::string_view bytes) = 0;
  // Publishes the object. Throws Error(kAlreadyExists) if another writer got there first:
  // objects are never overwritten.
  virtual void commit() = 0;
};

// The data lake: immutable objects under validated keys (see keys.h). Implementations are
// thread safe.
class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // A location for humans: file:///abs/path or s3://bucket/prefix.
  virtual std::string url() const = 0;

  virtual std::unique_ptr<ObjectWriter> create(const std::string& key,
                                               const ObjectMetadata& metadata = {}) = 0;
  // Reads the whole object into `out` (replacing its content, reusing its capacity).
  // Throws Error(kNotFound) when there is no such object.
  virtual void read(const std::string& key, std::string& out) const = 0;
  // The metadata the object was created with (empty if none). Throws Error(kNotFound) when
  // there is no such object.
  virtual ObjectMetadata metadata(const std::string& key) const = 0;
  virtual bool exists(const std::string& key) const = 0;
  // Keys starting with `prefix`, sorted.
  virtual std::vector<std::string> list(const std::string& prefix) const = 0;
  // Where a human can find the object (a path or URL), for logs and summaries.
  virtual std::string locate(const std::string& key) const = 0;

  // Makes every object committed so far durable. Assets call it before writing the manifest
  // that names those objects, so a manifest never outlives what it points to; objects no
  // manifest names are never read.
  virtual void sync() = 0;

  // Convenience: create, write everything, commit.
  void put(const std::string& key, std::string_view bytes, const ObjectMetadata& metadata = {});
  std::string read(const std::string& key) const;
};

// How to open a lake, besides its URL.
struct LakeOptions {
  // Reads a variable of the environment (the process's, over .env): an S3 lake takes its
  // credentials, region and endpoint from the standard AWS_* variables.
  std::function<std::optional<std::string>(const std::string& name)> env;
  // s3://: create the bucket when it is missing (demos, tests) instead of failing.
  bool create_bucket = false;
  net::HttpOptions http;
  net::RetrySettings retry;
};

// file:///abs/path, file://relative/path or a bare path → a FileStore; s3://bucket[/prefix] →
// an S3Store, which checks at once that the bucket can be reached (and creates it if asked).
// Other schemes, and S3 settings that do not work, are configuration errors (Error(kConfig))
// naming the URL and, for S3, the endpoint; an endpoint that cannot be reached is
// Error(kStorage).
std::unique_ptr<ObjectStore> open_object_store(const std::string& url,
                                               const LakeOptions& options = {});

}  // namespace cryptopipe::lake
