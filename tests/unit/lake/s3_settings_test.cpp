#include "cryptopipe/lake/s3_settings.h"

#include <gtest/gtest.h>

#include <map>

#include "unit/test_helpers.h"

namespace cryptopipe::lake {
namespace {

using unit::ThrowsError;

constexpr const char* kSecret = "s3cr3t-never-printed";

LakeOptions with_env(std::map<std::string, std::string> variables) {
  LakeOptions options;
  options.env = [variables = std::move(variables)](
                    const std::string& name) -> std::optional<std::string> {
    const auto it = variables.find(name);
    if (it == variables.end()) return std::nullopt;
    return it->second;
  };
  return options;
}

std::map<std::string, std::string> credentials() {
  return {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}, {"AWS_SECRET_ACCESS_KEY", kSecret}};
}

TEST(S3Settings, CustomEndpointsArePathStyle) {
  auto env = credentials();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:9000/";
  env["AWS_REGION"] = "eu-central-1";
  env["AWS_SESSION_TOKEN"] = "token";
  const S3Settings settings = s3_settings_from("s3://lake-bucket/raw/crypto", with_env(env));
  EXPECT_EQ(settings.bucket, "lake-bucket");
  EXPECT_EQ(settings.prefix, "raw/crypto/");
  EXPECT_EQ(settings.endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(settings.path_style);
  EXPECT_EQ(settings.region, "eu-central-1");
  EXPECT_EQ(settings.credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(settings.credentials.secret_access_key, kSecret);
  EXPECT_EQ(settings.credentials.session_token, "token");
  EXPECT_EQ(settings.url(), "s3://lake-bucket/raw/crypto");
}

TEST(S3Settings, TheS3EndpointVariableWinsOverTheGenericOne) {
  auto env = credentials();
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1";
  env["AWS_ENDPOINT_URL_S3"] = "https://minio.internal:9000";
  EXPECT_EQ(s3_settings_from("s3://b12", with_env(env)).endpoint, "https://minio.internal:9000");
}

TEST(S3Settings, AwsItselfIsVirtualHostedInTheConfiguredRegion) {
  auto env = credentials();
  env["AWS_DEFAULT_REGION"] = "ap-south-1";
  const S3Settings settings = s3_settings_from("s3://my-lake/", with_env(env));
  EXPECT_EQ(settings.endpoint, "https://s3.ap-south-1.amazonaws.com");
  EXPECT_FALSE(settings.path_style);
  EXPECT_EQ(settings.prefix, "");
  EXPECT_EQ(settings.url(), "s3://my-lake");
  EXPECT_EQ(s3_settings_from("s3://my-lake", with_env(credentials())).region, "us-east-1");
}

TEST(S3Settings, BadUrlsAndMissingCredentialsAreConfigErrorsWithoutTheSecret) {
  auto env = credentials();
  for (const std::string url : {"s3://", "s3://UPPER", "s3://ab", "s3://bucket/../x",
                                "s3://bucket//x", "s3://bucket/.hidden"}) {
    EXPECT_TRUE(ThrowsError([&] { s3_settings_from(url, with_env(env)); }, ErrorKind::kConfig,
                            {"S3 lake " + url}))
        << url;
  }
  env["AWS_ENDPOINT_URL"] = "ftp://host";
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://bucket", with_env(env)); },
                          ErrorKind::kConfig, {"AWS_ENDPOINT_URL", "ftp://host"}));
  env["AWS_ENDPOINT_URL"] = "http://user:pw@host";
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://bucket", with_env(env)); },
                          ErrorKind::kConfig, {"AWS_ENDPOINT_URL"}));

  std::map<std::string, std::string> no_secret = {{"AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"}};
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://bucket/p", with_env(no_secret)); },
                          ErrorKind::kConfig, {"s3://bucket/p", "AWS_SECRET_ACCESS_KEY"}));
  try {
    env["AWS_ENDPOINT_URL"] = "nope";
    s3_settings_from("s3://bucket", with_env(env));
    FAIL() << "a bad endpoint was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()).find(kSecret), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace cryptopipe::lake
