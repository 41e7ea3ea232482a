#include "cryptopipe/lake/content_hash.h"

#include <openssl/evp.h>

#include <array>

#include "cryptopipe/core/error.h"

namespace cryptopipe::lake {
namespace {

std::string digest(const EVP_MD* algorithm, std::string_view bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), out.data(), &length, algorithm, nullptr) != 1) {
    throw Error(ErrorKind::kStorage, std::string(EVP_MD_get0_name(algorithm)) + " failed");
  }
  return std::string(reinterpret_cast<const char*>(out.data()), length);
}

}  // namespace

std::string sha256_digest(std::string_view bytes) { return digest(EVP_sha256(), bytes); }

std::string md5_digest(std::string_view bytes) { return digest(EVP_md5(), bytes); }

std::string sha256_hex(std::string_view bytes) { return to_hex(sha256_digest(bytes)); }

std::string to_hex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (const unsigned char c : raw) {
    hex += kHex[c >> 4];
    hex += kHex[c & 0xF];
  }
  return hex;
}

std::string to_base64(std::string_view raw) {
  std::string out(4 * ((raw.size() + 2) / 3), '\0');
  const int length = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                     reinterpret_cast<const unsigned char*>(raw.data()),
                                     static_cast<int>(raw.size()));
  out.resize(static_cast<std::size_t>(length));
  return out;
}

}  // namespace cryptopipe::lake
