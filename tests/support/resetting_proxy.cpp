#include "support/resetting_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>

#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

// Reads from fd into `pending` until it holds at least `size` bytes; false if the peer closed.
bool read_at_least(int fd, std::string& pending, std::size_t size) {
  char buffer[65536];
  while (pending.size() < size) {
    const ssize_t got = ::recv(fd, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;
    pending.append(buffer, static_cast<std::size_t>(got));
  }
  return true;
}

// The head of a request or answer ("...\r\n\r\n") taken off the front of `pending`.
std::optional<std::string> read_head(int fd, std::string& pending) {
  std::size_t end;
  while ((end = pending.find("\r\n\r\n")) == std::string::npos) {
    if (!read_at_least(fd, pending, pending.size() + 1)) return std::nullopt;
  }
  std::string head = pending.substr(0, end + 4);
  pending.erase(0, end + 4);
  return head;
}

// Closes with an RST instead of the orderly FIN.
void reset(int fd) {
  const linger abortive{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &abortive, sizeof abortive);
}

}  // namespace

ResettingProxy::ResettingProxy(int upstream_port, int every)
    : upstream_port_(upstream_port), every_(every) {
  listener_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

ResettingProxy::~ResettingProxy() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& thread : threads_) thread.join();
}

std::string ResettingProxy::base_url(std::string_view exchange) const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + std::string(exchange);
}

void ResettingProxy::track(int fd) {
  std::lock_guard lock(mutex_);
  open_fds_.push_back(fd);
}

void ResettingProxy::forget(int fd) {
  std::lock_guard lock(mutex_);
  open_fds_.erase(std::remove(open_fds_.begin(), open_fds_.end(), fd), open_fds_.end());
}

void ResettingProxy::accept_loop() {
  while (!stopping_) {
    pollfd watched{listener_.get(), POLLIN, 0};
    if (::poll(&watched, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    track(client);
    std::lock_guard lock(mutex_);
    threads_.emplace_back([this, client] { serve(client); });
  }
}

// One request after the other on this connection (clients do not pipeline): the request goes up,
// the answer comes back whole, unless this is a request to reset.
void ResettingProxy::serve(int client_fd) {
  UniqueFd client(client_fd);
  UniqueFd upstream(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  track(upstream.get());
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
  std::string from_client;
  std::string from_upstream;
  if (::connect(upstream.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) {
    for (;;) {
      const std::optional<std::string> request = read_head(client.get(), from_client);
      if (!request) break;
      const int number = ++requests_;
      const bool resetting = every_ > 0 && number % every_ == 0;
      if (resetting && (number / every_) % 2 == 1) {
        ++resets_before_answer_;
        reset(client.get());
        break;
      }
      if (!send_all(upstream.get(), request->data(), request->size())) break;
      const std::optional<std::string> head = read_head(upstream.get(), from_upstream);
      if (!head) break;
      const std::size_t length = content_length(*head);
      if (!read_at_least(upstream.get(), from_upstream, length)) break;
      const std::string answer = *head + from_upstream.substr(0, length);
      from_upstream.erase(0, length);
      if (resetting) {
        ++resets_mid_answer_;
        send_all(client.get(), answer.data(), head->size() + length / 2);
        reset(client.get());
        break;
      }
      if (!send_all(client.get(), answer.data(), answer.size())) break;
    }
  }
  forget(client.get());
  forget(upstream.get());
}

}  // namespace cryptopipe::testing
