// TLS verification is on by default for exchanges and the S3 lake; a certificate no trusted CA
// signed stops the run with a line naming the host; a CA is trusted through CURL_CA_BUNDLE,
// SSL_CERT_FILE or http.ca_bundle; turning verification off takes an explicit option and every
// such run warns. Real TLS (cpp-httplib on OpenSSL) in front of the simulator; curl untouched.
#include <gtest/gtest.h>

#include <fstream>

#include "support/pipeline_harness.h"
#include "support/tls_proxy.h"

namespace cryptopipe::testing {
namespace {

constexpr const char* kExtract = "extract_binance_ohlcv";
constexpr const char* kVerificationOff = "TLS certificate verification is OFF";

class TlsE2E : public ::testing::Test {
 protected:
  // A harness whose Binance is the simulator behind TLS with the given certificate.
  std::unique_ptr<PipelineHarness> harness_behind(const std::filesystem::path& cert,
                                                  const std::filesystem::path& key) {
    proxy_ = std::make_unique<TlsProxy>(cert, key, sim_.port());
    auto harness = std::make_unique<PipelineHarness>(proxy_->url() + "/binance");
    harness->write_config({"BTC/USDT"}, {"1h"});
    return harness;
  }

  static ProcessResult extract(const PipelineHarness& harness,
                               const std::map<std::string, std::string>& env = {}) {
    return harness.cryptopipe({"materialize", "--select", kExtract, "--partition", yesterday_utc()},
                              env);
  }

  static std::size_t bronze_objects(const PipelineHarness& harness) {
    std::size_t count = 0;
    for (const auto& [key, bytes] : harness.lake_files()) count += key.rfind("bronze/", 0) == 0;
    return count;
  }

  Simulator sim_;
  TestCertificates certs_;
  std::unique_ptr<TlsProxy> proxy_;
};

void expect_refused_naming_host(const ProcessResult& run) {
  EXPECT_EQ(run.exit_code, 1) << context_of(run);
  const std::string all = run.out + run.err;
  EXPECT_NE(all.find("TLS certificate problem with 127.0.0.1"), std::string::npos)
      << context_of(run);
  EXPECT_EQ(all.find(kVerificationOff), std::string::npos) << context_of(run);
}

TEST_F(TlsE2E, CertificateOfAnUntrustedCaIsRefusedNamingTheHost) {
  const auto harness = harness_behind(certs_.server_cert(), certs_.server_key());
  const ProcessResult run = extract(*harness);
  expect_refused_naming_host(run);
  EXPECT_NE((run.out + run.err).find("unable to get local issuer certificate"), std::string::npos)
      << context_of(run);
  EXPECT_EQ(bronze_objects(*harness), 0u);
}

TEST_F(TlsE2E, SelfSignedCertificateIsRefusedEvenWithAnotherCaTrusted) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  const ProcessResult run = extract(*harness, {{"CURL_CA_BUNDLE", certs_.ca_file().string()}});
  expect_refused_naming_host(run);
  EXPECT_EQ(bronze_objects(*harness), 0u);
}

TEST_F(TlsE2E, TestCaTrustedThroughCurlCaBundleSucceeds) {
  const auto harness = harness_behind(certs_.server_cert(), certs_.server_key());
  const ProcessResult run = extract(*harness, {{"CURL_CA_BUNDLE", certs_.ca_file().string()}});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(bronze_objects(*harness), 0u);
  EXPECT_EQ(run.err.find(kVerificationOff), std::string::npos);
}

TEST_F(TlsE2E, TestCaTrustedThroughSslCertFileSucceeds) {
  const auto harness = harness_behind(certs_.server_cert(), certs_.server_key());
  const ProcessResult run = extract(*harness, {{"SSL_CERT_FILE", certs_.ca_file().string()}});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(bronze_objects(*harness), 0u);
}

TEST_F(TlsE2E, TestCaTrustedThroughTheConfigFileSucceeds) {
  const auto harness = harness_behind(certs_.server_cert(), certs_.server_key());
  std::ofstream(harness->config_path(), std::ios::app)
      << "http:\n  ca_bundle: " << certs_.ca_file().string() << "\n";
  const ProcessResult run = extract(*harness);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(bronze_objects(*harness), 0u);
}

// The warning must be on stderr as a WARN record of this run.
void expect_loud_warning(const ProcessResult& run) {
  std::istringstream lines(run.err);
  int warnings = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.find(kVerificationOff) == std::string::npos) continue;
    const auto record = nlohmann::json::parse(line);
    EXPECT_EQ(record.at("level"), "warn") << line;
    EXPECT_NE(record.at("msg").get<std::string>().find("impersonate"), std::string::npos) << line;
    ++warnings;
  }
  EXPECT_EQ(warnings, 1) << context_of(run);
}

TEST_F(TlsE2E, VerificationOffThroughTheEnvironmentWorksAndWarns) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  const ProcessResult run = extract(*harness, {{"CRYPTOPIPE_TLS_VERIFY", "false"}});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  EXPECT_GT(bronze_objects(*harness), 0u);
  expect_loud_warning(run);
  // Every run that uses it warns again, not only the first.
  const ProcessResult again = extract(*harness, {{"CRYPTOPIPE_TLS_VERIFY", "false"}});
  ASSERT_EQ(again.exit_code, 0) << context_of(again);
  expect_loud_warning(again);
}

TEST_F(TlsE2E, VerificationOffThroughTheConfigFileWorksAndWarns) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  std::ofstream(harness->config_path(), std::ios::app) << "http:\n  tls_verify: false\n";
  const ProcessResult run = extract(*harness);
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  expect_loud_warning(run);
  // The environment can turn it back on over the file.
  expect_refused_naming_host(extract(*harness, {{"CRYPTOPIPE_TLS_VERIFY", "true"}}));
}

TEST_F(TlsE2E, VerificationOffWarnsEvenWhenOnlyErrorsAreLogged) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  std::ofstream(harness->config_path(), std::ios::app) << "log_level: error\n";
  const ProcessResult run = extract(*harness, {{"CRYPTOPIPE_TLS_VERIFY", "false"}});
  ASSERT_EQ(run.exit_code, 0) << context_of(run);
  expect_loud_warning(run);
  // Nothing else of the run's ordinary progress gets through at that level.
  EXPECT_EQ(run.err.find("run started"), std::string::npos) << context_of(run);
}

TEST_F(TlsE2E, AnUnclearVerificationSettingIsAConfigurationError) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  const ProcessResult run = extract(*harness, {{"CRYPTOPIPE_TLS_VERIFY", "no"}});
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("CRYPTOPIPE_TLS_VERIFY"), std::string::npos) << context_of(run);
  EXPECT_EQ(bronze_objects(*harness), 0u);
}

// The S3 lake goes through the same client: an S3 endpoint with an untrusted certificate stops
// the run before anything is fetched.
TEST_F(TlsE2E, S3EndpointWithAnUntrustedCertificateIsRefused) {
  const auto harness = harness_behind(certs_.self_signed_cert(), certs_.self_signed_key());
  harness->set_lake("s3://lake/prefix");
  harness->write_config({"BTC/USDT"}, {"1h"});
  const ProcessResult run =
      extract(*harness, {{"AWS_ACCESS_KEY_ID", "tls-test-key"},
                         {"AWS_SECRET_ACCESS_KEY", "tls-test-secret"},
                         {"AWS_REGION", "us-east-1"},
                         {"AWS_ENDPOINT_URL", proxy_->url()},
                         {"CRYPTOPIPE_BINANCE_URL", sim_.base_url("binance")}});
  EXPECT_EQ(run.exit_code, 2) << context_of(run);
  EXPECT_NE(run.err.find("opening the lake on s3://lake/prefix"), std::string::npos)
      << context_of(run);
  EXPECT_NE(run.err.find("TLS certificate problem with 127.0.0.1"), std::string::npos)
      << context_of(run);
  EXPECT_EQ(sim_.stats().value("total", 0), 0) << "nothing may be fetched";
}

}  // namespace
}  // namespace cryptopipe::testing
