// The Queue contract suite: one set of tests every queue backend must pass (queue/queue.h is
// the specification). Tests are value-parameterised over a QueueBackend, a named factory of
// fresh, empty storage; each backend instantiates the suite once
// (queue_contract_bull_test.cpp: Bull on Redis; queue_contract_embedded_test.cpp: SQLite),
// so "one suite, two backends" is one line per backend, not a copy.
//
// The tests use the interface only (no Redis commands, no SQL). What only one backend has
// (Bull's keys and locks, conformance with npm bull) stays in that backend's own tests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "queue/job_options.h"
#include "queue/queue.h"

namespace crawler::queue::testing {

// A fresh, empty queue's storage: opens Queue objects on it, and tells a consumer process
// (queue_test_consumer) how to reach it.
struct QueueStorage {
  std::function<std::shared_ptr<Queue>()> open;
  std::string consumer_backend;  // queue_test_consumer's <backend> argument
  std::string consumer_prefix;   // and its <prefix>
};

// Options of a producer that retries and trims, as the crawler's (worker/crawl_job.h): 3
// tries, exponential backoff from 2 s, the newest 100 completed and 50 failed jobs kept.
inline JobOptions retrying_options() {
  JobOptions o;
  o.attempts = 3;
  o.backoff = Backoff{Backoff::Type::exponential, std::chrono::milliseconds(2000)};
  o.remove_on_complete = KeepJobs::keep_last(100);
  o.remove_on_fail = KeepJobs::keep_last(50);
  return o;
}

// A job with a custom id and those options.
inline NewJob job_with_id(const std::string& id, int priority = 100, std::string data = "{}") {
  NewJob j;
  j.data = std::move(data);
  j.opts = retrying_options();
  j.opts.job_id = id;
  j.opts.priority = priority;
  return j;
}

// A started worker (`concurrency` slots, one job per fetch) whose handler counts itself in
// `running` and holds its job until told cancelled(), then fails: only a stop past its
// deadline ends its jobs.
inline std::unique_ptr<Worker> start_worker_until_cancelled(Queue& q, int concurrency,
                                                            std::atomic<int>& running) {
  WorkerOptions w;
  w.concurrency = concurrency;
  w.drain_block = std::chrono::milliseconds(100);
  w.fetch_batch = 1;
  auto worker = q.make_worker(w, [&running](JobContext& ctx) -> std::string {
    ++running;
    while (!ctx.cancelled()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    throw std::runtime_error("cancelled");
  });
  worker->start();
  return worker;
}

struct QueueBackend {
  std::string name;
  std::function<QueueStorage()> fresh;  // called in SetUp, on the main thread
};

inline void PrintTo(const QueueBackend& backend, std::ostream* os) { *os << backend.name; }

class QueueContract : public ::testing::TestWithParam<QueueBackend> {
 protected:
  void SetUp() override {
    storage_ = GetParam().fresh();
    queue_ = storage_.open();
  }

  std::shared_ptr<Queue> open() { return storage_.open(); }

  static NewJob job(const std::string& id, int priority = 100, std::string data = "{}") {
    return job_with_id(id, priority, std::move(data));
  }

  static WorkerOptions quick(int concurrency = 1) {
    WorkerOptions w;
    w.concurrency = concurrency;
    w.drain_block = std::chrono::milliseconds(100);
    w.delayed_guard_interval = std::chrono::milliseconds(100);
    return w;
  }

  QueueStorage storage_;
  std::shared_ptr<Queue> queue_;
};

// Job ids in the order a worker started them.
class StartOrder {
 public:
  void add(const std::string& id) {
    std::lock_guard lock(mutex_);
    ids_.push_back(id);
  }
  std::vector<std::string> ids() const {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> ids_;
};

}  // namespace crawler::queue::testing
