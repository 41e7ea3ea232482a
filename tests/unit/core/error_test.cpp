#include "cryptopipe/core/error.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace cryptopipe {
namespace {

const std::vector<ErrorKind>& all_kinds() {
  static const std::vector<ErrorKind> kKinds = {
      ErrorKind::kInvalidInput, ErrorKind::kConfig,    ErrorKind::kRateLimited,
      ErrorKind::kBanned,       ErrorKind::kTransient, ErrorKind::kPermanent,
      ErrorKind::kBadPayload,   ErrorKind::kStorage,   ErrorKind::kAlreadyExists,
      ErrorKind::kNotFound};
  return kKinds;
}

TEST(Error, CarriesKindMessageAndRetryAfter) {
  const Error error(ErrorKind::kRateLimited, "binance: slow down",
                    std::chrono::milliseconds(1500));
  EXPECT_EQ(error.kind(), ErrorKind::kRateLimited);
  EXPECT_STREQ(error.what(), "binance: slow down");
  ASSERT_TRUE(error.retry_after().has_value());
  EXPECT_EQ(*error.retry_after(), std::chrono::milliseconds(1500));

  const Error plain(ErrorKind::kTransient, "timeout");
  EXPECT_FALSE(plain.retry_after().has_value());
}

TEST(Error, IsCaughtAsRuntimeError) {
  try {
    throw Error(ErrorKind::kStorage, "disk full");
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "disk full");
  }
}

TEST(Error, OnlyInputAndConfigAreUsageErrors) {
  for (const ErrorKind kind : all_kinds()) {
    const bool usage = kind == ErrorKind::kInvalidInput || kind == ErrorKind::kConfig;
    EXPECT_EQ(Error(kind, "x").is_usage_error(), usage) << to_string(kind);
  }
}

TEST(Error, KindNamesAreDistinct) {
  std::set<std::string> names;
  for (const ErrorKind kind : all_kinds()) {
    const std::string name(to_string(kind));
    EXPECT_FALSE(name.empty());
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
}

}  // namespace
}  // namespace cryptopipe
