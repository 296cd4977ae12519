// The non-template part of with_retry (see retry.h): an interruptible sleep.
#include "redis/retry.h"

#include <algorithm>
#include <thread>

namespace crawler::redis {

bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::atomic<bool>* stop) {
  // Short slices bound how late a stop is noticed; 20 ms is far below any shutdown budget
  // and costs nothing measurable while Redis is down.
  constexpr std::chrono::milliseconds kSlice{20};
  const auto deadline = std::chrono::steady_clock::now() + delay;
  for (;;) {
    if (stop != nullptr && stop->load(std::memory_order_acquire)) return false;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return true;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(kSlice, deadline - now));
  }
}

}  // namespace crawler::redis
