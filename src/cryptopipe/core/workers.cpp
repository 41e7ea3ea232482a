#include "cryptopipe/core/workers.h"

#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

namespace cryptopipe {

void run_on_workers(std::size_t count, const std::function<void()>& work) {
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto guarded = [&] {
    try {
      work();
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  threads.reserve(count);
  try {
    for (std::size_t i = 1; i < count; ++i) threads.emplace_back(guarded);
  } catch (const std::system_error&) {
    // Out of threads (ulimit -u, memory): the ones started and this one do the work.
  }
  guarded();
  for (std::thread& thread : threads) thread.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace cryptopipe
