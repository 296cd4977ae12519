// Redis restarted under a running worker: the worker process survives, reconnects with
// backoff and goes on; every job (those added before and after the restart) completes.
// The server keeps its data across the restart (append-only file, fsync always), as a
// production Redis with persistence or a failover to a replica does.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "core/log.h"
#include "queue/bull/bull_queue.h"
#include "queue/testing/peer_support.h"
#include "redis/connection.h"
#include "redis/url.h"
#include "support/poll.h"
#include "support/redis_server.h"

namespace crawler::queue::testing {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;

// Port 1 on localhost: nothing listens, every connect is refused at once.
std::shared_ptr<Queue> unreachable_queue() {
  bull::BullOptions o;
  o.redis_url = "redis://127.0.0.1:1";
  o.prefix = "restart-test";
  return bull::open_bull_queue(o);
}

WorkerOptions quick_retries() {
  WorkerOptions w;
  w.reconnect_min = 10ms;
  w.reconnect_max = 50ms;
  return w;
}

TEST(QueueRestartTest, AWorkerSaysRedisIsUnavailableInItsLogSinkWithFields) {
  std::mutex mutex;
  std::vector<std::string> lines;  // as the process's JSON logger renders them
  WorkerOptions w = quick_retries();
  w.log = [&](log::Level level, std::string_view message, log::Fields fields) {
    std::lock_guard lock(mutex);
    lines.push_back(log::render(log::Format::json, "2026-01-01T00:00:00.000Z", level, "worker",
                                message, fields));
  };
  auto queue = unreachable_queue();
  auto worker = queue->make_worker(w, [](JobContext&) { return std::string("{}"); });
  worker->start();
  ASSERT_TRUE(poll_until(
      [&] {
        std::lock_guard lock(mutex);
        return lines.size() >= 2;
      },
      10s));
  worker->stop(100ms);
  EXPECT_GE(worker->stats().reconnects, 2);

  std::lock_guard lock(mutex);
  const auto line = boost::json::parse(lines.at(1)).as_object();
  EXPECT_EQ(line.at("level"), "warn");
  EXPECT_EQ(line.at("role"), "worker");
  EXPECT_EQ(line.at("msg"), "Redis unavailable; retrying");
  EXPECT_EQ(line.at("queue"), "crawl-jobs");
  EXPECT_EQ(line.at("attempt"), 2);
  EXPECT_GE(line.at("retry_in_ms").as_int64(), 1);
  EXPECT_LE(line.at("retry_in_ms").as_int64(), 50);
  EXPECT_NE(std::string(line.at("error").as_string()).find("127.0.0.1:1"), std::string::npos)
      << lines.at(1);
}

TEST(QueueRestartTest, WithoutASinkTheLinesGoToTheProcesssJsonLog) {
  auto queue = unreachable_queue();
  auto worker = queue->make_worker(quick_retries(), [](JobContext&) { return std::string("{}"); });
  ::testing::internal::CaptureStdout();
  worker->start();
  std::this_thread::sleep_for(300ms);
  worker->stop(100ms);
  const std::string out = ::testing::internal::GetCapturedStdout();
  const auto first = out.substr(0, out.find('\n'));
  ASSERT_FALSE(first.empty()) << "nothing logged";
  const auto line = boost::json::parse(first).as_object();
  EXPECT_EQ(line.at("role"), "queue");
  EXPECT_EQ(line.at("msg"), "Redis unavailable; retrying");
  EXPECT_TRUE(line.contains("retry_in_ms")) << first;
}

TEST(QueueRestartTest, WorkerRidesOutARedisRestart) {
  crawler::testing::RedisServer::Options so;
  so.persistence = true;
  crawler::testing::RedisServer server(so);
  server.start();

  bull::BullOptions o;
  o.redis_url = server.url();
  o.connection.connect_timeout = 1s;
  o.connection.io_timeout = 2s;
  auto queue = bull::open_bull_queue(o);
  std::vector<NewJob> first;
  for (int i = 0; i < 40; ++i) {
    NewJob j;
    j.data = "{\"n\":" + std::to_string(i) + "}";
    j.opts.job_id = "early-" + std::to_string(i);
    first.push_back(j);
  }
  queue->add_bulk(first);

  CallLog log;
  WorkerOptions w;
  w.concurrency = 2;
  w.lock_duration = 2000ms;
  w.lock_renew_time = 1000ms;
  w.stalled_interval = 1000ms;
  w.drain_block = 200ms;
  w.reconnect_max = 500ms;
  auto worker = queue->make_worker(w, [&](JobContext& ctx) -> std::string {
    log.add({ctx.job().id, ctx.job().data, ctx.job().attempts_made, epoch_ms()});
    std::this_thread::sleep_for(20ms);
    return "{}";
  });
  worker->start();
  ASSERT_TRUE(poll_until([&] { return log.calls().size() >= 10; }, 20s));

  server.restart();

  // Adds with custom ids are retried once by the queue after a dead connection.
  std::vector<NewJob> later;
  for (int i = 0; i < 20; ++i) {
    NewJob j;
    j.data = "{\"n\":" + std::to_string(100 + i) + "}";
    j.opts.job_id = "late-" + std::to_string(i);
    later.push_back(j);
  }
  ASSERT_TRUE(poll_until(
      [&] {
        try {
          queue->add_bulk(later);
          return true;
        } catch (const BackendUnavailable&) {
          return false;
        }
      },
      20s));

  ASSERT_TRUE(poll_until([&] { return queue->get_job_counts().completed == 60; }, 60s))
      << describe(queue->get_job_counts());
  EXPECT_TRUE(worker->stop(5s));
  EXPECT_GE(worker->stats().reconnects, 1);
  std::set<std::string> ids;
  for (const auto& c : log.calls()) ids.insert(c.id);
  EXPECT_EQ(ids.size(), 60u) << "every job ran";
  EXPECT_EQ(queue->get_job_counts(), (JobCounts{0, 0, 60, 0, 0, 0}));
}

TEST(QueueRestartTest, AFullRedisRefusesJobsAsUnavailableNotAsABug) {
  crawler::testing::RedisServer server;
  server.start();
  auto admin = redis::Connection::connect(redis::parse_url(server.url()));
  admin->command({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
  bull::BullOptions o;
  o.redis_url = server.url();
  auto queue = bull::open_bull_queue(o);
  queue->add("{}");  // loads the scripts while there is room
  const auto used = admin->command({"INFO", "memory"}).str();
  const auto at = used.find("used_memory:");
  const auto bytes = std::stoll(used.substr(at + 12));
  admin->command({"CONFIG", "SET", "maxmemory", std::to_string(bytes + 256 * 1024)});
  const std::string big = "{\"pad\":\"" + std::string(64 * 1024, 'x') + "\"}";
  std::vector<NewJob> jobs(8, NewJob{"__default__", big, {}});
  try {
    for (int i = 0; i < 100; ++i) queue->add_bulk(jobs);
    FAIL() << "maxmemory was never reached";
  } catch (const BackendUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("out of memory"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace crawler::queue::testing
