#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cryptopipe/core/time.h"

namespace cryptopipe::lake {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless the credentials are temporary (STS)
};

// What an AWS Signature Version 4 covers of one request.
struct SignableRequest {
  std::string method;
  std::string host;  // the Host header, with ":port" unless the scheme's default
  std::string path;  // already URI-encoded (uri_encode_path), starting with '/'
  std::vector<std::pair<std::string, std::string>> query;  // names and values as they are
  HeaderList headers;  // signed as well: lower-case names, values without surrounding spaces
  std::string payload_sha256_hex;  // x-amz-content-sha256: the body's SHA-256, hex
};

// Signs requests with AWS Signature Version 4 (the Authorization header), on OpenSSL's HMAC.
// Our own signing rather than libcurl's CURLOPT_AWS_SIGV4: the libcurl of Debian 12 (7.88)
// neither sorts nor normalizes query parameters before signing (fixed in 8.x), which S3's
// ListObjectsV2 continuation and multipart calls need, and it cannot hash a body it does not
// hold. Thread safe: const after construction.
class SigV4Signer {
 public:
  SigV4Signer(AwsCredentials credentials, std::string region, std::string service = "s3");

  // The headers to send besides request.headers: host, x-amz-date, x-amz-content-sha256,
  // x-amz-security-token (temporary credentials) and authorization.
  HeaderList sign(const SignableRequest& request, TimestampMs now) const;

  const std::string& region() const { return region_; }

 private:
  AwsCredentials credentials_;
  std::string region_;
  std::string service_;
};

// net::url_encode for a path: '/' separators are kept.
std::string uri_encode_path(std::string_view path);
// name=value pairs, each side encoded, sorted by name then value, joined with '&': the
// canonical query of SigV4, usable as the URL's query as well.
std::string canonical_query(std::vector<std::pair<std::string, std::string>> query);

}  // namespace cryptopipe::lake
