#include "response_encoding.h"

#include <ranges>
#include <string>
#include <string_view>

namespace exchange_sim {
namespace {

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) {
    return {};
  }
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// True when Accept-Encoding lists gzip without refusing it through a zero quality ("q=0").
bool accepts_gzip(const httplib::Request& request) {
  const std::string header = request.get_header_value("Accept-Encoding");
  for (const auto part : std::views::split(std::string_view(header), ',')) {
    const std::string_view entry = trim(std::string_view(part.begin(), part.end()));
    const std::string_view coding = trim(entry.substr(0, entry.find(';')));
    const auto quality = entry.find("q=");
    const bool refused =
        quality != std::string_view::npos &&
        entry.substr(quality + 2).find_first_not_of("0.") == std::string_view::npos;
    if (coding == "gzip" && !refused) {
      return true;
    }
  }
  return false;
}

}  // namespace

void gzip_json_if_accepted(const httplib::Request& request, httplib::Response& response) {
  const bool json_body = response.get_header_value("Content-Type").starts_with("application/json");
  if (response.body.empty() || !json_body || response.has_header("Content-Encoding") ||
      !accepts_gzip(request)) {
    return;
  }
  std::string compressed;
  httplib::detail::gzip_compressor compressor;
  const bool ok = compressor.compress(response.body.data(), response.body.size(), /*last=*/true,
                                      [&](const char* data, size_t length) {
                                        compressed.append(data, length);
                                        return true;
                                      });
  if (ok) {
    response.body = std::move(compressed);
    response.set_header("Content-Encoding", "gzip");
  }
}

}  // namespace exchange_sim
