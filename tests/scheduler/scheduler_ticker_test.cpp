// The scheduler's Ticker against a real Redis, on a one-second cron: only the leader ticks,
// ticks never overlap (firing times passed meanwhile are counted), one catch-up tick after
// downtime (none without a record, none when nothing was missed), and a standby takes over
// once the leader is gone.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/clock.h"
#include "redis/pool.h"
#include "redis/url.h"
#include "scheduler/ticker.h"
#include "support/poll.h"
#include "support/services.h"

namespace crawler::scheduler {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;
using crawler::testing::SharedServices;

// One replica: its own Redis pool, lease and ticker; counts the ticks it ran.
struct Replica {
  redis::Pool pool;
  LeaderLease lease;
  RedisCoordination coordination;
  std::atomic<int> ticks{0};
  std::atomic<int> running{0};
  std::atomic<int> max_running{0};
  std::chrono::milliseconds tick_time{0};
  Ticker ticker;

  Replica(const std::string& base, const std::string& name, const std::string& cron,
          std::chrono::milliseconds ttl, std::chrono::milliseconds tick_duration = 0ms)
      : pool(redis::PoolOptions{.endpoint = redis::parse_url(SharedServices::get().redis_url()),
                                .max_connections = 3}),
        lease(pool, base + "leader", name, ttl),
        coordination(pool, lease, base + "last-tick"),
        tick_time(tick_duration),
        ticker(
            CronSchedule::parse(cron), coordination, [this](std::chrono::system_clock::time_point) {
              int now_running = ++running;
              int seen = max_running.load();
              while (now_running > seen && !max_running.compare_exchange_weak(seen, now_running)) {
              }
              std::this_thread::sleep_for(tick_time);
              --running;
              ++ticks;
              return TickResult{1, 0};
            }) {}
};

class TickerTest : public ::testing::Test {
 protected:
  std::string base_ = SharedServices::get().unique_prefix() + ":crawl-jobs:scheduler:";
  redis::Pool admin_{redis::PoolOptions{
      .endpoint = redis::parse_url(SharedServices::get().redis_url()), .max_connections = 1}};
};

TEST_F(TickerTest, OnlyTheLeaderTicks) {
  Replica a(base_, "a", "* * * * * *", 2000ms);
  a.ticker.start();
  ASSERT_TRUE(poll_until([&] { return a.ticker.status().leader; }, 5s));
  Replica b(base_, "b", "* * * * * *", 2000ms);
  b.ticker.start();
  ASSERT_TRUE(poll_until([&] { return a.ticks >= 3; }, 10s));
  EXPECT_EQ(b.ticks, 0);
  EXPECT_FALSE(b.ticker.status().leader);
  auto s = a.ticker.status();
  ASSERT_TRUE(s.last_tick_at.has_value());
  EXPECT_EQ(s.last_result.enqueued, 1);
  ASSERT_TRUE(s.next_tick_at.has_value());
  EXPECT_GT(*s.next_tick_at, *s.last_tick_at);
  // A clean stop releases the lease: the standby leads at its next renewal, not after a TTL.
  a.ticker.stop(std::chrono::steady_clock::now() + 5s);
  EXPECT_TRUE(poll_until([&] { return b.ticker.status().leader; }, 1500ms));
  ASSERT_TRUE(poll_until([&] { return b.ticks >= 1; }, 5s));
  b.ticker.stop(std::chrono::steady_clock::now() + 5s);
}

TEST_F(TickerTest, ALongTickSkipsAndCountsFiringTimesInsteadOfStacking) {
  Replica a(base_, "a", "* * * * * *", 2000ms, 2500ms);
  a.ticker.start();
  ASSERT_TRUE(poll_until([&] { return a.ticks >= 2; }, 15s));
  a.ticker.stop(std::chrono::steady_clock::now() + 5s);
  auto s = a.ticker.status();
  EXPECT_EQ(a.max_running, 1);
  // Each 2.5 s tick lets two or three one-second firing times pass.
  EXPECT_GE(s.ticks_overlapped, 2 * (s.ticks_run - 1));
  EXPECT_GE(s.ticks_overlapped, 2);
}

TEST_F(TickerTest, OneCatchUpTickAfterDowntimeHoweverManyWereMissed) {
  // Yearly schedule; the last tick was recorded three years ago: three firing times missed.
  admin_.command({"SET", base_ + "last-tick", std::to_string(epoch_ms() - 3LL * 366 * 86400000)});
  Replica a(base_, "a", "0 0 1 1 *", 2000ms);
  a.ticker.start();
  ASSERT_TRUE(poll_until([&] { return a.ticks >= 1; }, 5s));
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(a.ticks, 1);
  EXPECT_EQ(a.ticker.status().catch_up_ticks, 1);
  // The tick was recorded: a restart now misses nothing and does not tick.
  a.ticker.stop(std::chrono::steady_clock::now() + 5s);
  auto recorded = std::stoll(admin_.command({"GET", base_ + "last-tick"}).str());
  EXPECT_NEAR(static_cast<double>(recorded), static_cast<double>(epoch_ms()), 10000.0);
  Replica again(base_, "again", "0 0 1 1 *", 2000ms);
  again.ticker.start();
  ASSERT_TRUE(poll_until([&] { return again.ticker.status().leader; }, 5s));
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(again.ticks, 0);
}

TEST_F(TickerTest, NoRecordMeansNoCatchUp) {
  Replica a(base_, "a", "0 0 1 1 *", 2000ms);
  a.ticker.start();
  ASSERT_TRUE(poll_until([&] { return a.ticker.status().leader; }, 5s));
  std::this_thread::sleep_for(1000ms);
  EXPECT_EQ(a.ticks, 0);
}

TEST_F(TickerTest, AStandbyTakesOverWithinTheLeaseAfterTheLeaderVanishes) {
  auto a = std::make_unique<Replica>(base_, "a", "* * * * * *", 1000ms);
  a->ticker.start();
  ASSERT_TRUE(poll_until([&] { return a->ticker.status().leader; }, 5s));
  Replica b(base_, "b", "* * * * * *", 1000ms);
  b.ticker.start();
  std::this_thread::sleep_for(1200ms);
  EXPECT_FALSE(b.ticker.status().leader);
  // The leader vanishes without releasing (as if killed; the destructor does not release):
  // its lease is left to expire.
  const auto gone = std::chrono::steady_clock::now();
  a.reset();
  ASSERT_TRUE(poll_until([&] { return b.ticker.status().leader; }, 3s));
  // Lease TTL plus at most one renew period (ttl / 3).
  EXPECT_LT(std::chrono::steady_clock::now() - gone, 1000ms + 1000ms / 3 + 500ms);
  ASSERT_TRUE(poll_until([&] { return b.ticks >= 1; }, 3s));
  b.ticker.stop(std::chrono::steady_clock::now() + 5s);
}

}  // namespace
}  // namespace crawler::scheduler
