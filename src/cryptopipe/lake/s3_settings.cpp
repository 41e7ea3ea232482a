#include "cryptopipe/lake/s3_settings.h"

#include "cryptopipe/core/error.h"
#include "cryptopipe/lake/aws_profile.h"
#include "cryptopipe/lake/keys.h"

namespace cryptopipe::lake {
namespace {

constexpr std::string_view kScheme = "s3://";

std::optional<std::string> lookup(const LakeOptions& options, const std::string& name) {
  return options.env ? options.env(name) : std::nullopt;
}

Error config_error(const std::string& url, const std::string& what) {
  return Error(ErrorKind::kConfig, "S3 lake " + url + ": " + what);
}

// Bucket naming rules of S3 (3-63 of [a-z0-9.-], starting and ending with a letter or digit).
bool valid_bucket(const std::string& bucket) {
  if (bucket.size() < 3 || bucket.size() > 63) return false;
  for (const char c : bucket) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  return bucket.front() != '.' && bucket.front() != '-' && bucket.back() != '.' &&
         bucket.back() != '-';
}

std::string endpoint_from(const std::string& value, const std::string& variable,
                          const std::string& url) {
  std::string endpoint = value;
  while (!endpoint.empty() && endpoint.back() == '/') endpoint.pop_back();
  const bool http = endpoint.rfind("http://", 0) == 0;
  const bool https = endpoint.rfind("https://", 0) == 0;
  const std::size_t authority = endpoint.find("://") + 3;
  if ((!http && !https) || endpoint.size() <= authority ||
      endpoint.find_first_of("/?#@", authority) != std::string::npos) {
    throw config_error(url, variable + " must be http(s)://host[:port], got '" + value + "'");
  }
  return endpoint;
}

// The AWS CLI's profile: AWS_PROFILE (or "default") from AWS_SHARED_CREDENTIALS_FILE and
// AWS_CONFIG_FILE, by default ~/.aws/credentials and ~/.aws/config.
AwsProfile profile_of(const LakeOptions& options, const std::string& url) {
  const auto named = lookup(options, "AWS_PROFILE");
  const std::string home = lookup(options, "HOME").value_or("");
  const auto file = [&](const char* variable, const char* name) {
    if (const auto path = lookup(options, variable)) return *path;
    return home.empty() ? std::string() : home + "/.aws/" + name;
  };
  const std::string credentials_file = file("AWS_SHARED_CREDENTIALS_FILE", "credentials");
  const std::string config_file = file("AWS_CONFIG_FILE", "config");
  AwsProfile profile;
  try {
    profile = read_aws_profile(named.value_or("default"), credentials_file, config_file);
  } catch (const Error& e) {
    throw config_error(url, e.what());
  }
  if (named && !profile.found) {
    throw config_error(url, "AWS_PROFILE '" + *named + "' is in neither " + credentials_file +
                                " nor " + config_file);
  }
  return profile;
}

}  // namespace

std::string S3Settings::url() const {
  std::string text = std::string(kScheme) + bucket;
  if (!prefix.empty()) text += "/" + prefix.substr(0, prefix.size() - 1);
  return text;
}

S3Settings s3_settings_from(const std::string& url, const LakeOptions& options) {
  if (url.rfind(kScheme, 0) != 0) throw config_error(url, "expected s3://bucket[/prefix]");
  S3Settings settings;
  std::string rest = url.substr(kScheme.size());
  while (!rest.empty() && rest.back() == '/') rest.pop_back();
  const std::size_t slash = rest.find('/');
  settings.bucket = rest.substr(0, slash);
  if (!valid_bucket(settings.bucket)) {
    throw config_error(url, "bad bucket name '" + settings.bucket +
                                "': 3 to 63 lower-case letters, digits, '.' or '-'");
  }
  if (slash != std::string::npos) {
    const std::string prefix = rest.substr(slash + 1);
    try {
      validate_key(prefix);
    } catch (const Error& e) {
      throw config_error(url, std::string("bad prefix: ") + e.what());
    }
    settings.prefix = prefix + "/";
  }

  // The environment first, then the profile, as the AWS CLI and SDKs do.
  const AwsProfile profile = profile_of(options, url);
  if (const auto region = lookup(options, "AWS_REGION")) {
    settings.region = *region;
  } else if (const auto fallback = lookup(options, "AWS_DEFAULT_REGION")) {
    settings.region = *fallback;
  } else if (profile.region) {
    settings.region = *profile.region;
  }
  if (const auto endpoint = lookup(options, "AWS_ENDPOINT_URL_S3")) {
    settings.endpoint = endpoint_from(*endpoint, "AWS_ENDPOINT_URL_S3", url);
  } else if (const auto generic = lookup(options, "AWS_ENDPOINT_URL")) {
    settings.endpoint = endpoint_from(*generic, "AWS_ENDPOINT_URL", url);
  } else if (profile.endpoint_url) {
    settings.endpoint = endpoint_from(*profile.endpoint_url, "endpoint_url of the AWS profile", url);
  } else {
    settings.endpoint = "https://s3." + settings.region + ".amazonaws.com";
    // Virtual-hosted addressing needs a bucket name that is a valid host name label.
    settings.path_style = settings.bucket.find('.') != std::string::npos;
  }

  const auto key_id = lookup(options, "AWS_ACCESS_KEY_ID");
  const auto secret = lookup(options, "AWS_SECRET_ACCESS_KEY");
  if (key_id && secret) {
    settings.credentials = {*key_id, *secret, lookup(options, "AWS_SESSION_TOKEN").value_or("")};
  } else if (profile.access_key_id && profile.secret_access_key) {
    settings.credentials = {*profile.access_key_id, *profile.secret_access_key,
                            profile.session_token.value_or("")};
  } else {
    throw config_error(url, "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                            "aws_access_key_id and aws_secret_access_key in the AWS profile "
                            "(AWS_PROFILE, ~/.aws/credentials)");
  }
  settings.http = options.http;
  settings.retry = options.retry;
  settings.create_bucket = options.create_bucket;
  return settings;
}

}  // namespace cryptopipe::lake
