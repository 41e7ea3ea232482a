#pragma once

#include <cstddef>
#include <functional>

namespace cryptopipe {

// Runs `work` on `count` threads at once, the calling thread being one of them, and returns once
// every one has returned. `work` takes its items from a queue the threads share (never a fixed
// share of its own), so a thread the system refuses to start leaves its part to the others
// instead of failing the run. An exception escaping `work` on any thread is rethrown here, the
// first one, after all threads have finished: it never reaches std::terminate.
void run_on_workers(std::size_t count, const std::function<void()>& work);

}  // namespace cryptopipe
