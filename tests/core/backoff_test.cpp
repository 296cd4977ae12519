// Unit tests for core/backoff.h (Backoff, used by the Redis client, the queue worker, the
// metrics publisher and migrations) and its pure helpers: the exponential ceiling and its cap,
// the jitter range (a floor is kept: never a zero delay), determinism under a seed, reset(),
// overflow safety after very many failures, and option validation.
#include "core/backoff.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <set>
#include <stdexcept>
#include <vector>

namespace crawler {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

TEST(Backoff, DefaultsAre50msDoublingTo5s) {
  const BackoffOptions o;
  EXPECT_EQ(o.initial, 50ms);
  EXPECT_EQ(o.factor, 2.0);
  EXPECT_EQ(o.max, 5000ms);
  const std::vector<milliseconds> expected = {50ms,   100ms,  200ms,  400ms,  800ms,
                                              1600ms, 3200ms, 5000ms, 5000ms, 5000ms};
  for (std::uint32_t n = 0; n < expected.size(); ++n) {
    EXPECT_EQ(backoff_ceiling(o, n), expected[n]) << "failure " << n;
  }
}

TEST(Backoff, CeilingNeverOverflows) {
  BackoffOptions o;
  o.factor = 10.0;
  EXPECT_EQ(backoff_ceiling(o, 1000), o.max);
  EXPECT_EQ(backoff_ceiling(o, 0xffffffffu), o.max);
}

TEST(Backoff, FactorOneIsConstant) {
  BackoffOptions o;
  o.initial = 30ms;
  o.factor = 1.0;
  o.max = 30ms;
  for (std::uint32_t n : {0u, 1u, 7u, 100u}) EXPECT_EQ(backoff_ceiling(o, n), 30ms);
}

TEST(Backoff, JitterRange) {
  // unit 0: the full ceiling; unit 1: ceiling * (1 - jitter).
  EXPECT_EQ(apply_jitter(1000ms, 0.5, 0.0), 1000ms);
  EXPECT_EQ(apply_jitter(1000ms, 0.5, 1.0), 500ms);
  EXPECT_EQ(apply_jitter(1000ms, 0.5, 0.5), 750ms);
  EXPECT_EQ(apply_jitter(1000ms, 0.0, 0.9), 1000ms);
  // Full jitter would reach zero; a positive ceiling keeps at least 1 ms.
  EXPECT_EQ(apply_jitter(1000ms, 1.0, 1.0), 1ms);
  EXPECT_EQ(apply_jitter(0ms, 0.5, 0.5), 0ms);
  // Out-of-range units are clamped rather than trusted.
  EXPECT_EQ(apply_jitter(100ms, 0.5, 7.0), 50ms);
  EXPECT_EQ(apply_jitter(100ms, 0.5, -1.0), 100ms);
}

TEST(Backoff, SequenceStaysWithinJitteredCeilings) {
  Backoff b(BackoffOptions{}, 42);
  for (std::uint32_t n = 0; n < 20; ++n) {
    const milliseconds ceiling = backoff_ceiling(b.options(), n);
    const milliseconds d = b.next();
    EXPECT_LE(d, ceiling) << "failure " << n;
    EXPECT_GE(d, ceiling / 2) << "failure " << n;
    EXPECT_EQ(b.failures(), n + 1);
  }
}

TEST(Backoff, SeededSequenceIsDeterministic) {
  Backoff a(BackoffOptions{}, 7);
  Backoff b(BackoffOptions{}, 7);
  for (int i = 0; i < 15; ++i) EXPECT_EQ(a.next(), b.next()) << i;
}

TEST(Backoff, JitterActuallyVaries) {
  // Two clients that failed at the same moment should not retry in lockstep.
  BackoffOptions o;
  o.initial = 5000ms;  // at the cap: every ceiling is 5000 ms, only jitter differs
  std::set<milliseconds::rep> seen;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    Backoff b(o, seed);
    seen.insert(b.next().count());
  }
  EXPECT_GT(seen.size(), 10u);
}

TEST(Backoff, UnseededWorks) {
  Backoff b;
  const milliseconds d = b.next();
  EXPECT_GE(d, 25ms);
  EXPECT_LE(d, 50ms);
}

TEST(Backoff, ResetStartsOver) {
  BackoffOptions o;
  o.jitter = 0.0;
  Backoff b(o, 1);
  EXPECT_EQ(b.next(), 50ms);
  EXPECT_EQ(b.next(), 100ms);
  EXPECT_EQ(b.next(), 200ms);
  b.reset();
  EXPECT_EQ(b.failures(), 0u);
  EXPECT_EQ(b.next(), 50ms);
}

TEST(Backoff, CustomOptions) {
  BackoffOptions o;
  o.initial = 10ms;
  o.factor = 3.0;
  o.max = 100ms;
  o.jitter = 0.0;
  Backoff b(o, 1);
  EXPECT_EQ(b.next(), 10ms);
  EXPECT_EQ(b.next(), 30ms);
  EXPECT_EQ(b.next(), 90ms);
  EXPECT_EQ(b.next(), 100ms);
  EXPECT_EQ(b.next(), 100ms);
}

TEST(Backoff, InvalidOptionsAreRejected) {
  const auto invalid = [](auto mutate) {
    BackoffOptions o;
    mutate(o);
    return o;
  };
  EXPECT_THROW(validate(invalid([](BackoffOptions& o) { o.initial = 0ms; })),
               std::invalid_argument);
  EXPECT_THROW(validate(invalid([](BackoffOptions& o) { o.factor = 0.5; })), std::invalid_argument);
  EXPECT_THROW(validate(invalid([](BackoffOptions& o) { o.factor = std::nan(""); })),
               std::invalid_argument);
  EXPECT_THROW(validate(invalid([](BackoffOptions& o) { o.max = 10ms; })), std::invalid_argument);
  EXPECT_THROW(validate(invalid([](BackoffOptions& o) { o.jitter = 1.5; })), std::invalid_argument);
  EXPECT_THROW(Backoff(invalid([](BackoffOptions& o) { o.jitter = -0.1; })), std::invalid_argument);
  EXPECT_NO_THROW(validate(BackoffOptions{}));
}

}  // namespace
}  // namespace crawler
