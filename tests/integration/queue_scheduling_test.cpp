// The queue operations the scheduler and a draining worker rely on, against a real Redis:
//   - add_bulk_unless_pending in every state a job can be in (and stuck), and racing
//     producers adding each id exactly once;
//   - RetryLater: a retry waits at least the delay the handler was asked for;
//   - stop() past its deadline hands unfinished jobs back to wait, untouched.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "queue/bull/bull_queue.h"
#include "queue/job_options.h"
#include "redis/connection.h"
#include "redis/url.h"
#include "support/poll.h"
#include "support/services.h"

namespace crawler::queue {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;
using Outcome = Queue::AddOutcome;

class QueueSchedulingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& services = crawler::testing::SharedServices::get();
    options_.redis_url = services.redis_url();
    options_.prefix = services.unique_prefix();
    options_.name = "crawl-jobs";
    queue_ = bull::open_bull_queue(options_);
  }

  std::unique_ptr<Queue> open() { return bull::open_bull_queue(options_); }

  static NewJob job(const std::string& id, int priority = 100, std::string data = "{}") {
    NewJob j;
    j.data = std::move(data);
    j.opts = crawler_default_job_options();
    j.opts.job_id = id;
    j.opts.priority = priority;
    return j;
  }

  redis::Reply redis_command(const std::vector<std::string>& cmd) {
    return redis::Connection::connect(redis::parse_url(options_.redis_url))->command(cmd);
  }
  std::string key(const std::string& suffix) const {
    return options_.prefix + ":" + options_.name + ":" + suffix;
  }

  bull::BullOptions options_;
  std::unique_ptr<Queue> queue_;
};

// One worker that holds every job it takes until released, so jobs stay active.
struct HeldWorker {
  std::atomic<bool> release{false};
  std::atomic<int> running{0};
  std::unique_ptr<Worker> worker;

  HeldWorker(Queue& q, int concurrency) {
    WorkerOptions w;
    w.concurrency = concurrency;
    w.drain_block = 100ms;
    worker = q.make_worker(w, [this](JobContext& ctx) -> std::string {
      ++running;
      while (!release && !ctx.cancelled()) std::this_thread::sleep_for(5ms);
      --running;
      return "{}";
    });
    worker->start();
  }
  ~HeldWorker() {
    release = true;
    worker->stop(5s);
  }
};

TEST_F(QueueSchedulingTest, EveryStateIsSkippedOrReplacedAsTheSchedulerNeeds) {
  // Job ids must not collide with the queue's own key names (wait, active, completed, ...):
  // Bull derives both from the same base.
  // done / broken: run them through a worker (one attempt: the failure is final).
  auto failing = job("broken", 100, R"({"fail":true})");
  failing.opts.attempts = 1;
  queue_->add_bulk({job("done"), failing});
  {
    WorkerOptions w;
    w.drain_block = 100ms;
    auto worker = queue_->make_worker(w, [](JobContext& ctx) -> std::string {
      if (ctx.job().data.find("fail") != std::string::npos) throw std::runtime_error("boom");
      return "{}";
    });
    worker->start();
    ASSERT_TRUE(poll_until(
        [&] {
          return queue_->get_state("done") == JobState::completed &&
                 queue_->get_state("broken") == JobState::failed;
        },
        10s));
    worker->stop(5s);
  }

  // active (locked by a running handler)
  queue_->add(job("running"));
  HeldWorker held(*queue_, 1);
  ASSERT_TRUE(poll_until([&] { return held.running == 1; }, 10s));
  ASSERT_EQ(queue_->get_state("running"), JobState::active);

  // waiting with priority, waiting FIFO (priority 0), delayed
  queue_->add(job("queued"));
  queue_->add(job("fifo", 0));
  auto delayed = job("later");
  delayed.opts.delay = 60s;
  queue_->add(delayed);
  // claimed: in active without a lock (BRPOPLPUSH done, lock not written yet)
  queue_->add(job("claimed", 0));
  redis_command({"LREM", key("wait"), "0", "claimed"});
  redis_command({"LPUSH", key("active"), "claimed"});
  // stuck: a hash in no list or set
  redis_command({"HSET", key("stuck"), "data", "{}", "opts", "{}", "timestamp", "1"});
  ASSERT_EQ(queue_->get_state("stuck"), JobState::stuck);
  ASSERT_EQ(queue_->get_state("claimed"), JobState::active);

  const std::vector<std::string> ids = {"done",  "broken",  "running", "queued", "fifo",
                                        "later", "claimed", "stuck",   "new"};
  std::vector<NewJob> batch;
  for (const auto& id : ids) batch.push_back(job(id, 100, R"({"v":2})"));
  auto outcomes = queue_->add_bulk_unless_pending(batch);
  ASSERT_EQ(outcomes.size(), ids.size());
  std::map<std::string, Outcome> got;
  for (std::size_t i = 0; i < ids.size(); ++i) got[ids[i]] = outcomes[i];

  EXPECT_EQ(got["done"], Outcome::replaced);
  EXPECT_EQ(got["broken"], Outcome::replaced);
  EXPECT_EQ(got["stuck"], Outcome::replaced);
  EXPECT_EQ(got["new"], Outcome::added);
  for (const char* pending : {"running", "queued", "fifo", "later", "claimed"})
    EXPECT_EQ(got[pending], Outcome::skipped) << pending;

  // Replaced and added jobs wait with the new data; finished sets no longer hold them.
  for (const char* id : {"done", "broken", "stuck", "new"}) {
    EXPECT_EQ(queue_->get_state(id), JobState::waiting) << id;
    auto stored = queue_->get_job(id);
    ASSERT_TRUE(stored) << id;
    EXPECT_EQ(stored->data, R"({"v":2})") << id;
    EXPECT_EQ(stored->priority, 100) << id;
    EXPECT_EQ(stored->attempts_made, 0) << id;
  }
  // Skipped jobs keep their data.
  EXPECT_EQ(queue_->get_job("queued")->data, "{}");
  EXPECT_EQ(queue_->get_state("later"), JobState::delayed);
  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts.completed, 0);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(counts.waiting, 6);  // queued, fifo, done, broken, stuck, new
  EXPECT_EQ(counts.active, 2);   // running, claimed
}

TEST_F(QueueSchedulingTest, PausedJobsAreSkippedAndNewOnesWaitInPaused) {
  queue_->pause();
  queue_->add(job("a"));
  auto outcomes = queue_->add_bulk_unless_pending({job("a"), job("b")});
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::skipped, Outcome::added}));
  EXPECT_EQ(queue_->get_state("b"), JobState::paused);
  EXPECT_EQ(queue_->get_job_counts().paused, 2);
}

TEST_F(QueueSchedulingTest, PriorityOrderIsBullsForSchedulerJobs) {
  // A manual job (priority 1) added after scheduled ones (100) is taken first.
  std::vector<NewJob> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(job("s" + std::to_string(i)));
  queue_->add_bulk_unless_pending(batch);
  queue_->add_bulk_unless_pending({job("manual", 1)});
  std::vector<std::string> order;
  std::mutex m;
  WorkerOptions w;
  w.drain_block = 100ms;
  w.fetch_batch = 1;
  auto worker = queue_->make_worker(w, [&](JobContext& ctx) -> std::string {
    std::lock_guard lock(m);
    order.push_back(ctx.job().id);
    return "{}";
  });
  worker->start();
  ASSERT_TRUE(poll_until([&] { return queue_->get_job_counts().completed == 6; }, 10s));
  worker->stop(5s);
  ASSERT_EQ(order.size(), 6u);
  EXPECT_EQ(order.front(), "manual");
  EXPECT_EQ(std::vector<std::string>(order.begin() + 1, order.end()),
            (std::vector<std::string>{"s0", "s1", "s2", "s3", "s4"}));
}

TEST_F(QueueSchedulingTest, RacingProducersAddEachIdExactlyOnce) {
  constexpr int kIds = 3000;
  std::vector<NewJob> batch;
  for (int i = 0; i < kIds; ++i) batch.push_back(job(std::to_string(i + 1)));
  std::atomic<int> added{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&] {
      auto q = open();
      for (auto o : q->add_bulk_unless_pending(batch))
        if (o != Outcome::skipped) ++added;
    });
  for (auto& t : producers) t.join();
  EXPECT_EQ(added.load(), kIds);
  EXPECT_EQ(queue_->get_job_counts().waiting, kIds);
  auto listed = redis_command({"LLEN", key("wait")});
  EXPECT_EQ(listed.integer(), kIds);  // no id twice in the list
}

TEST_F(QueueSchedulingTest, JobsWithoutCustomIdsAreRefused) {
  NewJob plain;
  EXPECT_THROW(queue_->add_bulk_unless_pending({plain}), std::invalid_argument);
}

TEST_F(QueueSchedulingTest, RetryLaterWaitsAtLeastTheDelayAsked) {
  auto j = job("throttled", 0);
  j.opts.attempts = 2;
  j.opts.backoff = Backoff{Backoff::Type::fixed, 100ms};
  queue_->add(j);
  std::mutex m;
  std::vector<std::chrono::steady_clock::time_point> tries;
  WorkerOptions w;
  w.drain_block = 100ms;
  w.delayed_guard_interval = 100ms;
  auto worker = queue_->make_worker(w, [&](JobContext&) -> std::string {
    std::lock_guard lock(m);
    tries.push_back(std::chrono::steady_clock::now());
    if (tries.size() == 1) throw RetryLater("HTTP 429", 2s);
    return "{}";
  });
  worker->start();
  ASSERT_TRUE(
      poll_until([&] { return queue_->get_state("throttled") == JobState::completed; }, 20s));
  worker->stop(5s);
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_GE(tries[1] - tries[0], 2s);  // not the job's own 100 ms backoff
  EXPECT_EQ(queue_->get_job("throttled")->failed_reason, "HTTP 429");
}

TEST_F(QueueSchedulingTest, StopPastTheDeadlineHandsUnfinishedJobsBack) {
  queue_->add_bulk({job("slow-1", 0), job("slow-2", 0), job("later", 0)});
  std::atomic<int> running{0};
  WorkerOptions w;
  w.concurrency = 2;
  w.drain_block = 100ms;
  w.fetch_batch = 1;
  auto worker = queue_->make_worker(w, [&](JobContext& ctx) -> std::string {
    ++running;
    while (!ctx.cancelled()) std::this_thread::sleep_for(5ms);
    throw std::runtime_error("cancelled");
  });
  worker->start();
  ASSERT_TRUE(poll_until([&] { return running == 2; }, 10s));
  EXPECT_TRUE(worker->stop(300ms));  // nothing finishes: both are handed back
  EXPECT_EQ(worker->stats().handed_back, 2);
  EXPECT_EQ(worker->stats().failed, 0);

  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts.active, 0);
  EXPECT_EQ(counts.waiting, 3);
  for (const char* id : {"slow-1", "slow-2"}) {
    auto stored = queue_->get_job(id);
    ASSERT_TRUE(stored);
    EXPECT_EQ(stored->attempts_made, 0) << id;  // the try does not count
    EXPECT_EQ(redis_command({"EXISTS", key(std::string(id) + ":lock")}).integer(), 0);
  }
  // Handed-back jobs are at the head of the line, ahead of the one never taken.
  auto next = redis_command({"LINDEX", key("wait"), "-1"});
  EXPECT_NE(next.str(), "later");
  EXPECT_EQ(redis_command({"SCARD", key("stalled")}).integer(), 0);
}

}  // namespace
}  // namespace crawler::queue
