#include "cryptopipe/lake/aws_profile.h"

#include <filesystem>
#include <fstream>

#include "cryptopipe/core/error.h"

namespace cryptopipe::lake {
namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

std::optional<std::string>* field_of(AwsProfile& profile, std::string_view key) {
  if (key == "aws_access_key_id") return &profile.access_key_id;
  if (key == "aws_secret_access_key") return &profile.secret_access_key;
  if (key == "aws_session_token") return &profile.session_token;
  if (key == "region") return &profile.region;
  if (key == "endpoint_url") return &profile.endpoint_url;
  return nullptr;
}

// The INI dialect of the AWS CLI's files: [section], key = value, comment lines starting with
// '#' or ';', and indented lines that belong to the key above (nested settings such as
// `s3 =` followed by `  addressing_style = path`), which no key read here uses. Written here
// because Debian's INI library (inih) cuts lines at 200 characters, shorter than the session
// tokens these files hold.
void read_file(const std::string& path, const std::string& section, AwsProfile& profile) {
  std::error_code ignored;
  if (path.empty() || !std::filesystem::exists(path, ignored)) return;
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kConfig, "cannot read the AWS file " + path);
  bool inside = false;
  int number = 0;
  for (std::string raw; std::getline(in, raw);) {
    ++number;
    const std::string_view line = trimmed(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (raw.front() == ' ' || raw.front() == '\t') continue;  // nested under the key above
    if (line.front() == '[') {
      if (line.back() != ']') {
        throw Error(ErrorKind::kConfig, "the AWS file " + path + " line " +
                                            std::to_string(number) + ": a section without ']'");
      }
      inside = trimmed(line.substr(1, line.size() - 2)) == section;
      profile.found = profile.found || inside;
      continue;
    }
    const std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      throw Error(ErrorKind::kConfig, "the AWS file " + path + " line " +
                                          std::to_string(number) + ": expected key = value");
    }
    if (!inside) continue;
    std::optional<std::string>* field = field_of(profile, trimmed(line.substr(0, equals)));
    const std::string_view value = trimmed(line.substr(equals + 1));
    // The credentials file is read first and wins over the config file, as in the AWS CLI.
    if (field != nullptr && !field->has_value() && !value.empty()) *field = std::string(value);
  }
  if (in.bad()) throw Error(ErrorKind::kConfig, "cannot read the AWS file " + path);
}

}  // namespace

AwsProfile read_aws_profile(const std::string& name, const std::string& credentials_file,
                            const std::string& config_file) {
  AwsProfile profile;
  read_file(credentials_file, name, profile);
  read_file(config_file, name == "default" ? name : "profile " + name, profile);
  return profile;
}

}  // namespace cryptopipe::lake
