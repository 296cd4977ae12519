// The worker registry on a real Redis (the shared test server, a unique key prefix per
// test): announce and list, fleet totals, the heartbeat thread, removal on stop, and expiry
// of a worker that died without saying so.
#include <gtest/gtest.h>

#include <thread>

#include "metrics/worker_registry.h"
#include "redis/url.h"
#include "support/services.h"

namespace crawler::metrics {
namespace {

using namespace std::chrono_literals;

class MetricsWorkerRegistry : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = crawler::testing::SharedServices::get();
    pool_ = std::make_unique<redis::Pool>(
        redis::PoolOptions{.endpoint = redis::parse_url(services.redis_url())});
    base_ = "{" + services.unique_prefix() + "}:crawl-jobs";
  }
  WorkerInfo info(const std::string& host, int concurrency, int busy) {
    WorkerInfo w;
    w.host = host;
    w.pid = 4242;
    w.id = make_worker_id(host, w.pid);
    w.concurrency = concurrency;
    w.busy = busy;
    w.started_at = 1700000000000;
    return w;
  }
  std::unique_ptr<redis::Pool> pool_;
  std::string base_;
};

TEST_F(MetricsWorkerRegistry, AnnounceListAndSummary) {
  RedisWorkerRegistry reg(*pool_, {.key_base = base_, .heartbeat_interval = 5s});
  auto a = info("host-a", 4, 1);
  a.jobs_completed = 10;
  a.jobs_failed = 2;
  reg.announce(a);
  reg.announce(info("host-b", 2, 2));
  auto live = reg.list_live();
  ASSERT_EQ(live.size(), 2u);
  const auto& got = live[0].host == "host-a" ? live[0] : live[1];
  EXPECT_EQ(got.id, a.id);
  EXPECT_EQ(got.pid, 4242);
  EXPECT_EQ(got.role, "worker");
  EXPECT_EQ(got.concurrency, 4);
  EXPECT_EQ(got.busy, 1);
  EXPECT_EQ(got.jobs_completed, 10);
  EXPECT_EQ(got.jobs_failed, 2);
  EXPECT_GT(got.heartbeat, 0);
  auto s = reg.summary();
  EXPECT_EQ(s.workers, 2);
  EXPECT_EQ(s.slots, 6);
  EXPECT_EQ(s.busy_slots, 3);
  // Keys sit under the prefix's hash tag, with a TTL of 3 heartbeats.
  auto ttl = pool_->command({"PTTL", reg.worker_key(a.id)}).integer();
  EXPECT_GT(ttl, 10000);
  EXPECT_LE(ttl, 15000);
  EXPECT_TRUE(reg.worker_key(a.id).starts_with(base_ + ":workers:"));
  reg.remove(a.id);
  EXPECT_EQ(reg.list_live().size(), 1u);
}

TEST_F(MetricsWorkerRegistry, DeadWorkerExpires) {
  RedisWorkerRegistry reg(*pool_, {.key_base = base_, .heartbeat_interval = 100ms});
  reg.announce(info("dies", 1, 0));
  EXPECT_EQ(reg.list_live().size(), 1u);
  std::this_thread::sleep_for(450ms);  // > 3 × 100 ms without a heartbeat
  EXPECT_TRUE(reg.list_live().empty());
  EXPECT_EQ(pool_->command({"ZCARD", reg.index_key()}).integer(), 0);  // index pruned
}

TEST_F(MetricsWorkerRegistry, HeartbeatKeepsAliveAndStopRemoves) {
  RedisWorkerRegistry reg(*pool_, {.key_base = base_, .heartbeat_interval = 100ms});
  std::atomic<int> busy{0};
  WorkerHeartbeat hb(reg, info("beats", 3, 0), [&](WorkerInfo& w) { w.busy = busy.load(); });
  hb.start();
  busy = 2;
  std::this_thread::sleep_for(600ms);  // twice the TTL: only heartbeats keep it alive
  auto live = reg.list_live();
  ASSERT_EQ(live.size(), 1u);
  EXPECT_EQ(live[0].busy, 2);
  hb.stop(std::chrono::steady_clock::now() + 1s);
  EXPECT_TRUE(reg.list_live().empty());
}

}  // namespace
}  // namespace crawler::metrics
