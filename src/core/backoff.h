// Backoff: how long to wait before the next attempt after consecutive failures
// (reconnecting to Redis, retrying an idempotent command, publishing metrics again,
// waiting for PostgreSQL before migrating).
//
// Design:
//   - Exponential: the n-th consecutive failure (n from 0) waits up to
//     min(max, initial * factor^n): 50 ms, 100 ms, 200 ms ... 5 s with the defaults. Quick
//     recovery from a blip, and at most one attempt every few seconds per client during a
//     long outage.
//   - "Equal jitter": each delay is drawn uniformly from [ceiling * (1 - jitter), ceiling].
//     With jitter 0.5, half of the delay is random. Randomness spreads a fleet of workers
//     that lost Redis at the same instant, so they do not all come back in lockstep when it
//     restarts; the fixed half keeps a floor, so (unlike "full jitter", which may draw 0)
//     a client never retries in a tight loop.
//   - Pure and deterministic when seeded: the arithmetic is in free functions, and a Backoff
//     built with a seed always yields the same sequence, so it is unit-testable without
//     sleeping. Without a seed the generator is seeded from std::random_device on the first
//     next(), not at construction: a Backoff made per operation that never fails costs no
//     system call.
//   - It only computes delays; sleeping is the caller's business (a pool fails fast during
//     the delay, a retry loop sleeps and watches a stop flag, a component waits on its
//     condition variable so that stop() ends the wait).
//   - Not thread-safe: one instance per loop or guarded by its owner's mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>

namespace crawler {

struct BackoffOptions {
  std::chrono::milliseconds initial{50};  // ceiling of the first delay; > 0
  double factor = 2.0;                    // growth per failure; >= 1
  std::chrono::milliseconds max{5000};    // cap on any delay; >= initial
  double jitter = 0.5;                    // random fraction of each delay, in [0, 1]
};

// Throws std::invalid_argument naming the bad field.
void validate(const BackoffOptions& options);

// The delay ceiling after `failures` consecutive failures (0: the first delay):
// min(max, initial * factor^failures). Never overflows, whatever `failures` is.
std::chrono::milliseconds backoff_ceiling(const BackoffOptions& options, std::uint32_t failures);

// `ceiling` with jitter applied: ceiling * (1 - jitter * unit), for `unit` in [0, 1].
// Never below 1 ms, so a positive ceiling always means an actual wait.
std::chrono::milliseconds apply_jitter(std::chrono::milliseconds ceiling, double jitter,
                                       double unit);

class Backoff {
 public:
  // Throws std::invalid_argument for invalid options (see validate()).
  explicit Backoff(BackoffOptions options = {});
  Backoff(BackoffOptions options, std::uint64_t seed);

  // The delay to wait after one more failure; grows with each call until reset().
  std::chrono::milliseconds next();
  // After a success: the next failure starts again from `initial`.
  void reset() { failures_ = 0; }
  // Failures counted since construction or the last reset().
  std::uint32_t failures() const { return failures_; }
  const BackoffOptions& options() const { return options_; }

 private:
  BackoffOptions options_;
  std::uint32_t failures_ = 0;
  std::optional<std::uint64_t> seed_;
  std::optional<std::minstd_rand> rng_;  // created on first use
};

}  // namespace crawler
