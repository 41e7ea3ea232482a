// Plain TCP from tests, for what an HTTP client library hides: raw bytes and refused connections.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "support/process.h"

namespace cryptopipe::testing {

// A loopback TCP port nothing listens on right now (the OS's pick), for servers that cannot
// be told to take port 0 and for "nothing listens there" tests.
int free_loopback_port();

// Whether a TCP connection to ip:port is accepted (IPv4 dotted quad).
bool can_connect(const std::string& ip, int port);

// Sends "GET target HTTP/1.1" with Connection: close and returns every byte received until the
// server closes the connection. Throws std::runtime_error if the connection fails.
std::string raw_http_get(const std::string& ip, int port, const std::string& target);

// A listening TCP socket on 127.0.0.1 at a port the OS picks, stored in `port`. Throws
// std::runtime_error if the socket cannot listen.
UniqueFd listen_on_loopback(int& port);

// Sends all `size` bytes (without SIGPIPE); false if the peer went away first.
bool send_all(int fd, const char* data, std::size_t size);

// The Content-Length of an HTTP head (request or answer), 0 when it has none.
std::size_t content_length(const std::string& head);

// This machine's IPv4 addresses outside 127.0.0.0/8; may be empty.
std::vector<std::string> non_loopback_ipv4_addresses();

}  // namespace cryptopipe::testing
