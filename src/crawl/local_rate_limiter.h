// LocalRateLimiter: the per-host request rate of one process (embedded mode, where every
// worker slot lives in the process): the same GCRA as the fleet-wide RateLimiter
// (rate_limiter.h), kept in memory instead of Redis. Same options, same spacing and burst.
// Hosts quiet for longer than their allowance are forgotten, so the map stays small.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "crawl/politeness.h"
#include "crawl/rate_limiter.h"

namespace crawler::crawl {

class LocalRateLimiter final : public HostGate {
 public:
  // Throws std::invalid_argument for a rate <= 0 or burst < 1 (as RateLimiter).
  explicit LocalRateLimiter(RateLimiterOptions options);

  // Zero when a request to `host` at `now` is granted (and counted), else the wait.
  std::chrono::microseconds try_acquire(std::string_view host,
                                        std::chrono::steady_clock::time_point now);

  bool acquire(std::string_view host, std::chrono::steady_clock::time_point deadline) override;

 private:
  RateLimiterOptions options_;
  std::chrono::microseconds interval_;
  std::chrono::microseconds tolerance_;
  std::mutex mutex_;
  // host → theoretical arrival time of its next request
  std::unordered_map<std::string, std::chrono::steady_clock::time_point> tat_;
};

}  // namespace crawler::crawl
