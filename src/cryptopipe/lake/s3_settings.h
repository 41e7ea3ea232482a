#pragma once

#include <cstddef>
#include <string>

#include "cryptopipe/lake/aws_sigv4.h"
#include "cryptopipe/lake/object_store.h"
#include "cryptopipe/net/http_client.h"
#include "cryptopipe/net/retry_policy.h"

namespace cryptopipe::lake {

// Where an S3 lake lives and how to talk to it.
struct S3Settings {
  std::string bucket;
  std::string prefix;  // "" or ending in '/': "lake/" for s3://bucket/lake
  // scheme://host[:port] without a trailing slash.
  std::string endpoint;
  // Path-style (endpoint/bucket/key) for custom endpoints such as MinIO or SeaweedFS;
  // virtual-hosted (bucket.endpoint/key) for AWS.
  bool path_style = true;
  std::string region = "us-east-1";
  AwsCredentials credentials;
  net::HttpOptions http;
  net::RetrySettings retry;
  // Objects above the threshold go up as multipart uploads in parts of part_size (S3 wants
  // at least 5 MiB for every part but the last).
  std::size_t multipart_threshold = std::size_t{16} << 20;
  std::size_t part_size = std::size_t{8} << 20;
  bool create_bucket = false;

  // s3://bucket/prefix, for messages: never carries a credential.
  std::string url() const;
};

// Reads s3://bucket[/prefix] and the standard AWS variables through options.env:
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION (or
// AWS_DEFAULT_REGION; us-east-1 by default), AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL (a custom
// endpoint, addressed path-style). What the environment leaves unset comes from the AWS CLI's
// profile (AWS_PROFILE, ~/.aws/credentials and ~/.aws/config), as in the AWS SDKs. Throws
// Error(kConfig) naming the URL, the variable or the file; the message never carries a secret.
S3Settings s3_settings_from(const std::string& url, const LakeOptions& options);

}  // namespace cryptopipe::lake
