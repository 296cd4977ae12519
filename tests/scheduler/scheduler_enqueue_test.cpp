// enqueue_due_keywords against a real PostgreSQL and Redis: due keywords become crawl jobs
// (id = keyword id, priority 100, the job data every producer writes), pending jobs are
// skipped, finished ones replaced, and two schedulers racing queue each keyword once.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <thread>

#include "queue/bull/bull_queue.h"
#include "scheduler/enqueue_due.h"
#include "store/postgres/migrate.h"
#include "store/postgres/postgres_store.h"
#include "support/poll.h"
#include "support/services.h"

namespace crawler::scheduler {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;
using crawler::testing::SharedServices;

store::Timestamp now() {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

class EnqueueDueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = SharedServices::get();
    database_url_ = services.fresh_database_url();
    auto conn = store::postgres::Connection::connect(database_url_, 10s);
    store::postgres::migrate(*conn, store::postgres::builtin_migrations());
    queue_options_.redis_url = services.redis_url();
    queue_options_.prefix = services.unique_prefix();
    store_ = open_store();
    queue_ = queue::bull::open_bull_queue(queue_options_);
  }

  std::unique_ptr<store::Store> open_store() {
    return std::make_unique<store::postgres::PostgresStore>(std::make_shared<store::postgres::Pool>(
        store::postgres::PoolOptions{.url = database_url_, .size = 2}));
  }

  std::int64_t add_keyword(const std::string& keyword, std::optional<int> target_rank = {}) {
    store::NewKeyword k;
    k.keyword = keyword;
    k.url = "example.com/" + keyword;
    k.target_rank = target_rank;
    return store_->add_keyword(k).id;
  }

  void mark_checked(std::int64_t id, store::Timestamp at) {
    store::RankingWrite w;
    w.keyword_id = id;
    w.rank = 3;
    w.checked_at = at;
    w.job_id = "seed-" + std::to_string(id);
    w.job_created_at = at;
    w.job_attempt = 1;
    w.measured.crawling_method = "http";
    store_->record_ranking(w);
  }

  std::string database_url_;
  queue::bull::BullOptions queue_options_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<queue::Queue> queue_;
};

TEST_F(EnqueueDueTest, DueKeywordsBecomeJobsOnceWithTheContractData) {
  auto never = add_keyword("never", 5);
  auto stale = add_keyword("stale");
  auto fresh = add_keyword("fresh");
  auto korean = add_keyword("강남 맛집");
  mark_checked(stale, now() - 10min);
  mark_checked(fresh, now() - 10s);

  const EnqueueOptions options{.interval = 60s, .batch = 2};
  auto report = enqueue_due_keywords(*store_, *queue_, now(), options);
  EXPECT_EQ(report.due, 3);
  EXPECT_EQ(report.added, 3);
  EXPECT_EQ(report.skipped, 0);
  EXPECT_FALSE(queue_->get_job(std::to_string(fresh)).has_value());

  auto job = queue_->get_job(std::to_string(never));
  ASSERT_TRUE(job);
  EXPECT_EQ(job->priority, 100);
  EXPECT_EQ(job->opts.attempts, 3);
  auto data = boost::json::parse(job->data).as_object();
  EXPECT_EQ(data.at("keywordId").as_int64(), never);
  EXPECT_EQ(data.at("keyword").as_string(), "never");
  EXPECT_EQ(data.at("targetUrl").as_string(), "example.com/never");
  EXPECT_EQ(data.at("targetRank").as_int64(), 5);
  EXPECT_EQ(
      boost::json::parse(queue_->get_job(std::to_string(korean))->data).at("keyword").as_string(),
      "강남 맛집");
  EXPECT_TRUE(
      boost::json::parse(queue_->get_job(std::to_string(stale))->data).at("targetRank").is_null());

  // The next tick: every job is still waiting, so nothing is queued again.
  report = enqueue_due_keywords(*store_, *queue_, now(), options);
  EXPECT_EQ(report.due, 3);
  EXPECT_EQ(report.enqueued(), 0);
  EXPECT_EQ(report.skipped, 3);
  EXPECT_EQ(queue_->get_job_counts().waiting, 3);
}

TEST_F(EnqueueDueTest, FinishedJobsAreReplacedAndPendingOnesKept) {
  auto done = add_keyword("done");
  auto waiting = add_keyword("waiting");
  enqueue_due_keywords(*store_, *queue_, now(), {});
  // Finish the job of `done` through a worker; `waiting` is removed meanwhile so the worker
  // cannot take it, then queued again by the next tick.
  queue_->remove(std::to_string(waiting));
  {
    queue::WorkerOptions w;
    w.drain_block = 100ms;
    auto worker = queue_->make_worker(w, [](queue::JobContext&) -> std::string { return "{}"; });
    worker->start();
    ASSERT_TRUE(poll_until(
        [&] { return queue_->get_state(std::to_string(done)) == queue::JobState::completed; },
        10s));
    worker->stop(5s);
  }
  auto report = enqueue_due_keywords(*store_, *queue_, now(), {});
  EXPECT_EQ(report.replaced, 1);  // done: completed → queued again
  EXPECT_EQ(report.added, 1);     // waiting: its job was gone
  EXPECT_EQ(queue_->get_state(std::to_string(done)), queue::JobState::waiting);
  report = enqueue_due_keywords(*store_, *queue_, now(), {});
  EXPECT_EQ(report.skipped, 2);  // both pending now
  EXPECT_EQ(report.enqueued(), 0);
}

TEST_F(EnqueueDueTest, TwoSchedulersRacingQueueEachKeywordExactlyOnce) {
  constexpr int kKeywords = 2000;
  for (int i = 0; i < kKeywords; ++i) add_keyword("k" + std::to_string(i));
  std::atomic<std::int64_t> enqueued{0};
  std::vector<std::thread> schedulers;
  for (int r = 0; r < 2; ++r)
    schedulers.emplace_back([&] {
      auto store = open_store();
      auto queue = queue::bull::open_bull_queue(queue_options_);
      for (int tick = 0; tick < 3; ++tick)
        enqueued += enqueue_due_keywords(*store, *queue, now(), {.batch = 300}).enqueued();
    });
  for (auto& t : schedulers) t.join();
  EXPECT_EQ(enqueued.load(), kKeywords);
  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts.waiting, kKeywords);
}

}  // namespace
}  // namespace crawler::scheduler
