// Contract: what every queue backend does (queue/queue.h). See queue_contract.h.
#include "queue_contract.h"

#include <gtest/gtest.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "support/finish_jobs.h"
#include "support/poll.h"
#include "support/subprocess.h"
#include "support/temp_dir.h"

namespace crawler::queue::testing {
namespace {

using namespace std::chrono_literals;
using crawler::testing::poll_until;
using Outcome = Queue::AddOutcome;
using Clock = std::chrono::steady_clock;

// Runs a worker until `done` holds (or 20 s pass), then stops it.
template <typename Done>
bool run_until(Queue& q, const WorkerOptions& w, Handler handler, Done done) {
  auto worker = q.make_worker(w, std::move(handler));
  worker->start();
  bool ok = poll_until(done, 20s);
  worker->stop(5s);
  return ok;
}

// When each try of a handler started.
class Tries {
 public:
  // Records a try; returns its number (the first is 1).
  std::size_t record() {
    std::lock_guard lock(mutex_);
    at_.push_back(Clock::now());
    return at_.size();
  }
  std::vector<Clock::time_point> at() const {
    std::lock_guard lock(mutex_);
    return at_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Clock::time_point> at_;
};

// Runs the queue's jobs one at a time until `n` completed; the ids in the order they started
// (empty when they did not all complete in time).
std::vector<std::string> run_one_at_a_time(Queue& q, std::int64_t n) {
  StartOrder order;
  WorkerOptions w;
  w.drain_block = std::chrono::milliseconds(100);
  w.fetch_batch = 1;
  bool done = run_until(
      q, w,
      [&](JobContext& ctx) {
        order.add(ctx.job().id);
        return std::string("{}");
      },
      [&] { return q.get_job_counts().completed == n; });
  return done ? order.ids() : std::vector<std::string>{};
}

// In a fresh queue: job "done" completed and job "broken" failed for good, with these data
// ("fail" in the second).
bool finish_done_and_broken(Queue& q, const std::string& done_data,
                            const std::string& broken_data) {
  auto broken = job_with_id("broken", 100, broken_data);
  broken.opts.attempts = 1;
  q.add_bulk({job_with_id("done", 100, done_data), broken});
  return finish_jobs(q, [](const JobCounts& c) { return c.completed == 1 && c.failed == 1; });
}

// Runs the queue's jobs on `concurrency` slots until `n` completed; how often each job ran
// (empty when they did not all complete in time).
std::map<std::string, int> runs_per_job(Queue& q, int concurrency, std::int64_t n) {
  std::mutex m;
  std::map<std::string, int> runs;
  WorkerOptions w;
  w.concurrency = concurrency;
  w.drain_block = std::chrono::milliseconds(100);
  bool done = run_until(
      q, w,
      [&](JobContext& ctx) {
        std::this_thread::sleep_for(1ms);
        std::lock_guard lock(m);
        ++runs[ctx.job().id];
        return std::string("{}");
      },
      [&] { return q.get_job_counts().completed == n; });
  return done ? runs : std::map<std::string, int>{};
}

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

TEST_P(QueueContract, AddStoresTheJobAsGiven) {
  NewJob j;
  j.name = "crawl";
  j.data = R"({"keywordId":7,"keyword":"운동화"})";
  j.opts = retrying_options();
  j.opts.job_id = "kw-7";
  j.opts.priority = 5;
  const auto before = epoch_ms();
  EXPECT_EQ(queue_->add(j), "kw-7");
  auto stored = queue_->get_job("kw-7");
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->id, "kw-7");
  EXPECT_EQ(stored->name, "crawl");
  EXPECT_EQ(stored->data, j.data);
  EXPECT_EQ(stored->priority, 5);
  EXPECT_EQ(stored->opts.attempts, 3);
  EXPECT_EQ(stored->opts.backoff, j.opts.backoff);
  EXPECT_EQ(stored->attempts_made, 0);
  EXPECT_EQ(stored->progress, "0");
  EXPECT_GE(stored->timestamp, before);
  EXPECT_LE(stored->timestamp, epoch_ms());
  EXPECT_EQ(queue_->get_state("kw-7"), JobState::waiting);
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{1, 0, 0, 0, 0, 0}));
  EXPECT_EQ(queue_->get_job("nope"), std::nullopt);
  EXPECT_EQ(queue_->get_state("nope"), std::nullopt);
}

TEST_P(QueueContract, AutoIdsAreDistinctAndCustomIdsAddNothingTwice) {
  auto a = queue_->add("{}");
  auto b = queue_->add("{}");
  EXPECT_NE(a, b);
  EXPECT_EQ(queue_->add(job("k")), "k");
  EXPECT_EQ(queue_->add(job("k", 1, R"({"second":true})")), "k");
  EXPECT_EQ(queue_->get_job("k")->data, "{}");
  auto ids = queue_->add_bulk({job("m"), job("k"), job("n")});
  EXPECT_EQ(ids, (std::vector<std::string>{"m", "k", "n"}));
  EXPECT_EQ(queue_->get_job_counts().waiting, 5);
}

TEST_P(QueueContract, LifoFirstThenPriorityThenFifo) {
  queue_->add(job("a", 0));
  queue_->add(job("b", 0));
  queue_->add(job("p5", 5));
  queue_->add(job("p1", 1));
  queue_->add(job("p5b", 5));
  auto lifo = job("L", 0);
  lifo.opts.lifo = true;
  queue_->add(lifo);
  // The line as get_jobs shows it, next first.
  std::vector<std::string> line;
  for (const auto& j : queue_->get_jobs({JobState::waiting}, 0, -1, true)) line.push_back(j.id);
  const std::vector<std::string> expected = {"L", "p1", "p5", "p5b", "a", "b"};
  EXPECT_EQ(line, expected);
  EXPECT_EQ(run_one_at_a_time(*queue_, 6), expected);
}

TEST_P(QueueContract, GetJobsTakesRangesLikeBull) {
  for (const char* id : {"1st", "2nd", "3rd", "4th"}) queue_->add(job(id, 0));
  auto ids = [](const std::vector<Job>& jobs) {
    std::vector<std::string> out;
    for (const auto& j : jobs) out.push_back(j.id);
    return out;
  };
  EXPECT_EQ(ids(queue_->get_jobs({JobState::waiting}, 0, 1, true)),
            (std::vector<std::string>{"1st", "2nd"}));
  EXPECT_EQ(ids(queue_->get_jobs({JobState::waiting}, 0, 0, false)),
            (std::vector<std::string>{"4th"}));
  EXPECT_EQ(ids(queue_->get_jobs({JobState::waiting}, -2, -1, true)),
            (std::vector<std::string>{"3rd", "4th"}));
  EXPECT_TRUE(queue_->get_jobs({JobState::waiting}, 10, 20, true).empty());
  EXPECT_TRUE(queue_->get_jobs({JobState::failed, JobState::delayed}, 0, -1, true).empty());
}

TEST_P(QueueContract, DelayedJobWaitsItsDelay) {
  auto j = job("later", 0);
  j.opts.delay = 600ms;
  queue_->add(j);
  EXPECT_EQ(queue_->get_state("later"), JobState::delayed);
  EXPECT_EQ(queue_->get_job_counts().delayed, 1);
  const auto added = queue_->get_job("later")->timestamp;
  std::atomic<std::int64_t> started{0};
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [&](JobContext&) {
        started = epoch_ms();
        return std::string("{}");
      },
      [&] { return queue_->get_state("later") == JobState::completed; }));
  EXPECT_GE(started.load(), added + 600);
}

TEST_P(QueueContract, FailedTriesRetryWithBackoffUntilOnePasses) {
  auto j = job("flaky", 0);
  j.opts.attempts = 3;
  j.opts.backoff = Backoff{Backoff::Type::fixed, 300ms};
  queue_->add(j);
  Tries record;
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [&](JobContext&) -> std::string {
        if (auto n = record.record(); n < 3) throw std::runtime_error("try " + std::to_string(n));
        return R"({"ok":true})";
      },
      [&] { return queue_->get_state("flaky") == JobState::completed; }));
  const auto tries = record.at();
  ASSERT_EQ(tries.size(), 3u);
  EXPECT_GE(tries[1] - tries[0], 300ms);
  EXPECT_GE(tries[2] - tries[1], 300ms);
  auto stored = queue_->get_job("flaky");
  EXPECT_EQ(stored->attempts_made, 2);
  EXPECT_EQ(stored->return_value, R"({"ok":true})");
  EXPECT_EQ(stored->stacktrace.size(), 2u);
}

TEST_P(QueueContract, FinalFailureKeepsTheReasonAndIsPublishedOnce) {
  auto events = queue_->events();
  events->next(10ms);  // subscribed before anything happens
  auto j = job("broken", 0);
  j.opts.attempts = 2;
  j.opts.backoff.reset();
  queue_->add(j);
  ASSERT_TRUE(run_until(
      *queue_, quick(), [](JobContext&) -> std::string { throw std::runtime_error("boom"); },
      [&] { return queue_->get_state("broken") == JobState::failed; }));
  auto stored = queue_->get_job("broken");
  EXPECT_EQ(stored->failed_reason, "boom");
  EXPECT_EQ(stored->attempts_made, 2);
  EXPECT_TRUE(stored->finished_on.has_value());
  int failed_events = 0;
  while (auto e = events->next(300ms))
    if (e->kind == QueueEvent::Kind::failed && e->job_id == "broken") {
      ++failed_events;
      EXPECT_EQ(e->payload, "boom");
    }
  EXPECT_EQ(failed_events, 1);
}

TEST_P(QueueContract, ProgressAndCompletionArePublished) {
  auto events = queue_->events();
  events->next(10ms);
  queue_->add(job("p", 0));
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [](JobContext& ctx) {
        ctx.progress(50);
        ctx.log("halfway");
        return std::string(R"({"rank":3})");
      },
      [&] { return queue_->get_state("p") == JobState::completed; }));
  EXPECT_EQ(queue_->get_job("p")->progress, "50");
  std::vector<QueueEvent> seen;
  while (auto e = events->next(300ms)) seen.push_back(*e);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, QueueEvent::Kind::progress);
  EXPECT_EQ(seen[0].payload, "50");
  EXPECT_EQ(seen[1].kind, QueueEvent::Kind::completed);
  EXPECT_EQ(seen[1].job_id, "p");
  EXPECT_EQ(seen[1].payload, R"({"rank":3})");
}

TEST_P(QueueContract, FinishedJobsAreTrimmedToTheNewest) {
  for (int i = 1; i <= 5; ++i) {
    auto j = job("c" + std::to_string(i), 0);
    j.opts.remove_on_complete = KeepJobs::keep_last(2);
    queue_->add(j);
  }
  auto gone = job("f", 0);
  gone.opts.attempts = 1;
  gone.opts.remove_on_fail = KeepJobs::remove_all();
  gone.data = R"({"fail":true})";
  queue_->add(gone);
  auto w = quick();
  w.fetch_batch = 1;
  ASSERT_TRUE(run_until(
      *queue_, w,
      [](JobContext& ctx) -> std::string {
        if (ctx.job().data.find("fail") != std::string::npos) throw std::runtime_error("x");
        return "{}";
      },
      [&] { return queue_->get_state("c5") == JobState::completed && !queue_->get_state("f"); }));
  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts.completed, 2);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(queue_->get_state("c1"), std::nullopt);
}

TEST_P(QueueContract, APausedQueueHoldsItsJobsUntilResumed) {
  queue_->pause();
  EXPECT_TRUE(queue_->is_paused());
  queue_->add(job("held", 0));
  EXPECT_EQ(queue_->get_state("held"), JobState::paused);
  std::atomic<int> runs{0};
  auto worker = queue_->make_worker(quick(), [&](JobContext&) {
    ++runs;
    return std::string("{}");
  });
  worker->start();
  std::this_thread::sleep_for(400ms);
  EXPECT_EQ(runs.load(), 0);
  queue_->resume();
  EXPECT_FALSE(queue_->is_paused());
  EXPECT_TRUE(poll_until([&] { return queue_->get_state("held") == JobState::completed; }, 10s));
  worker->stop(5s);
}

TEST_P(QueueContract, RetryPromoteRemoveCleanEmptyAndObliterate) {
  auto broken = job("broken", 0);
  broken.opts.attempts = 1;
  queue_->add(broken);
  queue_->add(job("fine", 0));
  std::atomic<bool> healthy{false};
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [&](JobContext& ctx) -> std::string {
        if (ctx.job().id == "broken" && !healthy) throw std::runtime_error("down");
        return "{}";
      },
      [&] {
        return queue_->get_state("broken") == JobState::failed &&
               queue_->get_state("fine") == JobState::completed;
      }));
  EXPECT_THROW(queue_->retry("fine"), InvalidJobState);
  EXPECT_THROW(queue_->retry("missing"), JobNotFound);
  queue_->retry("broken");
  EXPECT_EQ(queue_->get_state("broken"), JobState::waiting);
  healthy = true;
  ASSERT_TRUE(run_until(
      *queue_, quick(), [](JobContext&) { return std::string("{}"); },
      [&] { return queue_->get_state("broken") == JobState::completed; }));

  auto later = job("later", 0);
  later.opts.delay = 60s;
  queue_->add(later);
  EXPECT_THROW(queue_->promote("broken"), InvalidJobState);
  queue_->promote("later");
  EXPECT_EQ(queue_->get_state("later"), JobState::waiting);

  EXPECT_TRUE(queue_->remove("later"));
  EXPECT_FALSE(queue_->remove("later"));
  EXPECT_EQ(queue_->get_state("later"), std::nullopt);

  std::this_thread::sleep_for(20ms);
  auto cleaned = queue_->clean(0ms, JobState::completed);
  std::sort(cleaned.begin(), cleaned.end());
  EXPECT_EQ(cleaned, (std::vector<std::string>{"broken", "fine"}));
  EXPECT_EQ(queue_->get_job_counts().completed, 0);

  queue_->add(job("w1", 0));
  auto d = job("d1", 0);
  d.opts.delay = 60s;
  queue_->add(d);
  queue_->empty();
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{}));

  queue_->add(job("w2", 0));
  queue_->obliterate(false);
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{}));
  EXPECT_EQ(queue_->get_job("w2"), std::nullopt);
}

TEST_P(QueueContract, EveryStateIsSkippedOrReplacedAsTheSchedulerNeeds) {
  ASSERT_TRUE(finish_done_and_broken(*queue_, "{}", R"({"fail":true})"));

  queue_->add(job("running"));
  HeldWorker held(*queue_, 1);
  ASSERT_TRUE(poll_until([&] { return held.running == 1; }, 10s));
  ASSERT_EQ(queue_->get_state("running"), JobState::active);
  queue_->add(job("queued"));
  queue_->add(job("fifo", 0));
  auto delayed = job("later");
  delayed.opts.delay = 60s;
  queue_->add(delayed);

  const std::vector<std::string> ids = {"done", "broken", "running", "queued",
                                        "fifo", "later",  "new"};
  std::vector<NewJob> batch;
  for (const auto& id : ids) batch.push_back(job(id, 100, R"({"v":2})"));
  auto outcomes = queue_->add_bulk_unless_pending(batch);
  ASSERT_EQ(outcomes.size(), ids.size());
  std::map<std::string, Outcome> got;
  for (std::size_t i = 0; i < ids.size(); ++i) got[ids[i]] = outcomes[i];
  EXPECT_EQ(got["done"], Outcome::replaced);
  EXPECT_EQ(got["broken"], Outcome::replaced);
  EXPECT_EQ(got["new"], Outcome::added);
  for (const char* pending : {"running", "queued", "fifo", "later"})
    EXPECT_EQ(got[pending], Outcome::skipped) << pending;
  for (const char* id : {"done", "broken", "new"}) {
    EXPECT_EQ(queue_->get_state(id), JobState::waiting) << id;
    auto stored = queue_->get_job(id);
    ASSERT_TRUE(stored) << id;
    EXPECT_EQ(stored->data, R"({"v":2})") << id;
    EXPECT_EQ(stored->priority, 100) << id;
    EXPECT_EQ(stored->attempts_made, 0) << id;
  }
  EXPECT_EQ(queue_->get_job("queued")->data, "{}");
  EXPECT_EQ(queue_->get_state("later"), JobState::delayed);
  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts.completed, 0);
  EXPECT_EQ(counts.failed, 0);
  EXPECT_EQ(counts.waiting, 5);  // queued, fifo, done, broken, new
  EXPECT_EQ(counts.active, 1);
}

TEST_P(QueueContract, PausedJobsAreSkippedAndNewOnesWaitInPaused) {
  queue_->pause();
  queue_->add(job("a"));
  auto outcomes = queue_->add_bulk_unless_pending({job("a"), job("b")});
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::skipped, Outcome::added}));
  EXPECT_EQ(queue_->get_state("b"), JobState::paused);
  EXPECT_EQ(queue_->get_job_counts().paused, 2);
}

TEST_P(QueueContract, AManualJobGoesAheadOfScheduledOnes) {
  std::vector<NewJob> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(job("s" + std::to_string(i)));
  queue_->add_bulk_unless_pending(batch);
  queue_->add_bulk_unless_pending({job("manual", 1)});
  EXPECT_EQ(run_one_at_a_time(*queue_, 6),
            (std::vector<std::string>{"manual", "s0", "s1", "s2", "s3", "s4"}));
}

TEST_P(QueueContract, RacingProducersAddEachIdExactlyOnce) {
  constexpr int kIds = 1500;
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
  std::set<std::string> listed;
  for (const auto& j : queue_->get_jobs({JobState::waiting}, 0, -1, true)) listed.insert(j.id);
  EXPECT_EQ(listed.size(), static_cast<std::size_t>(kIds));
}

TEST_P(QueueContract, JobsWithoutCustomIdsAreRefusedByTheSchedulersAdd) {
  NewJob plain;
  EXPECT_THROW(queue_->add_bulk_unless_pending({plain}), std::invalid_argument);
}

TEST_P(QueueContract, CheckNowReplacesEveryStateButActive) {
  ASSERT_TRUE(finish_done_and_broken(*queue_, R"({"bulk":7})", R"({"fail":true,"bulk":8})"));

  queue_->add(job("running", 100, R"({"bulk":2})"));
  HeldWorker held(*queue_, 1);
  ASSERT_TRUE(poll_until([&] { return held.running == 1; }, 10s));
  ASSERT_EQ(queue_->get_state("running"), JobState::active);
  queue_->add(job("queued", 100, R"({"bulk":4503599627370497,"other":1})"));
  queue_->add(job("fifo", 0, R"({"bulk":null})"));
  queue_->add(job("own", 50, R"({"bulk":5})"));
  queue_->add(job("empty", 50, R"({"bulk":9})"));
  auto delayed = job("later", 100, R"({"bulk":3})");
  delayed.opts.delay = 60s;
  queue_->add(delayed);

  const std::vector<std::string> ids = {"done", "broken", "running", "queued", "fifo",
                                        "own",  "empty",  "later",   "new"};
  std::vector<NewJob> batch;
  for (const auto& id : ids) batch.push_back(job(id, 1, R"({"v":2})"));
  batch[5].data = R"({"v":2,"bulk":6})";  // own: the new job's value wins
  batch[6].data = "{}";                   // empty: the field is the only one
  auto outcomes = queue_->add_bulk_unless_active(batch, {"bulk", "absent"});
  ASSERT_EQ(outcomes.size(), ids.size());
  std::map<std::string, Outcome> got;
  for (std::size_t i = 0; i < ids.size(); ++i) got[ids[i]] = outcomes[i];
  EXPECT_EQ(got["running"], Outcome::skipped);
  EXPECT_EQ(got["new"], Outcome::added);
  for (const char* id : {"done", "broken", "queued", "fifo", "own", "empty", "later"})
    EXPECT_EQ(got[id], Outcome::replaced) << id;

  // What a pending job carried is kept; a finished one hands nothing on.
  const std::map<std::string, std::string> data = {{"done", R"({"v":2})"},
                                                   {"broken", R"({"v":2})"},
                                                   {"queued", R"({"v":2,"bulk":4503599627370497})"},
                                                   {"fifo", R"({"v":2})"},
                                                   {"own", R"({"v":2,"bulk":6})"},
                                                   {"empty", R"({"bulk":9})"},
                                                   {"later", R"({"v":2,"bulk":3})"},
                                                   {"new", R"({"v":2})"}};
  for (const auto& [id, expected] : data) {
    EXPECT_EQ(queue_->get_state(id), JobState::waiting) << id;
    auto stored = queue_->get_job(id);
    ASSERT_TRUE(stored) << id;
    EXPECT_EQ(stored->data, expected) << id;
    EXPECT_EQ(stored->priority, 1) << id;
    EXPECT_EQ(stored->attempts_made, 0) << id;
    EXPECT_FALSE(stored->finished_on) << id;
  }
  EXPECT_EQ(queue_->get_job("running")->data, R"({"bulk":2})");
  EXPECT_EQ(queue_->get_state("running"), JobState::active);
  auto counts = queue_->get_job_counts();
  EXPECT_EQ(counts, (JobCounts{8, 1, 0, 0, 0, 0}));
  // Each replaced job is in line once, ahead of nothing it should not be.
  std::vector<std::string> line;
  for (const auto& j : queue_->get_jobs({JobState::waiting}, 0, -1, true)) line.push_back(j.id);
  EXPECT_EQ(std::set<std::string>(line.begin(), line.end()).size(), line.size());
  EXPECT_EQ(line.size(), 8u);
}

TEST_P(QueueContract, CheckNowInAPausedQueueWaitsInPaused) {
  queue_->pause();
  queue_->add(job("a", 100, R"({"bulk":1})"));
  auto outcomes =
      queue_->add_bulk_unless_active({job("a", 1, R"({"v":2})"), job("b", 1)}, {"bulk"});
  EXPECT_EQ(outcomes, (std::vector<Outcome>{Outcome::replaced, Outcome::added}));
  EXPECT_EQ(queue_->get_state("a"), JobState::paused);
  EXPECT_EQ(queue_->get_job("a")->data, R"({"v":2,"bulk":1})");
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{0, 0, 0, 0, 0, 2}));
  queue_->resume();
  EXPECT_EQ(run_one_at_a_time(*queue_, 2), (std::vector<std::string>{"a", "b"}));
}

TEST_P(QueueContract, CheckNowGoesAheadOfScheduledJobs) {
  std::vector<NewJob> batch;
  for (int i = 0; i < 3; ++i) batch.push_back(job("s" + std::to_string(i)));
  queue_->add_bulk_unless_pending(batch);
  queue_->add_bulk_unless_active({job("s2", 1)});
  EXPECT_EQ(run_one_at_a_time(*queue_, 3), (std::vector<std::string>{"s2", "s0", "s1"}));
}

TEST_P(QueueContract, RacingCheckNowAndSchedulerLeaveOneJobPerId) {
  constexpr int kIds = 400;
  std::vector<NewJob> scheduled, now;
  for (int i = 0; i < kIds; ++i) {
    scheduled.push_back(job(std::to_string(i + 1), 100));
    scheduled.back().opts.remove_on_complete = KeepJobs::keep_all();
    now.push_back(job(std::to_string(i + 1), 1, R"({"now":true})"));
    now.back().opts.remove_on_complete = KeepJobs::keep_all();
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p)
    producers.emplace_back([&, p] {
      auto q = open();
      for (int round = 0; round < 3; ++round) {
        if (p % 2 == 0)
          q->add_bulk_unless_active(now, {"bulk"});
        else
          q->add_bulk_unless_pending(scheduled);
      }
    });
  for (auto& t : producers) t.join();
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{kIds, 0, 0, 0, 0, 0}));
  const auto line = queue_->get_jobs({JobState::waiting}, 0, -1, true);
  EXPECT_EQ(line.size(), static_cast<std::size_t>(kIds));
  std::set<std::string> ids;
  for (const auto& j : line) ids.insert(j.id);
  EXPECT_EQ(ids.size(), static_cast<std::size_t>(kIds));
  // Every id runs once: no replaced job was left behind in the line.
  const auto runs = runs_per_job(*queue_, 4, kIds);
  EXPECT_EQ(runs.size(), static_cast<std::size_t>(kIds));
  for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << id;
}

TEST_P(QueueContract, JobsWithoutCustomIdsAreRefusedByCheckNow) {
  NewJob plain;
  EXPECT_THROW(queue_->add_bulk_unless_active({plain}), std::invalid_argument);
}

TEST_P(QueueContract, ASlotRestsAfterItsJobIsRecordedNotBeforeIt) {
  auto events = queue_->events();
  events->next(10ms);
  queue_->add_bulk({job("first", 1), job("second", 2)});
  auto w = quick();
  w.pause_after_job = 1500ms;
  Tries tries;
  auto worker = queue_->make_worker(w, [&](JobContext&) {
    tries.record();
    return std::string("{}");
  });
  worker->start();
  // The first job's completion is published at once, not after the pause.
  auto completed = events->next(5s);
  while (completed && completed->kind != QueueEvent::Kind::completed) completed = events->next(5s);
  const auto published = Clock::now();
  ASSERT_TRUE(completed);
  EXPECT_EQ(completed->job_id, "first");
  ASSERT_TRUE(poll_until([&] { return queue_->get_state("second") == JobState::completed; }, 10s));
  const auto at = tries.at();
  ASSERT_EQ(at.size(), 2u);
  EXPECT_LT(published - at[0], 1000ms);
  EXPECT_GE(at[1] - published, 1300ms);  // the slot rested before taking the next job
  const auto first = queue_->get_job("first");
  ASSERT_TRUE(first && first->processed_on && first->finished_on);
  EXPECT_LT(*first->finished_on - *first->processed_on, 1000);
  // A stop ends the rest.
  queue_->add(job("third", 3));
  const auto stopping = Clock::now();
  EXPECT_TRUE(worker->stop(5s));
  EXPECT_LT(Clock::now() - stopping, 1000ms);
}

TEST_P(QueueContract, RetryLaterWaitsAtLeastTheDelayAsked) {
  auto j = job("throttled", 0);
  j.opts.attempts = 2;
  j.opts.backoff = Backoff{Backoff::Type::fixed, 100ms};
  queue_->add(j);
  Tries record;
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [&](JobContext&) -> std::string {
        if (record.record() == 1) throw RetryLater("HTTP 429", 2s);
        return "{}";
      },
      [&] { return queue_->get_state("throttled") == JobState::completed; }));
  const auto tries = record.at();
  ASSERT_EQ(tries.size(), 2u);
  EXPECT_GE(tries[1] - tries[0], 2s);  // not the job's own 100 ms backoff
  EXPECT_EQ(queue_->get_job("throttled")->failed_reason, "HTTP 429");
}

TEST_P(QueueContract, StopPastTheDeadlineHandsUnfinishedJobsBack) {
  queue_->add_bulk({job("slow-1", 0), job("slow-2", 0), job("later", 0)});
  std::atomic<int> running{0};
  auto worker = start_worker_until_cancelled(*queue_, 2, running);
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
  }
  // Handed-back jobs are at the head of the line, ahead of the one never taken.
  auto next = queue_->get_jobs({JobState::waiting}, 0, 0, true);
  ASSERT_EQ(next.size(), 1u);
  EXPECT_NE(next[0].id, "later");
  worker.reset();
  EXPECT_EQ(queue_->get_job_counts().waiting, 3);  // nothing written after the hand-back
}

TEST_P(QueueContract, ManyJobsAtConcurrency8RunExactlyOnce) {
  constexpr int kJobs = 300;
  std::vector<NewJob> batch;
  for (int i = 0; i < kJobs; ++i) {
    batch.push_back(job("j" + std::to_string(i), 0));
    batch.back().opts.remove_on_complete = KeepJobs::keep_all();
  }
  queue_->add_bulk(batch);
  const auto runs = runs_per_job(*queue_, 8, kJobs);
  EXPECT_EQ(runs.size(), static_cast<std::size_t>(kJobs));
  for (const auto& [id, n] : runs) EXPECT_EQ(n, 1) << id;
}

TEST_P(QueueContract, ATryPastItsTimeoutFailsWithBullsReason) {
  auto j = job("stuck-handler", 0);
  j.opts.attempts = 1;
  j.opts.timeout = 200ms;
  queue_->add(j);
  ASSERT_TRUE(run_until(
      *queue_, quick(),
      [](JobContext& ctx) -> std::string {
        while (!ctx.cancelled()) std::this_thread::sleep_for(5ms);
        return "{}";
      },
      [&] { return queue_->get_state("stuck-handler") == JobState::failed; }));
  EXPECT_EQ(queue_->get_job("stuck-handler")->failed_reason,
            "Promise timed out after 200 milliseconds");
}

TEST_P(QueueContract, DataThatIsNotJsonIsRefusedNamingTheProblem) {
  NewJob bad;
  bad.data = "not json";
  try {
    queue_->add(bad);
    FAIL() << "added data that is not JSON";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("not valid JSON"), std::string::npos) << e.what();
  }
  EXPECT_THROW(queue_->add_bulk({job("ok", 0), bad}), std::invalid_argument);
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{}));  // nothing of the batch was added
}

// A worker process killed (SIGKILL) in the middle of a job: the job is not lost, and runs
// again exactly once after a new worker starts (Bull: lock expiry + stalled check; embedded:
// recovery when the next worker takes the file).
TEST_P(QueueContract, AKilledWorkerProcessesJobRunsAgainExactlyOnce) {
  const auto id = queue_->add(R"({"n":1})");
  crawler::testing::TempDir dir;
  const auto started = dir.path() / "started.txt";
  crawler::testing::SpawnOptions so;
  so.argv = {CRAWLER_QUEUE_TEST_CONSUMER,
             storage_.consumer_backend,
             storage_.consumer_prefix,
             queue_->name(),
             started.string(),
             "60000",
             "1000"};
  so.stderr_file = dir.path() / "consumer.log";
  auto read = [&] {
    std::ifstream in(started);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  };
  {
    crawler::testing::Subprocess consumer(so);
    ASSERT_TRUE(poll_until([&] { return read() == id + "\n"; }, 20s)) << read();
    EXPECT_EQ(queue_->get_state(id), JobState::active);
    ASSERT_TRUE(consumer.send_signal(SIGKILL));
    ASSERT_TRUE(consumer.wait_for(10s).has_value());
  }
  EXPECT_EQ(queue_->get_state(id), JobState::active) << "a dead worker's job stays active";
  StartOrder order;
  auto w = quick();
  w.lock_duration = 1000ms;
  w.lock_renew_time = 500ms;
  w.stalled_interval = 500ms;
  ASSERT_TRUE(run_until(
      *queue_, w,
      [&](JobContext& ctx) {
        order.add(ctx.job().id);
        return std::string(R"({"done":true})");
      },
      [&] { return queue_->get_state(id) == JobState::completed; }));
  EXPECT_EQ(order.ids(), std::vector<std::string>{id});
  EXPECT_EQ(queue_->get_job_counts(), (JobCounts{0, 0, 1, 0, 0, 0}));
  EXPECT_EQ(queue_->get_job(id)->return_value, R"({"done":true})");
}

}  // namespace
}  // namespace crawler::queue::testing
