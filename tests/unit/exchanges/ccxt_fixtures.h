// Reading ccxt's recorded cases (../shared/fixtures/ccxt-static/<ccxt id>/<method>-<n>.json) in
// the conformance tests, and comparing our exact decimal text with ccxt's parsed numbers.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "cryptopipe/core/decimal.h"
#include "support/test_paths.h"

namespace cryptopipe::unit {

// The recorded cases of one method ("fetchOHLCV", "fetchTicker" also finds fetchTickers) in a
// ccxt id's folder, in name order; empty when the folder or the method has none.
inline std::vector<std::filesystem::path> ccxt_cases(std::string_view ccxt_id,
                                                     std::string_view method_prefix) {
  namespace fs = std::filesystem;
  std::vector<fs::path> out;
  const fs::path dir = fs::path(CRYPTOPIPE_FIXTURES_DIR) / "ccxt-static" / ccxt_id;
  if (!fs::is_directory(dir)) return out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(method_prefix, 0) == 0 && entry.path().extension() == ".json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

inline nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

// An integer the exchange sent as a number or as its digits in a string.
inline std::int64_t integer_of(const nlohmann::json& value) {
  return value.is_string() ? std::stoll(value.get<std::string>()) : value.get<std::int64_t>();
}

// Significant digits of a decimal text: what a double can hold is about 15 to 17.
inline std::size_t significant_digits(std::string_view text) {
  std::string digits;
  for (const char c : text) {
    if (c >= '0' && c <= '9') digits += c;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;
  return digits.find_last_not_of('0') - first + 1;
}

// Our exact text and ccxt's number are the same value; null in ccxt is empty for us. ccxt's
// numbers went through an IEEE double (fixtures README, caveat 5): where the exchange sent more
// digits than a double holds ("1723237251.70184720" became 1723237251.7018473), ccxt's number
// is our text rounded to a double, which is what is checked then. Only the test converts.
inline ::testing::AssertionResult same_number(std::string_view ours, const nlohmann::json& ccxt) {
  if (ccxt.is_null()) {
    if (ours.empty()) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "ccxt has null, we have '" << ours << "'";
  }
  const std::string expected = ccxt.is_string() ? ccxt.get<std::string>() : ccxt.dump();
  if (!is_decimal(ours)) {
    return ::testing::AssertionFailure() << "'" << ours << "' is not a decimal (ccxt " << expected
                                         << ")";
  }
  if (is_decimal(expected) && compare_decimal(ours, expected) == 0) {
    return ::testing::AssertionSuccess();
  }
  const std::string text(ours);
  if (significant_digits(ours) > 15 && ccxt.is_number() &&
      std::strtod(text.c_str(), nullptr) == ccxt.get<double>()) {
    return ::testing::AssertionSuccess() << ours << " rounds to ccxt's double " << expected;
  }
  return ::testing::AssertionFailure() << ours << " vs ccxt " << expected;
}

}  // namespace cryptopipe::unit
