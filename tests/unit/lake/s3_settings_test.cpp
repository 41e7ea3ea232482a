#include "cryptopipe/lake/s3_settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "support/temp_dir.h"
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

// The AWS CLI's files, as `aws configure` writes them, in a home of their own.
class S3SettingsFromProfiles : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(home_.path() / ".aws");
    write(".aws/credentials",
          "# written by aws configure\n"
          "[default]\n"
          "aws_access_key_id = AKIDDEFAULT\n"
          "aws_secret_access_key = " + std::string(kSecret) + "\n"
          "\n"
          "[ci]\n"
          "aws_access_key_id=AKIDCI\n"
          "aws_secret_access_key=ci-secret\n"
          "aws_session_token = " + token_ + "\n");
    write(".aws/config",
          "[default]\n"
          "region = eu-west-3\n"
          "endpoint_url = http://127.0.0.1:9000\n"
          "s3 =\n"
          "  addressing_style = path\n"
          "; the CI profile\n"
          "[profile ci]\n"
          "region = ap-northeast-1\n"
          "aws_access_key_id = AKIDFROMCONFIG\n");
  }

  void write(const std::string& name, const std::string& text) const {
    std::ofstream(home_.path() / name) << text;
  }

  std::map<std::string, std::string> home() const { return {{"HOME", home_.path().string()}}; }

  cryptopipe::testing::TempDir home_;
  // Temporary credentials are long, far longer than any line limit of a small INI reader.
  const std::string token_ = std::string(1200, 'T') + "/+=";
};

TEST_F(S3SettingsFromProfiles, TheDefaultProfileGivesKeysRegionAndEndpoint) {
  const S3Settings settings = s3_settings_from("s3://lake-bucket", with_env(home()));
  EXPECT_EQ(settings.credentials.access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(settings.credentials.secret_access_key, kSecret);
  EXPECT_EQ(settings.credentials.session_token, "");
  EXPECT_EQ(settings.region, "eu-west-3");
  EXPECT_EQ(settings.endpoint, "http://127.0.0.1:9000");
  EXPECT_TRUE(settings.path_style);
}

TEST_F(S3SettingsFromProfiles, ANamedProfileTakesItsSectionsAndTheCredentialsFileWins) {
  auto env = home();
  env["AWS_PROFILE"] = "ci";
  const S3Settings settings = s3_settings_from("s3://lake-bucket", with_env(env));
  EXPECT_EQ(settings.credentials.access_key_id, "AKIDCI");
  EXPECT_EQ(settings.credentials.secret_access_key, "ci-secret");
  EXPECT_EQ(settings.credentials.session_token, token_);
  EXPECT_EQ(settings.region, "ap-northeast-1");
  EXPECT_EQ(settings.endpoint, "https://s3.ap-northeast-1.amazonaws.com");
}

TEST_F(S3SettingsFromProfiles, TheEnvironmentWinsOverTheProfile) {
  auto env = home();
  env.merge(credentials());
  env["AWS_REGION"] = "us-west-2";
  env["AWS_ENDPOINT_URL"] = "http://127.0.0.1:7000";
  env["AWS_PROFILE"] = "ci";
  const S3Settings settings = s3_settings_from("s3://lake-bucket", with_env(env));
  EXPECT_EQ(settings.credentials.access_key_id, "AKIDEXAMPLE");
  EXPECT_EQ(settings.credentials.session_token, "");  // the profile's token is not mixed in
  EXPECT_EQ(settings.region, "us-west-2");
  EXPECT_EQ(settings.endpoint, "http://127.0.0.1:7000");
}

TEST_F(S3SettingsFromProfiles, FilesNamedByTheirVariablesAreRead) {
  write("elsewhere", "[default]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = x\n");
  const auto env = with_env({{"AWS_SHARED_CREDENTIALS_FILE", (home_.path() / "elsewhere").string()},
                             {"AWS_CONFIG_FILE", (home_.path() / "missing").string()}});
  const S3Settings settings = s3_settings_from("s3://lake-bucket", env);
  EXPECT_EQ(settings.credentials.access_key_id, "AKIDELSEWHERE");
  EXPECT_EQ(settings.region, "us-east-1");
}

TEST_F(S3SettingsFromProfiles, AnUnknownProfileOrABrokenFileIsAConfigErrorWithoutSecrets) {
  auto env = home();
  env["AWS_PROFILE"] = "nobody";
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://lake-bucket", with_env(env)); },
                          ErrorKind::kConfig,
                          {"s3://lake-bucket", "AWS_PROFILE 'nobody'", ".aws/credentials",
                           ".aws/config"}));

  write(".aws/credentials", "[default]\naws_secret_access_key " + std::string(kSecret) + "\n");
  try {
    s3_settings_from("s3://lake-bucket", with_env(home()));
    FAIL() << "a broken credentials file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    const std::string message = e.what();
    EXPECT_NE(message.find(".aws/credentials line 2: expected key = value"), std::string::npos)
        << message;
    EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
  }

  write(".aws/credentials", "[default\n");
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://lake-bucket", with_env(home())); },
                          ErrorKind::kConfig, {".aws/credentials line 1"}));

  write(".aws/credentials", "[default]\naws_access_key_id = only-the-id\n");
  write(".aws/config", "");
  EXPECT_TRUE(ThrowsError([&] { s3_settings_from("s3://lake-bucket", with_env(home())); },
                          ErrorKind::kConfig, {"no credentials", "AWS_PROFILE"}));
}

}  // namespace
}  // namespace cryptopipe::lake
