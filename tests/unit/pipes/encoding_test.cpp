#include "cryptopipe/pipes/encoding.h"

#include <gtest/gtest.h>

#include <string>

#include "support/process.h"
#include "unit/test_helpers.h"

namespace cryptopipe::pipes {
namespace {

using testing::run_process;

// The values Dagster's Python writes (json.dumps + zlib.compress + base64.b64encode), from the
// protocol notes.
TEST(DecodeParam, ReadsWhatDagstersPythonWrites) {
  EXPECT_EQ(decode_param("eJyrVipILMlQslJQ0i/JLQDhxKRk/eT8vJLUihKlWgClqQri", "X"),
            nlohmann::json({{"path", "/tmp/tmpabc/context"}}));
  EXPECT_EQ(
      decode_param("eJyrVipILMlQslJQ0i/JLQDhxKRk/dzU4uLE9NRiJR0Fpcy85JzSlNT44pKUzPz4zLx4uKSV"
                   "QlpiTnFqLQAxXxh9",
                   "X"),
      nlohmann::json({{"path", "/tmp/tmpabc/messages"}, {"include_stdio_in_messages", false}}));
  EXPECT_EQ(decode_param("eJyrViouScnMV7JSADFSi4qUagFBNAaS", "X"),
            nlohmann::json({{"stdio", "stderr"}}));
  EXPECT_EQ(
      decode_param("eJyrVkoqTc5OLVGyUlAqyCxILVbSUVDKTq2MLyhKTcusAAk7JjmnuKYp1QIANe0N0w==", "X"),
      nlohmann::json({{"bucket", "pipes"}, {"key_prefix", "AbCdEf"}}));
}

TEST(DecodeParam, RoundTripsThroughOurEncoder) {
  const nlohmann::json params = {
      {"data", {{"run_id", "r"}, {"extras", {{"note", "caf\u00e9 \u20ac"}}}}}};
  const std::string encoded = encode_param(params);
  EXPECT_EQ(encoded.substr(0, 2), "eJ");  // the zlib header 78 9C
  EXPECT_EQ(decode_param(encoded, "X"), params);
}

// Python decodes what we encode, exactly as Dagster's own client reads its parameters.
TEST(EncodeParam, PythonDecodesIt) {
  const nlohmann::json params = {{"path", "/tmp/x y/messages"}, {"n", 3}, {"s", "\u00fcber"}};
  const auto result = run_process({"python3", "-c",
                                   "import base64, json, sys, zlib; "
                                   "print(json.dumps(json.loads(zlib.decompress(base64.b64decode("
                                   "sys.argv[1]))), sort_keys=True))",
                                   encode_param(params)});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(nlohmann::json::parse(result.out), params);
}

// And we decode what Python encodes, non-ASCII (escaped by json.dumps) included.
TEST(DecodeParam, ReadsPythonsEncodingOfAnyObject) {
  const auto result = run_process(
      {"python3", "-c",
       "import base64, json, zlib; "
       "print(base64.b64encode(zlib.compress(json.dumps({'data': {'k': '\\u00e9\\u4e2d', "
       "'n': [1, 2.5, None, True]}}).encode('utf-8'))).decode('ascii'))"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string encoded = result.out.substr(0, result.out.find('\n'));
  EXPECT_EQ(decode_param(encoded, "X"),
            nlohmann::json::parse(R"({"data": {"k": "\u00e9\u4e2d", "n": [1, 2.5, null, true]}})"));
}

TEST(DecodeParam, RejectsWhatIsNotTheProtocolsEncoding) {
  const auto rejects = [](const std::string& value, std::string_view why) {
    return unit::ThrowsError([&] { decode_param(value, "DAGSTER_PIPES_MESSAGES"); },
                             ErrorKind::kConfig, {"DAGSTER_PIPES_MESSAGES", why});
  };
  // URL-safe alphabet, quotes left by a shell, a line break, nothing.
  EXPECT_TRUE(rejects("eJyrViouScnMV7JSADFSi4qUagFBNAa_", "outside the standard alphabet"));
  EXPECT_TRUE(rejects("\"eJyrViouScnMV7JSADFSi4qUagFBNAaS\"", "multiple of 4"));
  EXPECT_TRUE(rejects("eJyrViou\nScnMV7JSADFSi4qUagFBNAaS", "base64"));
  EXPECT_TRUE(rejects("", "empty"));
  // Base64 of plain JSON (the zlib step skipped), and of a gzip stream of {"a": 1}.
  EXPECT_TRUE(rejects("eyJhIjogMX0=", "not a zlib stream"));
  EXPECT_TRUE(rejects("H4sIABMzCWsC/6tWSlSyUjCsBQCXjqH7CAAAAA==", "not a zlib stream"));
  // A truncated stream, and a JSON array instead of an object.
  EXPECT_TRUE(rejects("eJyrViouScnMV7JSADFSi4qU", "zlib"));
  EXPECT_TRUE(rejects(encode_param(nlohmann::json::array({1})), "not an object"));
}

}  // namespace
}  // namespace cryptopipe::pipes
