// TLS in front of a plain-HTTP test server (the simulator): a real TLS endpoint on loopback
// (cpp-httplib's SSLServer on OpenSSL) for the engine's certificate checks, with certificates
// made by the openssl command line.
#pragma once

#include <httplib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "support/temp_dir.h"

namespace cryptopipe::testing {

// A throw-away test CA, a server certificate it signed for 127.0.0.1 and localhost, and a
// self-signed certificate for the same names. Throws std::runtime_error with openssl's output
// when a step fails.
class TestCertificates {
 public:
  TestCertificates();

  std::filesystem::path ca_file() const { return dir_.path() / "ca.pem"; }
  std::filesystem::path server_cert() const { return dir_.path() / "server.pem"; }
  std::filesystem::path server_key() const { return dir_.path() / "server.key"; }
  std::filesystem::path self_signed_cert() const { return dir_.path() / "self.pem"; }
  std::filesystem::path self_signed_key() const { return dir_.path() / "self.key"; }

 private:
  TempDir dir_;
};

// Serves https://127.0.0.1:PORT with the given certificate and forwards every GET (path and
// query) to http://127.0.0.1:upstream_port, answering with the upstream's status, headers and
// body. Stops on destruction.
class TlsProxy {
 public:
  TlsProxy(const std::filesystem::path& cert, const std::filesystem::path& key, int upstream_port);
  TlsProxy(const TlsProxy&) = delete;
  TlsProxy& operator=(const TlsProxy&) = delete;
  ~TlsProxy();

  int port() const { return port_; }
  // "https://127.0.0.1:PORT"
  std::string url() const;

 private:
  std::unique_ptr<httplib::SSLServer> server_;
  int upstream_port_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace cryptopipe::testing
