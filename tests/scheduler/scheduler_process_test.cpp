// Two `crawler --process=scheduler` replicas on one database and queue: one leads and queues
// the due keywords (reported on /health and /metrics of SCHEDULER_PORT), the other follows;
// the leader is SIGKILLed and the follower takes over within the lease time and goes on
// queueing, and no keyword is ever queued twice.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <csignal>

#include "queue/bull/bull_queue.h"
#include "store/postgres/postgres_store.h"
#include "support/crawler_process.h"
#include "support/http_client.h"
#include "support/poll.h"
#include "support/ports.h"
#include "support/services.h"

using namespace crawler;
using namespace crawler::testing;
using namespace std::chrono_literals;

namespace {

constexpr auto kLease = 1000ms;

struct Scheduler {
  int port = free_port();
  CrawlerProcess process;
  Scheduler(const std::string& prefix, const std::string& database_url)
      : process({"--process=scheduler"}, {{"QUEUE_PREFIX", prefix},
                                          {"SCHEDULER_PORT", std::to_string(port)},
                                          {"SCHEDULER_CRON", "* * * * * *"},
                                          {"SCHEDULER_LEASE_MS", std::to_string(kLease.count())},
                                          {"QUEUE_SAMPLE_INTERVAL_MS", "1000"},
                                          {"REDIS_URL", SharedServices::get().redis_url()},
                                          {"DATABASE_URL", database_url}}) {}
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port) + path;
  }
  std::optional<boost::json::object> health() const {
    auto r = http_get(url("/health"), 2s);
    if (r.status != 200) return std::nullopt;
    return boost::json::parse(r.body).as_object();
  }
  bool leads() const {
    auto h = health();
    return h && h->at("role").as_string() == "leader";
  }
};

}  // namespace

TEST(SchedulerProcess, OneLeaderQueuesDueKeywordsAndAFollowerTakesOverWhenItIsKilled) {
  auto& services = SharedServices::get();
  const auto prefix = services.unique_prefix();
  const auto database_url = services.fresh_database_url();
  ASSERT_TRUE(run_crawler({"migrate"}, {{"DATABASE_URL", database_url}}).status.success());
  store::postgres::PostgresStore store(std::make_shared<store::postgres::Pool>(
      store::postgres::PoolOptions{.url = database_url, .size = 1}));
  auto add = [&](const std::string& keyword) {
    return store.add_keyword(store::NewKeyword{keyword, "example.com", {}, std::nullopt}).id;
  };
  for (const char* k : {"a", "b", "c", "d", "e"}) add(k);
  queue::bull::BullOptions qo;
  qo.redis_url = services.redis_url();
  qo.prefix = prefix;
  auto queue = queue::bull::open_bull_queue(qo);

  auto first = std::make_unique<Scheduler>(prefix, database_url);
  ASSERT_TRUE(poll_until([&] { return first->leads(); }, 30s)) << first->process.log();
  Scheduler second(prefix, database_url);
  ASSERT_TRUE(poll_until([&] { return second.health().has_value(); }, 30s)) << second.process.log();
  EXPECT_FALSE(second.leads());

  ASSERT_TRUE(poll_until([&] { return queue->get_job_counts().waiting == 5; }, 10s));
  auto h = *first->health();
  ASSERT_TRUE(h.at("lastTick").is_object()) << boost::json::serialize(h);
  ASSERT_TRUE(poll_until(
      [&] {
        auto metrics = http_get(first->url("/metrics")).body;
        return metrics.find("crawling_jobs_scheduled_total 5") != std::string::npos &&
               metrics.find("crawling_queue_jobs{status=\"waiting\"} 5") != std::string::npos;
      },
      10s))
      << http_get(first->url("/metrics")).body;

  first->process.process.send_signal(SIGKILL);
  const auto killed = std::chrono::steady_clock::now();
  ASSERT_TRUE(poll_until([&] { return second.leads(); }, 10s)) << second.process.log();
  // Within the lease, plus one renew period (lease / 3) and polling slack.
  EXPECT_LT(std::chrono::steady_clock::now() - killed, kLease + kLease / 3 + 700ms);

  add("f");
  ASSERT_TRUE(poll_until([&] { return queue->get_job_counts().waiting == 6; }, 10s));
  std::this_thread::sleep_for(2s);  // more ticks: nothing is queued twice
  EXPECT_EQ(queue->get_job_counts().waiting, 6);
  first.reset();
}
