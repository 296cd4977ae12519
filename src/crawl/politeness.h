// HostGate: "may I send one more request to this host now?", the seam between the crawl step
// and the fleet-wide rate limiter (rate_limiter.h, Redis). The crawl step depends only on
// this interface, so it is testable without Redis and a deployment without a rate limit
// passes no gate at all.
#pragma once

#include <chrono>
#include <string_view>

namespace crawler::crawl {

class HostGate {
 public:
  virtual ~HostGate() = default;
  // Blocks until one request to `host` is allowed (true) or `deadline` would be passed
  // first (false, without waiting for nothing). May throw if its backend fails.
  virtual bool acquire(std::string_view host, std::chrono::steady_clock::time_point deadline) = 0;
};

}  // namespace crawler::crawl
