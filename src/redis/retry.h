// with_retry: run an operation until it gets through Redis, riding out outages.
//
//   std::atomic<bool> stop{false};
//   Reply r = redis::with_retry([&] { return pool.command({"GET", key}); }, &stop);
//
// Design:
//   - Only IoError is retried by default: it means "the connection failed", which a later
//     attempt on a new connection may cure (Redis restarting, a failover, a network blip).
//     Anything else propagates at once: AuthError and bad configuration do not heal by
//     retrying, and error replies are data (returned in the Reply, not thrown).
//   - Between attempts it waits per Backoff (50 ms doubling to 5 s, with jitter), so a
//     fleet of workers polls a dead Redis at most every few seconds each.
//   - It never gives up on its own unless given max_attempts: a worker must outlive a Redis
//     restart. The way out is `stop`: once it is set, the last error is rethrown instead of
//     waiting again, and a wait in progress ends within ~20 ms (the flag is polled: an
//     atomic<bool> has no timed wait, and polling keeps the caller's stop mechanism a plain
//     flag).
//   - `f` runs at least once, even when stop is already set.
//   - Use it for IDEMPOTENT operations only (GET, SET k v, a Lua script written to be
//     re-run, a blocking pop whose job a stalled-job check recovers...). A command that timed
//     out may have been applied by the server, so retrying INCR could count twice. This is
//     why Pool::command() itself never retries.
//   - The body of `f` should (re)acquire its connection each time (pool.command() does;
//     with a dedicated connection, replace it when broken()), since a broken connection
//     stays broken.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <type_traits>

#include "core/backoff.h"
#include "redis/errors.h"

namespace crawler::redis {

// `Retried` is the exception type that means "try again": IoError by default (see above).
// A loop that must never end on a Redis failure (a queue worker's dispatcher) retries every
// redis::Error with BasicRetryOptions<Error>, since a wrong password it cannot fix is better
// logged every few seconds than ending the worker.
template <class Retried>
struct BasicRetryOptions {
  BackoffOptions backoff{};
  // Attempts in all before the last failure is rethrown; 0: no limit.
  std::uint32_t max_attempts = 0;
  // Called after each failed attempt that will be retried, before the wait: the place to
  // log "Redis unavailable, retrying in ...". `attempt` counts from 1.
  std::function<void(const Retried& error, std::uint32_t attempt, std::chrono::milliseconds delay)>
      on_retry{};
};
using RetryOptions = BasicRetryOptions<IoError>;

// Sleeps for `delay` unless `stop` is (or becomes) set. Returns false if stopped.
// `stop` may be null: then it simply sleeps and returns true.
bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::atomic<bool>* stop);

// Calls f() until it returns without throwing `Retried`, and returns its result. Once
// `stop` (may be null: retry until max_attempts) is set, or after max_attempts, a failure
// rethrows its exception instead of retrying. Other exceptions propagate from the first
// attempt that throws them. Throws std::invalid_argument for invalid backoff options.
template <class F, class Retried = IoError>
auto with_retry(F&& f, const std::atomic<bool>* stop,
                const BasicRetryOptions<Retried>& options = {}) -> std::invoke_result_t<F&> {
  static_assert(std::is_base_of_v<Error, Retried>, "with_retry retries Redis errors only");
  Backoff backoff(options.backoff);
  for (std::uint32_t attempt = 1;; ++attempt) {
    try {
      return f();
    } catch (const Retried& e) {
      if (stop != nullptr && stop->load(std::memory_order_acquire)) throw;
      if (options.max_attempts != 0 && attempt >= options.max_attempts) throw;
      const auto delay = backoff.next();
      if (options.on_retry) options.on_retry(e, attempt, delay);
      if (!sleep_unless_stopped(delay, stop)) throw;
    }
  }
}

}  // namespace crawler::redis
