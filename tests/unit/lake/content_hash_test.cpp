#include "cryptopipe/lake/content_hash.h"

#include <gtest/gtest.h>

namespace cryptopipe::lake {
namespace {

// The checksums S3 wants, for the empty body and for "abc" (RFC 1321 and FIPS 180-2 values).
TEST(ContentHash, DigestsEncodeAsS3Expects) {
  EXPECT_EQ(to_base64(md5_digest("")), "1B2M2Y8AsgTpgAmY7PhCfg==");
  EXPECT_EQ(to_base64(sha256_digest("")), "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=");
  EXPECT_EQ(to_hex(md5_digest("abc")), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(to_hex(sha256_digest("abc")), sha256_hex("abc"));
  EXPECT_EQ(to_base64("f"), "Zg==");
  EXPECT_EQ(to_base64("fo"), "Zm8=");
  EXPECT_EQ(to_base64("foo"), "Zm9v");
  EXPECT_EQ(to_base64(""), "");
}

}  // namespace
}  // namespace cryptopipe::lake
