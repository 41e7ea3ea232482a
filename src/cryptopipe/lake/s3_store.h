#pragma once

#include <memory>

#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/lake/s3_client.h"
#include "cryptopipe/lake/s3_settings.h"

namespace cryptopipe::lake {

// The lake in an S3 bucket (AWS S3, MinIO, SeaweedFS, Ceph, R2…): the object is
// bucket/prefix/key, its metadata travels with it as x-amz-meta-* headers, so object and
// provenance are published together by one request and read back by any S3 client.
//
// Every upload carries Content-MD5 and x-amz-checksum-sha256 (both signed), so the server
// refuses bytes that changed on the way; objects are created with If-None-Match: *, so a key
// is written at most once (a retried PUT that finds its own earlier attempt stored, the answer
// having been lost on the way, succeeds: the key holds exactly its bytes and metadata).
// Objects above the multipart threshold go up in parts; an upload that fails or is abandoned
// is aborted, leaving neither an object nor stored parts. A committed object is durable once
// the server acknowledged it, so sync() has nothing to do.
class S3Store final : public ObjectStore {
 public:
  // Checks that the bucket answers (creates it when settings.create_bucket and it is missing).
  // Throws Error(kConfig) for a missing bucket, unknown credentials, a bad signature or denied
  // access, Error(kStorage) for an endpoint that cannot be reached; messages name the endpoint
  // and the bucket, never a secret.
  explicit S3Store(S3Settings settings);

  using ObjectStore::read;

  std::string url() const override;
  std::unique_ptr<ObjectWriter> create(const std::string& key,
                                       const ObjectMetadata& metadata = {}) override;
  void read(const std::string& key, std::string& out) const override;
  ObjectMetadata metadata(const std::string& key) const override;
  bool exists(const std::string& key) const override;
  std::vector<std::string> list(const std::string& prefix) const override;
  std::string locate(const std::string& key) const override;
  void sync() override;

 private:
  void check_bucket();
  std::string object_key(const std::string& key) const;

  S3Client client_;
};

}  // namespace cryptopipe::lake
