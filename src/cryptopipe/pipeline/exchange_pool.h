#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "cryptopipe/exchanges/exchange.h"

namespace cryptopipe::pipeline {

// The clients of one exchange shared by every asset and partition of a run: at most `capacity`
// exist, each with its own keep-alive connection, so the requests in flight stay bounded however
// many assets run at once, and a connection opened for one partition serves the next.
class ExchangePool {
 public:
  using Factory = std::function<std::unique_ptr<exchanges::Exchange>()>;

  // A client borrowed for one piece of work, given back when the lease ends. Take one lease at a
  // time per thread: a second one from the same pool can wait forever.
  class Lease {
   public:
    Lease(ExchangePool& pool, std::unique_ptr<exchanges::Exchange> client)
        : pool_(&pool), client_(std::move(client)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      if (client_) pool_->give_back(std::move(client_));
    }

    exchanges::Exchange& operator*() const { return *client_; }
    exchanges::Exchange* operator->() const { return client_.get(); }

   private:
    ExchangePool* pool_;
    std::unique_ptr<exchanges::Exchange> client_;
  };

  ExchangePool(std::size_t capacity, Factory factory)
      : capacity_(capacity < 1 ? 1 : capacity), factory_(std::move(factory)) {}

  // Waits while every client is lent out; makes a new one while fewer than `capacity` exist.
  Lease lease();

 private:
  void give_back(std::unique_ptr<exchanges::Exchange> client);

  const std::size_t capacity_;
  const Factory factory_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<exchanges::Exchange>> idle_;
  std::size_t created_ = 0;
};

}  // namespace cryptopipe::pipeline
