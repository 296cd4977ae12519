// The scheduler's leader lease against a real Redis: one holder at a time, renewal, takeover
// after the holder stops renewing, release for an immediate handover, and no harm from a
// former holder whose lease was taken.
#include <gtest/gtest.h>

#include <thread>

#include "redis/errors.h"
#include "redis/pool.h"
#include "redis/url.h"
#include "scheduler/leader_lease.h"
#include "support/poll.h"
#include "support/redis_server.h"
#include "support/services.h"

using crawler::scheduler::LeaderLease;
using namespace crawler::testing;
using namespace std::chrono_literals;

namespace {

crawler::redis::Pool pool_for(const std::string& url) {
  return crawler::redis::Pool(crawler::redis::PoolOptions{
      .endpoint = crawler::redis::parse_url(url), .max_connections = 2});
}

}  // namespace

TEST(LeaderLease, OneHolderAtATimeAndRenewalKeepsIt) {
  auto url = SharedServices::get().redis_url();
  auto key = SharedServices::get().unique_prefix() + ":scheduler:leader";
  auto pool_a = pool_for(url), pool_b = pool_for(url);
  LeaderLease a(pool_a, key, "replica-a", 600ms), b(pool_b, key, "replica-b", 600ms);
  EXPECT_TRUE(a.acquire_or_renew());
  EXPECT_FALSE(b.acquire_or_renew());
  // a keeps renewing for longer than one TTL: b never gets it.
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(a.acquire_or_renew());
    EXPECT_FALSE(b.acquire_or_renew());
  }
}

TEST(LeaderLease, AStandbyTakesOverWhenTheLeaderStopsRenewing) {
  auto url = SharedServices::get().redis_url();
  auto key = SharedServices::get().unique_prefix() + ":scheduler:leader";
  auto pool_a = pool_for(url), pool_b = pool_for(url);
  LeaderLease a(pool_a, key, "replica-a", 300ms), b(pool_b, key, "replica-b", 300ms);
  ASSERT_TRUE(a.acquire_or_renew());
  // a "dies": no more renewals. b takes over after the TTL, not before.
  EXPECT_FALSE(b.acquire_or_renew());
  EXPECT_TRUE(poll_until([&] { return b.acquire_or_renew(); }, 3s, 50ms));
  // The former leader comes back: it cannot renew or release b's lease.
  EXPECT_FALSE(a.acquire_or_renew());
  a.release();
  EXPECT_TRUE(b.acquire_or_renew());
}

TEST(LeaderLease, ReleaseHandsOverAtOnce) {
  auto url = SharedServices::get().redis_url();
  auto key = SharedServices::get().unique_prefix() + ":scheduler:leader";
  auto pool_a = pool_for(url), pool_b = pool_for(url);
  LeaderLease a(pool_a, key, "replica-a", 60s), b(pool_b, key, "replica-b", 60s);
  ASSERT_TRUE(a.acquire_or_renew());
  EXPECT_FALSE(b.acquire_or_renew());
  a.release();
  EXPECT_TRUE(b.acquire_or_renew());
}

TEST(LeaderLease, RedisDownMeansNotLeaderAndRecovers) {
  RedisServer redis;
  redis.start();
  auto pool = pool_for(redis.url());
  LeaderLease a(pool, "bull:crawl-jobs:scheduler:leader", "replica-a", 1s);
  ASSERT_TRUE(a.acquire_or_renew());
  redis.stop();
  EXPECT_THROW(a.acquire_or_renew(), crawler::redis::Error);
  redis.restart();
  EXPECT_TRUE(poll_until(
      [&] {
        try {
          return a.acquire_or_renew();
        } catch (const crawler::redis::Error&) {
          return false;
        }
      },
      10s, 100ms));
}
