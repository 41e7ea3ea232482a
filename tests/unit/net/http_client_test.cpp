#include "cryptopipe/net/http_client.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "unit/local_http_server.h"
#include "unit/test_helpers.h"

namespace cryptopipe::net {
namespace {

using unit::LocalHttpServer;
using unit::ThrowsError;

std::uint32_t crc32(std::string_view bytes) {
  std::uint32_t crc = 0xFFFFFFFFu;
  for (const unsigned char byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return crc ^ 0xFFFFFFFFu;
}

void append_le32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFF);
}

// A gzip member holding `text` in stored (uncompressed) deflate blocks: a valid gzip stream
// built without a compression library.
std::string gzip_stored(std::string_view text) {
  std::string out = {'\x1f', '\x8b', '\x08', '\0', '\0', '\0', '\0', '\0', '\0', '\x03'};
  std::string_view rest = text;
  do {
    const std::size_t n = std::min<std::size_t>(rest.size(), 65535);
    const bool last = n == rest.size();
    out += static_cast<char>(last ? 1 : 0);
    const auto len = static_cast<std::uint16_t>(n);
    const auto nlen = static_cast<std::uint16_t>(~len);
    out += static_cast<char>(len & 0xFF);
    out += static_cast<char>(len >> 8);
    out += static_cast<char>(nlen & 0xFF);
    out += static_cast<char>(nlen >> 8);
    out.append(rest.substr(0, n));
    rest.remove_prefix(n);
  } while (!rest.empty());
  append_le32(out, crc32(text));
  append_le32(out, static_cast<std::uint32_t>(text.size()));
  return out;
}

std::string big_text() {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "[1706630400000,\"43519.34000000\",\"43936.00000000\"]\n";
  return text;
}

// A port on 127.0.0.1 that nothing listens on (bound, then released).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(fd);
    return 0;
  }
  ::close(fd);
  return ntohs(address.sin_port);
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& server = local_.server();
    server.Get("/ok", [this](const httplib::Request& request, httplib::Response& response) {
      {
        std::lock_guard lock(mutex_);
        user_agent_ = request.get_header_value("User-Agent");
        accept_encoding_ = request.get_header_value("Accept-Encoding");
      }
      response.set_header("X-MBX-USED-WEIGHT-1M", "42");
      response.set_content("hello", "application/octet-stream");
    });
    server.Get("/missing", [](const httplib::Request&, httplib::Response& response) {
      response.status = 404;
      response.set_content("{\"code\":-1,\"msg\":\"no\"}", "application/octet-stream");
    });
    server.Get("/big", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(big_text(), "text/plain");  // httplib compresses text it may
    });
    server.Get("/gzip", [](const httplib::Request&, httplib::Response& response) {
      response.set_header("Content-Encoding", "gzip");
      response.set_content(gzip_stored(big_text()), "application/octet-stream");
    });
    server.Get("/echo", [](const httplib::Request& request, httplib::Response& response) {
      response.set_content(request.get_param_value("value"), "application/octet-stream");
    });
    server.Get("/binary", [](const httplib::Request&, httplib::Response& response) {
      response.set_content(std::string("a\0b\xff", 4), "application/octet-stream");
    });
    server.Get("/slow", [](const httplib::Request&, httplib::Response& response) {
      std::this_thread::sleep_for(std::chrono::milliseconds(800));
      response.set_content("late", "application/octet-stream");
    });
    local_.start();
  }

  std::string url(const std::string& path) const { return local_.base_url() + path; }

  LocalHttpServer local_;
  std::mutex mutex_;
  std::string user_agent_;
  std::string accept_encoding_;
};

TEST_F(HttpClientTest, ReturnsStatusBodyAndLowerCasedHeaders) {
  HttpClient client;
  const HttpResponse response = client.get(url("/ok"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello");
  ASSERT_NE(response.header("x-mbx-used-weight-1m"), nullptr);
  EXPECT_EQ(*response.header("x-mbx-used-weight-1m"), "42");
  EXPECT_EQ(response.header("X-MBX-USED-WEIGHT-1M"), nullptr);  // names are lower case
  EXPECT_EQ(response.header("x-not-sent"), nullptr);
  for (const auto& [name, value] : response.headers) {
    for (const char c : name) EXPECT_FALSE(c >= 'A' && c <= 'Z') << name;
  }
}

TEST_F(HttpClientTest, SendsTheUserAgentAndAsksForGzip) {
  HttpOptions options;
  options.user_agent = "cryptopipe-test/9";
  HttpClient client(options);
  client.get(url("/ok"));
  std::lock_guard lock(mutex_);
  EXPECT_EQ(user_agent_, "cryptopipe-test/9");
  EXPECT_NE(accept_encoding_.find("gzip"), std::string::npos) << accept_encoding_;
}

TEST_F(HttpClientTest, ReturnsErrorStatusesAsResponses) {
  HttpClient client;
  const HttpResponse response = client.get(url("/missing"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "{\"code\":-1,\"msg\":\"no\"}");
  const HttpResponse unrouted = client.get(url("/no/such/route"));
  EXPECT_EQ(unrouted.status, 404);
}

TEST_F(HttpClientTest, DecodesACompressedResponse) {
  HttpClient client;
  const HttpResponse response = client.get(url("/big"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, big_text());
  // The server did compress it (gzip, or brotli when the client also offers br).
  ASSERT_NE(response.header("content-encoding"), nullptr);
  EXPECT_TRUE(*response.header("content-encoding") == "gzip" ||
              *response.header("content-encoding") == "br")
      << *response.header("content-encoding");
}

TEST_F(HttpClientTest, DecodesAGzipResponse) {
  HttpClient client;
  const HttpResponse response = client.get(url("/gzip"));
  EXPECT_EQ(response.status, 200);
  ASSERT_NE(response.header("content-encoding"), nullptr);
  EXPECT_EQ(*response.header("content-encoding"), "gzip");
  EXPECT_EQ(response.body, big_text());
}

TEST_F(HttpClientTest, KeepsBinaryBodiesIntact) {
  HttpClient client;
  EXPECT_EQ(client.get(url("/binary")).body, std::string("a\0b\xff", 4));
}

TEST_F(HttpClientTest, ReusesOneClientForManyRequests) {
  HttpClient client;
  for (int i = 0; i < 20; ++i) {
    const std::string value = "v" + std::to_string(i);
    const HttpResponse response = client.get(url("/echo?value=" + value));
    EXPECT_EQ(response.status, 200);
    EXPECT_EQ(response.body, value);
  }
  // Headers and body do not leak from one response into the next.
  client.get(url("/ok"));
  const HttpResponse after = client.get(url("/missing"));
  EXPECT_EQ(after.header("x-mbx-used-weight-1m"), nullptr);
  EXPECT_EQ(after.body, "{\"code\":-1,\"msg\":\"no\"}");
}

TEST_F(HttpClientTest, QueryValuesSurviveEncoding) {
  HttpClient client;
  const std::string value = "BTC/USDT & more=yes?%+é";
  const HttpResponse response = client.get(url("/echo?" + build_query({{"value", value}})));
  EXPECT_EQ(response.body, value);
}

TEST_F(HttpClientTest, TimeoutIsTransient) {
  HttpOptions options;
  options.total_timeout = std::chrono::milliseconds(100);
  HttpClient client(options);
  // libcurl's own account, which says what timed out and after how long.
  EXPECT_TRUE(ThrowsError([&] { client.get(url("/slow")); }, ErrorKind::kTransient,
                          {"/slow", "timed out after"}));
  // The client stays usable after a failed transfer.
  EXPECT_EQ(client.get(url("/ok")).body, "hello");
}

TEST(HttpClient, ConnectionRefusedIsTransient) {
  const int port = closed_port();
  ASSERT_GT(port, 0);
  HttpOptions options;
  options.connect_timeout = std::chrono::milliseconds(2000);
  HttpClient client(options);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/v3/klines";
  EXPECT_TRUE(ThrowsError([&] { client.get(url); }, ErrorKind::kTransient, {url}));
}

TEST(HttpClient, UnsupportedSchemesArePermanent) {
  HttpClient client;
  EXPECT_TRUE(ThrowsError([&] { client.get("ftp://127.0.0.1/file"); }, ErrorKind::kPermanent,
                          {"ftp://127.0.0.1/file"}));
  EXPECT_TRUE(ThrowsError([&] { client.get("file:///etc/passwd"); }, ErrorKind::kPermanent));
}

// What a request looked like on arrival.
struct Received {
  std::string method;
  std::string body;
  httplib::Headers headers;
};

TEST(HttpClientMethods, PutPostHeadAndDeleteCarryTheirBodiesAndHeadersExactly) {
  LocalHttpServer local;
  std::mutex mutex;
  std::vector<Received> received;
  const auto record = [&](const httplib::Request& request, httplib::Response& response) {
    std::lock_guard lock(mutex);
    received.push_back({request.method, request.body, request.headers});
    response.set_header("ETag", "\"abc\"");
    response.set_content(request.method == "HEAD" ? "" : "done", "text/plain");
  };
  local.server().Put("/object", record);
  local.server().Post("/object", record);
  local.server().Delete("/object", record);
  local.server().Get("/object", record);  // httplib answers HEAD with the GET handler
  local.start();

  HttpClient client;
  const std::string body("binary\0body\xff", 13);
  const std::string url = local.base_url() + "/object";
  const HttpResponse put = client.perform(
      {.method = "PUT", .url = url, .headers = {{"x-amz-meta-run_id", "r1"}}, .body = body});
  EXPECT_EQ(put.status, 200);
  EXPECT_EQ(put.body, "done");
  EXPECT_EQ(*put.header("etag"), "\"abc\"");
  EXPECT_EQ(client.perform({.method = "POST", .url = url, .body = ""}).status, 200);
  const HttpResponse head = client.perform({.method = "HEAD", .url = url});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(client.perform({.method = "DELETE", .url = url}).status, 200);

  std::lock_guard lock(mutex);
  ASSERT_EQ(received.size(), 4u);
  EXPECT_EQ(received[0].method, "PUT");
  EXPECT_EQ(received[0].body, body);
  EXPECT_EQ(received[0].headers.find("x-amz-meta-run_id")->second, "r1");
  // No form Content-Type and no "Expect: 100-continue" slipped in.
  EXPECT_EQ(received[0].headers.count("Content-Type"), 0u);
  EXPECT_EQ(received[0].headers.count("Expect"), 0u);
  EXPECT_EQ(received[1].method, "POST");
  EXPECT_EQ(received[1].body, "");
  EXPECT_EQ(received[2].method, "HEAD");
  EXPECT_EQ(received[3].method, "DELETE");
}

TEST(HttpClientMethods, CompressionCanBeDeclinedToReceiveBytesAsStored) {
  LocalHttpServer local;
  std::string accept_encoding = "unset";
  local.server().Get("/raw", [&](const httplib::Request& request, httplib::Response& response) {
    accept_encoding = request.get_header_value("Accept-Encoding");
    response.set_content(big_text(), "text/plain");
  });
  local.start();
  HttpClient client;
  const HttpResponse response =
      client.perform({.url = local.base_url() + "/raw", .accept_compressed = false});
  EXPECT_EQ(response.body, big_text());
  EXPECT_EQ(response.header("content-encoding"), nullptr);
  EXPECT_EQ(accept_encoding, "");
}

TEST(UrlEncode, PassesUnreservedCharactersAndEncodesTheRest) {
  EXPECT_EQ(url_encode(""), "");
  EXPECT_EQ(url_encode("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(url_encode("BTC/USDT"), "BTC%2FUSDT");
  EXPECT_EQ(url_encode("a b"), "a%20b");
  EXPECT_EQ(url_encode("a+b=c&d?e#f%"), "a%2Bb%3Dc%26d%3Fe%23f%25");
  EXPECT_EQ(url_encode("[\"BTCUSDT\"]"), "%5B%22BTCUSDT%22%5D");
  EXPECT_EQ(url_encode("\xc3\xa9"), "%C3%A9");  // UTF-8 bytes, upper-case hex
  EXPECT_EQ(url_encode(std::string("\0\n", 2)), "%00%0A");
}

TEST(BuildQuery, JoinsEncodedPairsInOrder) {
  EXPECT_EQ(build_query({}), "");
  EXPECT_EQ(build_query({{"symbol", "BTCUSDT"}}), "symbol=BTCUSDT");
  EXPECT_EQ(build_query({{"symbol", "BTCUSDT"}, {"interval", "1m"}, {"startTime", "1706630400000"},
                         {"limit", "1000"}}),
            "symbol=BTCUSDT&interval=1m&startTime=1706630400000&limit=1000");
  EXPECT_EQ(build_query({{"a b", "c&d"}, {"e", ""}}), "a%20b=c%26d&e=");
}

}  // namespace
}  // namespace cryptopipe::net
