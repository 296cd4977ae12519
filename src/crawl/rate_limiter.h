// RateLimiter: a per-host request rate shared by every worker of the fleet through Redis
// (CRAWL_RATE_PER_HOST, e.g. 5/s: 50 tasks × 4 slots must not hammer one site).
//
// Algorithm: GCRA (the "generic cell rate algorithm", a leaky bucket kept as one timestamp
// per host: the theoretical arrival time of the next request). Chosen over a fixed window
// (bursts of 2× the rate around a window edge) and a sliding log (a sorted set per host,
// O(rate) memory): GCRA spaces requests evenly at 1/rate, allows `burst` back-to-back, and
// costs one small string key per host, expiring on its own when the host goes quiet.
//
// The whole decision is one Lua script, so it is atomic across the fleet, and it reads the
// clock with Redis's TIME, so workers' clock skew does not matter. A refused attempt does not
// consume anything; it returns how long to wait, and acquire() sleeps that long (capped, to
// re-check a deadline) and asks again.
//
// Errors: Redis failures propagate as redis::Error (IoError when Redis is unreachable): the
// worker decides whether to run unthrottled or to hand the job back; silently skipping the
// limit would defeat its purpose.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "crawl/politeness.h"
#include "redis/pool.h"

namespace crawler::crawl {

struct RateLimiterOptions {
  double rate_per_second = 5.0;  // > 0
  int burst = 1;                 // requests allowed back-to-back; >= 1
  std::string key_prefix = "crawler:rate:";
  std::chrono::milliseconds max_sleep{1000};  // longest single sleep inside acquire()
};

class RateLimiter final : public HostGate {
 public:
  // Throws std::invalid_argument for a rate <= 0 or burst < 1. Does not talk to Redis yet.
  RateLimiter(redis::Pool& pool, RateLimiterOptions options);

  // One attempt: zero when a request to `host` is granted (and counted), otherwise how long
  // to wait before the next attempt can succeed.
  std::chrono::microseconds try_acquire(std::string_view host);

  bool acquire(std::string_view host, std::chrono::steady_clock::time_point deadline) override;

 private:
  redis::Reply run_script(const std::string& key);

  redis::Pool& pool_;
  RateLimiterOptions options_;
  std::string interval_us_;
  std::string tolerance_us_;
};

}  // namespace crawler::crawl
