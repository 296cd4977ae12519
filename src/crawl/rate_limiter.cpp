#include "crawl/rate_limiter.h"

#include <cmath>
#include <stdexcept>
#include <thread>

#include "core/ascii.h"
#include "redis/script.h"

namespace crawler::crawl {
namespace {

// KEYS[1]: the host's key. ARGV[1]: emission interval, ARGV[2]: burst tolerance (both µs).
// Returns {1, 0} when granted, {0, wait µs} when not. Times are µs since the epoch: below
// 2^53, so exact in Lua's doubles; written back with %.0f because Lua's default number
// formatting (%.14g) would round them.
constexpr const char* kScript = R"lua(
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local tolerance = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local allow_at = tat - tolerance
if now < allow_at then
  return {0, allow_at - now}
end
local new_tat = tat + interval
local ttl_ms = math.ceil((new_tat - now) / 1000) + 1000
redis.call('SET', KEYS[1], string.format('%.0f', new_tat), 'PX', ttl_ms)
return {1, 0}
)lua";

}  // namespace

RateLimiter::RateLimiter(redis::Pool& pool, RateLimiterOptions options)
    : pool_(pool), options_(std::move(options)) {
  if (!(options_.rate_per_second > 0) || !std::isfinite(options_.rate_per_second))
    throw std::invalid_argument("rate_per_second must be > 0");
  if (options_.burst < 1) throw std::invalid_argument("burst must be >= 1");
  if (options_.max_sleep.count() <= 0) throw std::invalid_argument("max_sleep must be > 0");
  const double interval = std::ceil(1e6 / options_.rate_per_second);
  interval_us_ = std::to_string(static_cast<long long>(interval));
  tolerance_us_ = std::to_string(static_cast<long long>(interval * (options_.burst - 1)));
}

redis::Reply RateLimiter::run_script(const std::string& key) {
  static const redis::Script script = redis::make_script("rate limiter", kScript);
  auto lease = pool_.acquire();
  auto reply = redis::eval_script(*lease, script, {key}, {interval_us_, tolerance_us_});
  if (reply.is_error()) throw redis::Error("rate limiter script: " + reply.str());
  if (!reply.is_array() || reply.elements().size() != 2)
    throw redis::Error("rate limiter script: unexpected reply " + reply.to_debug_string());
  return reply;
}

std::chrono::microseconds RateLimiter::try_acquire(std::string_view host) {
  const auto reply = run_script(options_.key_prefix + ascii_lower(host));
  if (reply.elements()[0].integer() == 1) return std::chrono::microseconds(0);
  return std::chrono::microseconds(std::max<std::int64_t>(1, reply.elements()[1].integer()));
}

bool RateLimiter::acquire(std::string_view host, std::chrono::steady_clock::time_point deadline) {
  return acquire_by_attempts([&] { return try_acquire(host); }, deadline, options_.max_sleep);
}

}  // namespace crawler::crawl
