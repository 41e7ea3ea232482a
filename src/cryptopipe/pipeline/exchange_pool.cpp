#include "cryptopipe/pipeline/exchange_pool.h"

namespace cryptopipe::pipeline {

ExchangePool::Lease ExchangePool::lease() {
  std::unique_lock lock(mutex_);
  returned_.wait(lock, [this] { return !idle_.empty() || created_ < capacity_; });
  if (!idle_.empty()) {
    std::unique_ptr<exchanges::Exchange> client = std::move(idle_.back());
    idle_.pop_back();
    return Lease(*this, std::move(client));
  }
  ++created_;
  lock.unlock();
  try {
    return Lease(*this, factory_());
  } catch (...) {
    lock.lock();
    --created_;
    returned_.notify_one();
    throw;
  }
}

void ExchangePool::give_back(std::unique_ptr<exchanges::Exchange> client) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(client));
  }
  returned_.notify_one();
}

}  // namespace cryptopipe::pipeline
