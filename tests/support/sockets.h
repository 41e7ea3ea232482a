// Plain TCP from tests, for what an HTTP client library hides: raw bytes and refused connections.
#pragma once

#include <string>
#include <vector>

namespace cryptopipe::testing {

// A loopback TCP port nothing listens on right now (the OS's pick), for servers that cannot
// be told to take port 0 and for "nothing listens there" tests.
int free_loopback_port();

// Whether a TCP connection to ip:port is accepted (IPv4 dotted quad).
bool can_connect(const std::string& ip, int port);

// Sends "GET target HTTP/1.1" with Connection: close and returns every byte received until the
// server closes the connection. Throws std::runtime_error if the connection fails.
std::string raw_http_get(const std::string& ip, int port, const std::string& target);

// This machine's IPv4 addresses outside 127.0.0.0/8; may be empty.
std::vector<std::string> non_loopback_ipv4_addresses();

}  // namespace cryptopipe::testing
