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

// Two replicas, each with its own connections, competing for one fresh lease key.
class Replicas {
 public:
  explicit Replicas(std::chrono::milliseconds ttl)
      : key_(SharedServices::get().unique_prefix() + ":scheduler:leader"),
        pool_a_(pool_for(SharedServices::get().redis_url())),
        pool_b_(pool_for(SharedServices::get().redis_url())),
        a(pool_a_, key_, "replica-a", ttl),
        b(pool_b_, key_, "replica-b", ttl) {}

 private:
  std::string key_;
  crawler::redis::Pool pool_a_, pool_b_;

 public:
  LeaderLease a, b;
};

}  // namespace

TEST(LeaderLease, OneHolderAtATimeAndRenewalKeepsIt) {
  Replicas r(600ms);
  EXPECT_TRUE(r.a.acquire_or_renew());
  EXPECT_FALSE(r.b.acquire_or_renew());
  // a keeps renewing for longer than one TTL: b never gets it.
  for (int i = 0; i < 6; ++i) {
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(r.a.acquire_or_renew());
    EXPECT_FALSE(r.b.acquire_or_renew());
  }
}

TEST(LeaderLease, AStandbyTakesOverWhenTheLeaderStopsRenewing) {
  Replicas r(300ms);
  ASSERT_TRUE(r.a.acquire_or_renew());
  // a "dies": no more renewals. b takes over after the TTL, not before.
  EXPECT_FALSE(r.b.acquire_or_renew());
  EXPECT_TRUE(poll_until([&] { return r.b.acquire_or_renew(); }, 3s, 50ms));
  // The former leader comes back: it cannot renew or release b's lease.
  EXPECT_FALSE(r.a.acquire_or_renew());
  r.a.release();
  EXPECT_TRUE(r.b.acquire_or_renew());
}

TEST(LeaderLease, ReleaseHandsOverAtOnce) {
  Replicas r(60s);
  ASSERT_TRUE(r.a.acquire_or_renew());
  EXPECT_FALSE(r.b.acquire_or_renew());
  r.a.release();
  EXPECT_TRUE(r.b.acquire_or_renew());
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
