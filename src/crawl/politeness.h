// HostGate: "may I send one more request to this host now?", the seam between the crawl step
// and the fleet-wide rate limiter (rate_limiter.h, Redis). The crawl step depends only on
// this interface, so it is testable without Redis and a deployment without a rate limit
// passes no gate at all.
#pragma once

#include <algorithm>
#include <chrono>
#include <string_view>
#include <thread>

namespace crawler::crawl {

class HostGate {
 public:
  virtual ~HostGate() = default;
  // Blocks until one request to `host` is allowed (true) or `deadline` would be passed
  // first (false, without waiting for nothing). May throw if its backend fails.
  virtual bool acquire(std::string_view host, std::chrono::steady_clock::time_point deadline) = 0;
};

// The acquire() of a gate built on a single attempt: `attempt()` returns zero when granted,
// else how long to wait before the next attempt can succeed. Sleeps at most `max_sleep` at a
// time (to re-check), and gives up (false) as soon as the wait would pass `deadline`.
template <typename Attempt>
bool acquire_by_attempts(Attempt&& attempt, std::chrono::steady_clock::time_point deadline,
                         std::chrono::steady_clock::duration max_sleep) {
  for (;;) {
    const std::chrono::microseconds wait = attempt();
    if (wait.count() == 0) return true;
    if (std::chrono::steady_clock::now() + wait > deadline) return false;
    std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(wait, max_sleep));
  }
}

}  // namespace crawler::crawl
