#pragma once

#include <optional>
#include <string>

namespace cryptopipe::lake {

// What a named profile of the AWS CLI's shared files says (absent where it says nothing).
struct AwsProfile {
  std::optional<std::string> access_key_id;
  std::optional<std::string> secret_access_key;
  std::optional<std::string> session_token;
  std::optional<std::string> region;
  std::optional<std::string> endpoint_url;
  bool found = false;  // the profile has a section in either file
};

// Reads profile `name` as the AWS CLI and SDKs do: `[name]` of the credentials file (keys,
// token) and `[profile name]` of the config file (`[default]` for the default profile; region,
// endpoint_url, and keys too). A file that does not exist is skipped; one that cannot be read
// or parsed is Error(kConfig) naming the file and the line, never a value.
AwsProfile read_aws_profile(const std::string& name, const std::string& credentials_file,
                            const std::string& config_file);

}  // namespace cryptopipe::lake
