// The queue over TLS with an ACL user, as on ElastiCache with in-transit encryption:
// rediss://user:password@host with the harness's throwaway CA. Producer, worker and the
// event stream each open their own TLS connections.
#include <gtest/gtest.h>

#include "queue/bull/bull_queue.h"
#include "queue/testing/peer_support.h"
#include "support/poll.h"
#include "support/redis_server.h"

namespace crawler::queue::testing {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;

TEST(QueueTlsTest, QueueOverRedissWithAclUser) {
  crawler::testing::RedisServer::Options so;
  so.tls = true;
  so.acl_user = crawler::testing::RedisAclUser{"crawler", "s3cret:/@pw"};
  crawler::testing::RedisServer server(so);
  server.start();

  bull::BullOptions o;
  o.redis_url = server.authenticated_url();
  ASSERT_EQ(o.redis_url.rfind("rediss://", 0), 0u);
  o.connection.tls_ca_file = server.ca_file().string();
  o.prefix = "{bull}";
  auto queue = bull::open_bull_queue(o);
  auto events = queue->events();
  for (int i = 0; i < 5; ++i)
    queue->add("{\"n\":" + std::to_string(i) + "}", JobOptions{.attempts = 3});
  EXPECT_EQ(queue->get_job_counts(), (JobCounts{5, 0, 0, 0, 0, 0}));

  WorkerOptions w;
  w.drain_block = 200ms;
  auto worker = queue->make_worker(w, [](JobContext& ctx) -> std::string {
    ctx.progress(100);
    return ctx.job().data;
  });
  worker->start();
  ASSERT_TRUE(poll_until([&] { return queue->get_job_counts().completed == 5; }, 20s))
      << describe(queue->get_job_counts());
  EXPECT_TRUE(worker->stop(5s));
  int completed = 0;
  for (int i = 0; i < 20 && completed < 5; ++i) {
    if (auto e = events->next(500ms); e && e->kind == QueueEvent::Kind::completed) ++completed;
  }
  EXPECT_EQ(completed, 5);
  const auto job = queue->get_job("1");
  ASSERT_TRUE(job.has_value());
  EXPECT_EQ(job->return_value, "{\"n\":0}");
}

}  // namespace
}  // namespace crawler::queue::testing
