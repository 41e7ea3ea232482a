#pragma once

#include <exception>
#include <future>
#include <map>
#include <mutex>
#include <string>

namespace cryptopipe {

// Work that concurrent tasks share: done once per key by the first task that needs it, the others
// waiting for its result, or getting its error. Results are kept for the object's lifetime.
template <typename T>
class RunOnce {
 public:
  template <typename Make>
  T get(const std::string& key, Make make) {
    std::promise<T> promise;
    std::shared_future<T> future;
    bool first = false;
    {
      const std::lock_guard lock(mutex_);
      auto [entry, inserted] = results_.try_emplace(key);
      if (inserted) entry->second = promise.get_future().share();
      future = entry->second;
      first = inserted;
    }
    if (!first) return future.get();
    try {
      promise.set_value(make());
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
    return future.get();
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_future<T>> results_;
};

}  // namespace cryptopipe
