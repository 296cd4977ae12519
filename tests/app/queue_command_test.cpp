// `crawler queue ...` (the runbook's admin commands) against a real Redis: stats, failed jobs
// listed and retried, finished jobs cleaned by age, pause and resume, and usage errors.
#include <gtest/gtest.h>

#include "queue/bull/bull_queue.h"
#include "support/crawler_process.h"
#include "support/finish_jobs.h"
#include "support/poll.h"
#include "support/services.h"

using namespace crawler;
using namespace crawler::testing;
using namespace std::chrono_literals;

TEST(QueueCommand, StatsFailedRetryCleanPauseResume) {
  auto& services = SharedServices::get();
  const auto prefix = services.unique_prefix();
  queue::bull::BullOptions qo;
  qo.redis_url = services.redis_url();
  qo.prefix = prefix;
  auto q = queue::bull::open_bull_queue(qo);
  for (int i = 0; i < 3; ++i) {
    queue::JobOptions o;
    o.attempts = 1;
    q->add(i < 2 ? R"({"fail":true})" : "{}", o);
  }
  ASSERT_TRUE(queue::testing::finish_jobs(
      *q, [](const queue::JobCounts& n) { return n.failed == 2 && n.completed == 1; }));
  const std::map<std::string, std::string> env{{"REDIS_URL", services.redis_url()},
                                               {"QUEUE_PREFIX", prefix}};
  auto stats = run_crawler({"queue", "stats"}, env);
  ASSERT_TRUE(stats.status.success()) << stats.output;
  EXPECT_NE(stats.output.find("failed 2"), std::string::npos) << stats.output;
  EXPECT_NE(stats.output.find("completed 1"), std::string::npos) << stats.output;

  auto failed = run_crawler({"queue", "failed", "--limit", "5"}, env);
  ASSERT_TRUE(failed.status.success()) << failed.output;
  EXPECT_NE(failed.output.find("HTTP 500 from the search page"), std::string::npos)
      << failed.output;

  auto retried = run_crawler({"queue", "retry-failed"}, env);
  ASSERT_TRUE(retried.status.success()) << retried.output;
  EXPECT_NE(retried.output.find("2 failed job(s) moved back"), std::string::npos) << retried.output;
  EXPECT_EQ(q->get_job_counts().waiting, 2);

  auto cleaned = run_crawler({"queue", "clean", "--state", "completed", "--older-than", "0s"}, env);
  ASSERT_TRUE(cleaned.status.success()) << cleaned.output;
  EXPECT_EQ(q->get_job_counts().completed, 0);

  ASSERT_TRUE(run_crawler({"queue", "pause"}, env).status.success());
  EXPECT_TRUE(q->is_paused());
  EXPECT_NE(run_crawler({"queue", "stats"}, env).output.find("PAUSED"), std::string::npos);
  ASSERT_TRUE(run_crawler({"queue", "resume"}, env).status.success());
  EXPECT_FALSE(q->is_paused());

  EXPECT_EQ(run_crawler({"queue", "clean", "--older-than", "1h"}, env).status.exit_code(), 2);
  EXPECT_EQ(run_crawler({"queue", "clean", "--state", "failed", "--older-than", "soon"}, env)
                .status.exit_code(),
            2);
  EXPECT_EQ(run_crawler({"queue", "explode"}, env).status.exit_code(), 2);
}
