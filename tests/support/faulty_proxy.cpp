#include "support/faulty_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string_view>

#include "support/sockets.h"

namespace cryptopipe::testing {
namespace {

// Copies bytes from one socket to the other until either side closes, or cuts both
// connections when an answer arrives while `cut` is set.
void pump(int from, int to, const std::atomic<bool>& cut) {
  char buffer[65536];
  for (;;) {
    const ssize_t got = ::recv(from, buffer, sizeof buffer, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got > 0 && cut) {
      ::shutdown(to, SHUT_RDWR);
      ::shutdown(from, SHUT_RDWR);
      return;
    }
    if (got <= 0 || !send_all(to, buffer, static_cast<std::size_t>(got))) break;
  }
  ::shutdown(to, SHUT_WR);
}

}  // namespace

FaultyProxy::FaultyProxy(int upstream_port, Picker picker)
    : upstream_port_(upstream_port), picker_(std::move(picker)) {
  listener_ = listen_on_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

void FaultyProxy::lose_answers(int count, Picker pick) {
  std::lock_guard lock(mutex_);
  lose_left_ = count;
  lose_pick_ = std::move(pick);
}

FaultyProxy::~FaultyProxy() {
  stopping_ = true;
  acceptor_.join();
  {
    std::lock_guard lock(mutex_);
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  for (std::thread& thread : threads_) thread.join();
  for (const int fd : open_fds_) ::close(fd);
}

void FaultyProxy::accept_loop() {
  while (!stopping_) {
    pollfd watched{listener_.get(), POLLIN, 0};
    if (::poll(&watched, 1, 50) <= 0) continue;
    const int client = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    std::lock_guard lock(mutex_);
    open_fds_.push_back(client);
    threads_.emplace_back([this, client] { serve(client); });
  }
}

void FaultyProxy::serve(int client) {
  const int upstream = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  {
    std::lock_guard lock(mutex_);
    open_fds_.push_back(upstream);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(upstream_port_));
  if (::connect(upstream, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::shutdown(client, SHUT_RDWR);
    return;
  }
  std::atomic<bool> cut{false};
  std::thread answers([client, upstream, &cut] { pump(upstream, client, cut); });

  // Requests, one after the other on this connection: the head as it is, then the body,
  // one byte of it flipped when the picker says so.
  std::string pending;
  char buffer[65536];
  bool open = true;
  while (open) {
    std::size_t head_end;
    while ((head_end = pending.find("\r\n\r\n")) == std::string::npos) {
      const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0) {
        open = false;
        break;
      }
      pending.append(buffer, static_cast<std::size_t>(got));
    }
    if (!open) break;
    const std::string head = pending.substr(0, head_end + 4);
    std::size_t body_left = content_length(head);
    const std::string request_line = head.substr(0, head.find("\r\n"));
    const bool corrupt = body_left > 0 && picker_(request_line);
    {
      // Set before the request goes on, so the pump knows before its answer can arrive.
      std::lock_guard lock(mutex_);
      if (lose_left_ > 0 && lose_pick_(request_line)) {
        --lose_left_;
        ++lost_answers_;
        cut = true;
      }
    }
    pending.erase(0, head.size());
    const int period = slow_down_period_;
    const bool slow_down = slow_downs_left_.fetch_sub(1) > 0 ||
                           (period > 0 && (requests_.fetch_add(1) + 1) % period == 0);
    if (!slow_down) {
      open = send_all(upstream, head.data(), head.size());
    } else {
      ++slowed_down_;
    }
    bool flipped = false;
    while (open && body_left > 0) {
      if (pending.empty()) {
        const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) {
          open = false;
          break;
        }
        pending.append(buffer, static_cast<std::size_t>(got));
      }
      std::string chunk = pending.substr(0, std::min(body_left, pending.size()));
      pending.erase(0, chunk.size());
      body_left -= chunk.size();
      if (slow_down) continue;  // the body is read and dropped
      if (corrupt && !flipped) {
        chunk[chunk.size() / 2] = static_cast<char>(chunk[chunk.size() / 2] ^ 0x20);
        flipped = true;
        ++corrupted_;
      }
      open = send_all(upstream, chunk.data(), chunk.size());
    }
    if (slow_down && open) {
      static constexpr std::string_view kSlowDown =
          "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SlowDown</Code>"
          "<Message>Please reduce your request rate.</Message></Error>";
      const std::string answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: "
                                 "application/xml\r\nContent-Length: " +
                                 std::to_string(kSlowDown.size()) + "\r\n\r\n" +
                                 std::string(kSlowDown);
      open = send_all(client, answer.data(), answer.size());
    }
  }
  ::shutdown(upstream, SHUT_WR);
  answers.join();
}

}  // namespace cryptopipe::testing
