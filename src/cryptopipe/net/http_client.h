#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cryptopipe::net {

struct HttpOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};
  std::string user_agent = "cryptopipe/0.1";
  // Off only on the user's explicit request (http.tls_verify: false): the peer could then be
  // anyone on the network path. The run says so loudly; the client does not.
  bool verify_tls = true;
  // PEM file of the CAs to trust instead of the system bundle; empty: the system bundle.
  std::string ca_bundle;
};

// Header names are stored lower-cased.
struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;

  const std::string* header(const std::string& lower_case_name) const;
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, PUT, POST or DELETE
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  // Sent as is with a Content-Length (PUT and POST); the caller keeps it alive during perform().
  std::string_view body;
  // Asks for gzip (and the other encodings libcurl decodes) and decodes the answer. Off where
  // the body must arrive exactly as the server stores it (lake objects).
  bool accept_compressed = true;
};

// A blocking HTTP client on one libcurl easy handle, reused so that connections (and TLS
// sessions) stay open between requests. Asks for gzip, verifies TLS peers and hosts (unless
// options.verify_tls is false), and applies the connect and total timeouts to every request.
//
// perform() returns any HTTP status as a response; it throws Error(kTransient) for connect
// failures, timeouts and broken transfers (safe to retry) and Error(kPermanent) for the
// rest (bad URL, a TLS certificate that does not verify: the message names the host and
// libcurl's reason). Not thread safe: one client per thread.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse perform(const HttpRequest& request);
  HttpResponse get(const std::string& url) { return perform({.url = url}); }

 private:
  struct Handle;
  HttpOptions options_;
  std::unique_ptr<Handle> handle_;
};

// RFC 3986 percent-encoding, as query values and AWS SigV4 want it: unreserved characters
// (A-Z a-z 0-9 - _ . ~) pass, everything else becomes %XY in upper-case hex.
std::string url_encode(std::string_view value);
std::string build_query(const std::vector<std::pair<std::string, std::string>>& params);

}  // namespace cryptopipe::net
