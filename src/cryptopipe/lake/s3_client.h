#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cryptopipe/core/error.h"
#include "cryptopipe/core/time.h"
#include "cryptopipe/lake/aws_sigv4.h"
#include "cryptopipe/lake/s3_settings.h"
#include "cryptopipe/net/http_client.h"
#include "cryptopipe/net/retry_policy.h"

namespace cryptopipe::lake {

// One S3 REST call on the configured bucket.
struct S3Call {
  std::string method = "GET";
  std::string key;  // the object's key in the bucket; empty for the bucket itself
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;  // signed, names lower-case
  std::string_view body;
  std::string body_sha256_hex;  // of body; empty means the body is empty
  // What the call does, for messages: "PUT bronze/…/x.json".
  std::string what;
};

// The S3 REST API of one bucket over libcurl: every call signed with SigV4, retried with the
// shared retry policy on connection failures, timeouts, 5xx and SlowDown, on pooled
// connections (one idle HttpClient per past concurrent caller, reused). Thread safe.
class S3Client {
 public:
  explicit S3Client(S3Settings settings);
  ~S3Client();
  S3Client(const S3Client&) = delete;
  S3Client& operator=(const S3Client&) = delete;

  // Sends the call until it gets an answer that is not worth retrying, and returns it, 2xx
  // or not. Throws Error(kStorage) naming the endpoint and bucket when the endpoint cannot be
  // reached or keeps failing.
  net::HttpResponse send(const S3Call& call) const;

  // The error a failed answer stands for, by its S3 error code: kNotFound (NoSuchKey),
  // kAlreadyExists (a failed If-None-Match), kConfig (missing bucket, unknown key id, bad
  // signature, access denied), kStorage for the rest. The message names `what`, the bucket
  // and the endpoint, and says what to check; it never carries a secret.
  Error error(const std::string& what, const net::HttpResponse& response) const;

  const S3Settings& settings() const { return settings_; }
  // "s3://bucket/prefix at http://host:port", for messages.
  std::string where() const;

 private:
  class Pool;

  net::HttpResponse attempt(const S3Call& call) const;

  S3Settings settings_;
  std::string host_;         // the Host header
  std::string url_origin_;   // scheme://host[:port] requests go to
  std::string bucket_path_;  // "/bucket" (path-style) or ""
  SigV4Signer signer_;
  mutable SystemClock clock_;
  mutable net::RetryPolicy retry_;
  std::unique_ptr<Pool> pool_;
};

// The S3 error code of an answer: <Code> of its XML error body, or derived from the status
// when there is no body (HEAD).
std::string s3_error_code(const net::HttpResponse& response);

}  // namespace cryptopipe::lake
