// poll_until: the one way the harness waits for something to become true (a server to accept
// connections, a process to exit) with a deadline, instead of fixed sleeps.
#pragma once

#include <algorithm>
#include <chrono>
#include <thread>

namespace crawler::testing {

// Calls `done` until it returns true (then returns true) or `timeout` has passed (then
// returns false). `done` is always called at least once, and once more at the deadline.
template <class Predicate>
bool poll_until(Predicate&& done, std::chrono::milliseconds timeout,
                std::chrono::milliseconds interval = std::chrono::milliseconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (done()) return true;
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return false;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(interval, deadline - now));
  }
}

}  // namespace crawler::testing
