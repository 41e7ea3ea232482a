#include "cryptopipe/lake/aws_sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <ctime>

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/content_hash.h"
#include "cryptopipe/net/http_client.h"

namespace cryptopipe::lake {
namespace {

using Digest = std::string;  // raw bytes

Digest hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data(),
           &length) == nullptr) {
    throw Error(ErrorKind::kStorage, "HMAC-SHA256 failed while signing an S3 request");
  }
  return Digest(reinterpret_cast<const char*>(out.data()), length);
}

// 20130524T000000Z
std::string amz_date(TimestampMs now) {
  const std::time_t seconds = static_cast<std::time_t>(now / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[20];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Trimmed, runs of spaces collapsed to one: the canonical form of a header value.
std::string canonical_value(std::string_view value) {
  std::string out;
  for (const char c : value) {
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

SigV4Signer::SigV4Signer(AwsCredentials credentials, std::string region, std::string service)
    : credentials_(std::move(credentials)),
      region_(std::move(region)),
      service_(std::move(service)) {}

HeaderList SigV4Signer::sign(const SignableRequest& request, TimestampMs now) const {
  const std::string timestamp = amz_date(now);
  const std::string day = timestamp.substr(0, 8);

  HeaderList added = {{"host", request.host},
                      {"x-amz-content-sha256", request.payload_sha256_hex},
                      {"x-amz-date", timestamp}};
  if (!credentials_.session_token.empty()) {
    added.emplace_back("x-amz-security-token", credentials_.session_token);
  }
  HeaderList signed_headers = added;
  for (const auto& [name, value] : request.headers) signed_headers.emplace_back(lower(name), value);
  std::sort(signed_headers.begin(), signed_headers.end());

  std::string canonical = request.method + "\n" + request.path + "\n" +
                          canonical_query(request.query) + "\n";
  std::string names;
  for (const auto& [name, value] : signed_headers) {
    canonical += name + ":" + canonical_value(value) + "\n";
    names += (names.empty() ? "" : ";") + name;
  }
  canonical += "\n" + names + "\n" + request.payload_sha256_hex;

  const std::string scope = day + "/" + region_ + "/" + service_ + "/aws4_request";
  const std::string string_to_sign =
      "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + sha256_hex(canonical);
  const Digest key = hmac_sha256(
      hmac_sha256(hmac_sha256(hmac_sha256("AWS4" + credentials_.secret_access_key, day), region_),
                  service_),
      "aws4_request");
  const std::string signature = to_hex(hmac_sha256(key, string_to_sign));
  added.emplace_back("authorization", "AWS4-HMAC-SHA256 Credential=" +
                                          credentials_.access_key_id + "/" + scope +
                                          ", SignedHeaders=" + names + ", Signature=" + signature);
  return added;
}

std::string uri_encode_path(std::string_view path) {
  std::string out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = path.find('/', start);
    out += net::url_encode(path.substr(start, slash - start));
    if (slash == std::string_view::npos) return out;
    out += '/';
    start = slash + 1;
  }
}

std::string canonical_query(std::vector<std::pair<std::string, std::string>> query) {
  for (auto& [name, value] : query) {
    name = net::url_encode(name);
    value = net::url_encode(value);
  }
  std::sort(query.begin(), query.end());
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out += '&';
    out += name + "=" + value;
  }
  return out;
}

}  // namespace cryptopipe::lake
