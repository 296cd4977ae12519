// The fleet-wide rate limiter (crawl/rate_limiter.h) against a real Redis: two limiters on
// separate pools (as two worker processes would have) hammering one host together never
// exceed the rate, hosts are independent, burst works, and a deadline is honoured.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "crawl/rate_limiter.h"
#include "support/services.h"

namespace crawler::crawl {
namespace {

namespace support = crawler::testing;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class RateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = support::SharedServices::get();
    endpoint_ = redis::parse_url(services.redis_url());
    prefix_ = services.unique_prefix() + ":rate:";
  }
  std::unique_ptr<redis::Pool> pool() {
    return std::make_unique<redis::Pool>(redis::PoolOptions{.endpoint = endpoint_});
  }
  RateLimiterOptions options(double rate, int burst = 1) const {
    RateLimiterOptions o;
    o.rate_per_second = rate;
    o.burst = burst;
    o.key_prefix = prefix_;
    return o;
  }

  redis::Endpoint endpoint_;
  std::string prefix_;
};

TEST_F(RateLimiterTest, TwoPoolsTogetherNeverExceedTheRate) {
  auto pool_a = pool();
  auto pool_b = pool();
  RateLimiter a(*pool_a, options(5));
  RateLimiter b(*pool_b, options(5));

  std::mutex mutex;
  std::vector<Clock::time_point> grants;
  const auto start = Clock::now();
  const auto end = start + 2500ms;
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    RateLimiter& limiter = i % 2 ? a : b;
    threads.emplace_back([&] {
      while (limiter.acquire("Naver.example", end)) {
        std::lock_guard lock(mutex);
        grants.push_back(Clock::now());
      }
    });
  }
  for (auto& t : threads) t.join();
  std::sort(grants.begin(), grants.end());

  // 5/s for 2.5 s with no burst: at most 13 (one at t=0, then one every 200 ms).
  EXPECT_LE(grants.size(), 13u);
  EXPECT_GE(grants.size(), 10u);  // and the slots were actually used
  // In any window a little under one second, at most 5 (the sending side's timestamps carry
  // a few ms of jitter, hence the margin).
  for (std::size_t i = 0; i < grants.size(); ++i) {
    const auto in_window =
        std::count_if(grants.begin() + static_cast<std::ptrdiff_t>(i), grants.end(),
                      [&](auto t) { return t < grants[i] + 950ms; });
    EXPECT_LE(in_window, 5) << "at grant " << i;
  }
}

TEST_F(RateLimiterTest, HostsAreIndependentAndCaseInsensitive) {
  auto p = pool();
  RateLimiter limiter(*p, options(1));
  EXPECT_EQ(limiter.try_acquire("a.example").count(), 0);
  EXPECT_GT(limiter.try_acquire("A.EXAMPLE").count(), 0);  // same host, too soon
  EXPECT_EQ(limiter.try_acquire("b.example").count(), 0);
  const auto wait = limiter.try_acquire("a.example");
  EXPECT_GT(wait, 500ms);
  EXPECT_LE(wait, 1000ms);
}

TEST_F(RateLimiterTest, BurstAllowsBackToBack) {
  auto p = pool();
  RateLimiter limiter(*p, options(2, 3));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.try_acquire("h").count(), 0) << i;
  EXPECT_GT(limiter.try_acquire("h").count(), 0);
}

TEST_F(RateLimiterTest, DeadlineIsHonouredWithoutWaitingInVain) {
  auto p = pool();
  RateLimiter limiter(*p, options(0.5));  // one every 2 s
  EXPECT_TRUE(limiter.acquire("h", Clock::now() + 100ms));
  const auto before = Clock::now();
  EXPECT_FALSE(limiter.acquire("h", Clock::now() + 300ms));
  EXPECT_LT(Clock::now() - before, 250ms);  // it knew it could not make it
}

TEST_F(RateLimiterTest, SurvivesScriptFlushAndRejectsBadOptions) {
  auto p = pool();
  RateLimiter limiter(*p, options(100));
  EXPECT_EQ(limiter.try_acquire("h").count(), 0);
  p->command({"SCRIPT", "FLUSH"});
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(limiter.try_acquire("h").count(), 0);  // NOSCRIPT → EVAL
  EXPECT_THROW(RateLimiter(*p, options(0)), std::invalid_argument);
  EXPECT_THROW(RateLimiter(*p, options(1, 0)), std::invalid_argument);
}

}  // namespace
}  // namespace crawler::crawl
