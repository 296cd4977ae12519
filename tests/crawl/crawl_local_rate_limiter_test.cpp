// LocalRateLimiter: GCRA spacing and burst per host, in memory (embedded mode), on an
// explicit clock so the arithmetic is checked exactly.
#include <gtest/gtest.h>

#include "crawl/local_rate_limiter.h"

namespace crawler::crawl {
namespace {

using namespace std::chrono_literals;
using std::chrono::microseconds;

TEST(LocalRateLimiter, SpacesRequestsAtTheRateAfterTheBurst) {
  LocalRateLimiter limiter({.rate_per_second = 4, .burst = 2});
  const auto t0 = std::chrono::steady_clock::time_point(100s);
  EXPECT_EQ(limiter.try_acquire("a.example", t0), microseconds(0));
  EXPECT_EQ(limiter.try_acquire("a.example", t0), microseconds(0));  // the burst
  EXPECT_EQ(limiter.try_acquire("a.example", t0), microseconds(250000));
  // A refused attempt consumes nothing: asking again at the same instant gives the same wait.
  EXPECT_EQ(limiter.try_acquire("a.example", t0), microseconds(250000));
  EXPECT_EQ(limiter.try_acquire("a.example", t0 + 250ms), microseconds(0));
  EXPECT_EQ(limiter.try_acquire("a.example", t0 + 250ms), microseconds(250000));
  // Another host has its own allowance.
  EXPECT_EQ(limiter.try_acquire("b.example", t0), microseconds(0));
  // After a quiet spell the burst is back, not more.
  const auto later = t0 + 10s;
  EXPECT_EQ(limiter.try_acquire("a.example", later), microseconds(0));
  EXPECT_EQ(limiter.try_acquire("a.example", later), microseconds(0));
  EXPECT_GT(limiter.try_acquire("a.example", later), microseconds(0));
}

TEST(LocalRateLimiter, AcquireWaitsOrGivesUpAtTheDeadline) {
  LocalRateLimiter limiter({.rate_per_second = 20, .burst = 1});
  const auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(limiter.acquire("h", start + 1s));
  EXPECT_TRUE(limiter.acquire("h", start + 1s));  // waits ~50 ms
  EXPECT_GE(std::chrono::steady_clock::now() - start, 45ms);
  EXPECT_FALSE(limiter.acquire("h", std::chrono::steady_clock::now()));  // no time to wait
}

TEST(LocalRateLimiter, RefusesNonsenseOptions) {
  EXPECT_THROW(LocalRateLimiter({.rate_per_second = 0}), std::invalid_argument);
  EXPECT_THROW(LocalRateLimiter({.rate_per_second = 1, .burst = 0}), std::invalid_argument);
}

}  // namespace
}  // namespace crawler::crawl
