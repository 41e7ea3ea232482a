#include "cryptopipe/pipes/encoding.h"

#include <openssl/evp.h>
#include <zlib.h>

#include <array>

#include "cryptopipe/core/error.h"

namespace cryptopipe::pipes {
namespace {

[[noreturn]] void fail(std::string_view name, const std::string& why) {
  throw Error(ErrorKind::kConfig, std::string(name) + ": " + why);
}

bool in_base64_alphabet(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
         c == '/';
}

// Python's decoder skips characters outside the alphabet; we refuse them, so a value mangled
// on its way (quotes, line breaks, URL-safe alphabet) is reported rather than half-read.
std::string base64_decode(std::string_view text, std::string_view name) {
  if (text.empty()) fail(name, "is empty");
  if (text.size() % 4 != 0) {
    fail(name, "bad base64: length " + std::to_string(text.size()) + " is not a multiple of 4");
  }
  std::size_t padding = 0;
  while (padding < 2 && text[text.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i < text.size() - padding; ++i) {
    if (!in_base64_alphabet(text[i])) {
      fail(name, "bad base64: character " + std::to_string(static_cast<unsigned char>(text[i])) +
                     " at offset " + std::to_string(i) + " is outside the standard alphabet");
    }
  }
  std::string out(text.size() / 4 * 3, '\0');
  const int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(text.data()),
                                      static_cast<int>(text.size()));
  if (written < 0) fail(name, "bad base64");
  out.resize(static_cast<std::size_t>(written) - padding);  // EVP counts padding as zero bytes
  return out;
}

struct InflateStream {
  z_stream stream{};
  InflateStream() {
    // Window bits 15: a zlib header and Adler-32 trailer are required (not gzip, not raw).
    if (inflateInit2(&stream, 15) != Z_OK)
      throw Error(ErrorKind::kConfig, "zlib: inflateInit failed");
  }
  ~InflateStream() { inflateEnd(&stream); }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;
};

std::string zlib_decompress(const std::string& compressed, std::string_view name) {
  InflateStream inflater;
  inflater.stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  inflater.stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  std::array<char, 16384> chunk{};
  int status = Z_OK;
  while (status != Z_STREAM_END) {
    inflater.stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
    inflater.stream.avail_out = static_cast<uInt>(chunk.size());
    status = inflate(&inflater.stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) {
      const char* why = inflater.stream.msg != nullptr ? inflater.stream.msg : "truncated stream";
      fail(name, std::string("not a zlib stream (") + why + ")");
    }
    out.append(chunk.data(), chunk.size() - inflater.stream.avail_out);
    if (status == Z_OK && inflater.stream.avail_in == 0 && inflater.stream.avail_out != 0) {
      fail(name, "not a zlib stream (truncated)");
    }
  }
  if (inflater.stream.avail_in != 0) fail(name, "trailing bytes after the zlib stream");
  return out;
}

}  // namespace

nlohmann::json decode_param(std::string_view encoded, std::string_view name) {
  const std::string text = zlib_decompress(base64_decode(encoded, name), name);
  nlohmann::json params = nlohmann::json::parse(text, nullptr, false);
  if (params.is_discarded()) fail(name, "the decoded text is not JSON");
  if (!params.is_object()) fail(name, "the decoded JSON is not an object");
  return params;
}

std::string encode_param(const nlohmann::json& params) {
  const std::string text = params.dump(-1, ' ', true);
  uLongf size = compressBound(static_cast<uLong>(text.size()));
  std::string compressed(size, '\0');
  if (compress2(reinterpret_cast<Bytef*>(compressed.data()), &size,
                reinterpret_cast<const Bytef*>(text.data()), static_cast<uLong>(text.size()),
                Z_DEFAULT_COMPRESSION) != Z_OK) {
    throw Error(ErrorKind::kConfig, "zlib: compress failed");
  }
  compressed.resize(size);
  std::string out((compressed.size() + 2) / 3 * 4 + 1, '\0');
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(compressed.data()),
                                      static_cast<int>(compressed.size()));
  out.resize(static_cast<std::size_t>(written));
  return out;
}

}  // namespace cryptopipe::pipes
