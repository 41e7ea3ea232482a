#include "support/tls_proxy.h"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "support/process.h"

namespace cryptopipe::testing {
namespace {

void openssl(const std::filesystem::path& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"openssl"};
  argv.insert(argv.end(), args.begin(), args.end());
  const ProcessResult result = run_process(argv, {}, dir.string());
  if (result.exit_code != 0) throw std::runtime_error("openssl failed: " + context_of(result));
}

constexpr const char* kNames = "subjectAltName=IP:127.0.0.1,DNS:localhost";

}  // namespace

TestCertificates::TestCertificates() {
  const auto& dir = dir_.path();
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=cryptopipe test CA", "-keyout", "ca.key", "-out", "ca.pem"});
  openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-keyout",
                "server.key", "-out", "server.csr"});
  std::ofstream(dir / "server.ext") << kNames << "\n";
  openssl(dir, {"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-days", "2", "-extfile", "server.ext", "-out", "server.pem"});
  openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
                "/CN=localhost", "-addext", kNames, "-keyout", "self.key", "-out", "self.pem"});
}

TlsProxy::TlsProxy(const std::filesystem::path& cert, const std::filesystem::path& key,
                   int upstream_port)
    : server_(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str())),
      upstream_port_(upstream_port) {
  if (!server_->is_valid()) throw std::runtime_error("TLS proxy: cannot load " + cert.string());
  server_->Get(".*", [this](const httplib::Request& request, httplib::Response& response) {
    httplib::Client upstream("127.0.0.1", upstream_port_);
    const httplib::Result answer = upstream.Get(request.target);
    if (!answer) {
      response.status = 502;
      return;
    }
    response.status = answer->status;
    for (const auto& [name, value] : answer->headers) {
      // The body is passed on as received, already decoded and framed anew.
      if (name != "Content-Length" && name != "Transfer-Encoding" && name != "Content-Encoding") {
        response.set_header(name, value);
      }
    }
    response.body = answer->body;
  });
  port_ = server_->bind_to_any_port("127.0.0.1");
  if (port_ <= 0) throw std::runtime_error("TLS proxy: cannot bind a loopback port");
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  while (!server_->is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

TlsProxy::~TlsProxy() {
  server_->stop();
  thread_.join();
}

std::string TlsProxy::url() const { return "https://127.0.0.1:" + std::to_string(port_); }

}  // namespace cryptopipe::testing
