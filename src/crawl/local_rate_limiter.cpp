#include "crawl/local_rate_limiter.h"

#include <cmath>
#include <stdexcept>

namespace crawler::crawl {

using std::chrono::microseconds;

LocalRateLimiter::LocalRateLimiter(RateLimiterOptions options) : options_(std::move(options)) {
  if (!(options_.rate_per_second > 0) || !std::isfinite(options_.rate_per_second))
    throw std::invalid_argument("rate_per_second must be > 0");
  if (options_.burst < 1) throw std::invalid_argument("burst must be >= 1");
  if (options_.max_sleep.count() <= 0) throw std::invalid_argument("max_sleep must be > 0");
  interval_ = microseconds(static_cast<std::int64_t>(std::ceil(1e6 / options_.rate_per_second)));
  tolerance_ = interval_ * (options_.burst - 1);
}

microseconds LocalRateLimiter::try_acquire(std::string_view host,
                                           std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  if (tat_.size() > 10000)
    std::erase_if(tat_, [&](const auto& entry) { return entry.second + tolerance_ < now; });
  auto [it, inserted] = tat_.try_emplace(std::string(host), now);
  const auto tat = std::max(it->second, now);
  // GCRA: granted when the theoretical arrival time is within the burst tolerance.
  if (tat - now > tolerance_) return std::chrono::ceil<microseconds>(tat - now - tolerance_);
  it->second = tat + interval_;
  return microseconds(0);
}

bool LocalRateLimiter::acquire(std::string_view host,
                               std::chrono::steady_clock::time_point deadline) {
  return acquire_by_attempts([&] { return try_acquire(host, std::chrono::steady_clock::now()); },
                             deadline, options_.max_sleep);
}

}  // namespace crawler::crawl
