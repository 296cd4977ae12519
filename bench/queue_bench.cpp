// queue_bench: no-op jobs per second through one C++ worker process (the Bull backend).
//
//   queue_bench <redis-url> <queue-name> <jobs> <concurrency>
//
// Adds <jobs> no-op jobs with the crawler's default options (attempts 3, exponential
// backoff, removeOnComplete 100, removeOnFail 50) in bulk, then runs one worker at
// <concurrency> until all are recorded as completed, and prints one JSON line:
//   {"impl":"cpp","concurrency":C,"jobs":N,"add_seconds":..,"process_seconds":..,"jobs_per_s":..}
// Timing of the processing phase starts when the worker starts and ends when the worker has
// recorded the last completion in Redis (its own stats, so the measurement adds no Redis
// commands). bench/run-queue-bench runs it beside Node bull and reads Redis's commandstats.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include "queue/bull/bull_queue.h"
#include "worker/crawl_job.h"

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s <redis-url> <queue-name> <jobs> <concurrency>\n", argv[0]);
    return 2;
  }
  using namespace crawler::queue;
  using Clock = std::chrono::steady_clock;
  bull::BullOptions o;
  o.redis_url = argv[1];
  o.name = argv[2];
  const long jobs = std::atol(argv[3]);
  const int concurrency = std::atoi(argv[4]);
  auto queue = bull::open_bull_queue(o);

  const auto t0 = Clock::now();
  std::vector<NewJob> batch;
  for (long i = 0; i < jobs; ++i) {
    NewJob j;
    j.data = "{\"keywordId\":" + std::to_string(i) + "}";
    j.opts = crawler::worker::crawl_job_options();
    batch.push_back(std::move(j));
    if (batch.size() == 1000 || i + 1 == jobs) {
      queue->add_bulk(batch);
      batch.clear();
    }
  }
  const auto t1 = Clock::now();

  WorkerOptions w;
  w.concurrency = concurrency;
  auto worker = queue->make_worker(w, [](JobContext&) -> std::string { return "{}"; });
  const auto t2 = Clock::now();
  worker->start();
  // Failures would be a bug here (no-op handler); count them so a bug cannot hang the run.
  for (;;) {
    const auto s = worker->stats();
    if (s.completed + s.failed >= jobs) break;
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  const auto t3 = Clock::now();
  worker->stop(std::chrono::seconds(10));

  const double add_s = std::chrono::duration<double>(t1 - t0).count();
  const double proc_s = std::chrono::duration<double>(t3 - t2).count();
  std::printf(
      "{\"impl\":\"cpp\",\"concurrency\":%d,\"jobs\":%ld,\"add_seconds\":%.3f,"
      "\"process_seconds\":%.3f,\"jobs_per_s\":%.0f}\n",
      concurrency, jobs, add_s, proc_s, static_cast<double>(jobs) / proc_s);
  return 0;
}
