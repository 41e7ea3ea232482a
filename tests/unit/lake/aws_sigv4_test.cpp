// SigV4 against the worked examples of Amazon's S3 documentation ("Signature Calculations for
// the Authorization Header"): the same credentials, time and requests must give their
// signatures exactly.
#include "cryptopipe/lake/aws_sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "cryptopipe/lake/content_hash.h"

namespace cryptopipe::lake {
namespace {

constexpr TimestampMs kMay24th2013 = 1'369'353'600'000;  // 20130524T000000Z
const AwsCredentials kExampleCredentials{"AKIAIOSFODNN7EXAMPLE",
                                         "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};

std::string header(const HeaderList& headers, const std::string& name) {
  const auto it = std::find_if(headers.begin(), headers.end(),
                               [&](const auto& entry) { return entry.first == name; });
  return it == headers.end() ? "" : it->second;
}

SignableRequest example(std::string method, std::string path) {
  SignableRequest request;
  request.method = std::move(method);
  request.host = "examplebucket.s3.amazonaws.com";
  request.path = std::move(path);
  request.payload_sha256_hex = sha256_hex("");
  return request;
}

std::string signature_of(const HeaderList& headers) {
  const std::string authorization = header(headers, "authorization");
  return authorization.substr(authorization.find("Signature=") + 10);
}

TEST(SigV4, GetObjectWithRange) {
  SignableRequest request = example("GET", "/test.txt");
  request.headers = {{"range", "bytes=0-9"}};
  const SigV4Signer signer(kExampleCredentials, "us-east-1");
  const HeaderList added = signer.sign(request, kMay24th2013);
  EXPECT_EQ(header(added, "authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  EXPECT_EQ(header(added, "x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(header(added, "host"), "examplebucket.s3.amazonaws.com");
  EXPECT_EQ(header(added, "x-amz-security-token"), "");
}

TEST(SigV4, PutObjectSignsItsPayloadAndEveryHeader) {
  SignableRequest request = example("PUT", uri_encode_path("/test$file.text"));
  EXPECT_EQ(request.path, "/test%24file.text");
  request.headers = {{"date", "Fri, 24 May 2013 00:00:00 GMT"},
                     {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
  request.payload_sha256_hex = sha256_hex("Welcome to Amazon S3.");
  const SigV4Signer signer(kExampleCredentials, "us-east-1");
  const HeaderList added = signer.sign(request, kMay24th2013);
  EXPECT_EQ(signature_of(added),
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_NE(header(added, "authorization")
                .find("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;"
                      "x-amz-storage-class"),
            std::string::npos);
}

TEST(SigV4, QueryParametersAreSortedAndEncodedWhateverTheirOrder) {
  SignableRequest request = example("GET", "/");
  request.query = {{"prefix", "J"}, {"max-keys", "2"}};
  const SigV4Signer signer(kExampleCredentials, "us-east-1");
  EXPECT_EQ(signature_of(signer.sign(request, kMay24th2013)),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  std::reverse(request.query.begin(), request.query.end());
  EXPECT_EQ(signature_of(signer.sign(request, kMay24th2013)),
            "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");

  SignableRequest lifecycle = example("GET", "/");
  lifecycle.query = {{"lifecycle", ""}};
  EXPECT_EQ(signature_of(signer.sign(lifecycle, kMay24th2013)),
            "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(SigV4, ASessionTokenIsSentAndSigned) {
  const SigV4Signer signer({"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                            "token/with+chars="},
                           "eu-west-1");
  const HeaderList added = signer.sign(example("GET", "/test.txt"), kMay24th2013);
  EXPECT_EQ(header(added, "x-amz-security-token"), "token/with+chars=");
  EXPECT_NE(header(added, "authorization").find("/20130524/eu-west-1/s3/aws4_request"),
            std::string::npos);
  EXPECT_NE(header(added, "authorization")
                .find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token"),
            std::string::npos);
}

TEST(SigV4, TheSecretNeverTravels) {
  const SigV4Signer signer(kExampleCredentials, "us-east-1");
  for (const auto& [name, value] : signer.sign(example("GET", "/test.txt"), kMay24th2013)) {
    EXPECT_EQ(value.find(kExampleCredentials.secret_access_key), std::string::npos) << name;
  }
}

TEST(SigV4, EncodingFollowsRfc3986) {
  EXPECT_EQ(uri_encode_path("/bucket/dt=2026-11-25/a b"), "/bucket/dt%3D2026-11-25/a%20b");
  EXPECT_EQ(canonical_query({{"uploads", ""}}), "uploads=");
  EXPECT_EQ(
      canonical_query({{"prefix", "a/b="}, {"list-type", "2"}, {"continuation-token", "x+y"}}),
      "continuation-token=x%2By&list-type=2&prefix=a%2Fb%3D");
}

}  // namespace
}  // namespace cryptopipe::lake
