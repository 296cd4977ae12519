// QueueSampler: a background thread that every `interval` reads the queue's job counts into
// crawling_queue_jobs{status} (and, when given a WorkerRegistry, the fleet gauges
// crawling_workers_running / crawling_worker_slots / crawling_worker_busy_slots).
//
// Why a thread and not a scrape-time callback: get_job_counts() is a Redis round trip that
// may take seconds during an outage, and a /metrics scrape (or an API request sharing the
// handler pool) must never wait for it. Scrapes read the gauges, which hold the last good
// sample; during an outage the gauges keep their last values and the failure is logged
// (first failure, then every 10th, then the recovery), and the next tick retries.
//
//   QueueSampler sampler(queue, metrics.queue_jobs, {.interval = 10s}, &workers);
//   sampler.start();  ...  sampler.stop(deadline);
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "core/log.h"
#include "metrics/registry.h"
#include "queue/queue.h"

namespace crawler::metrics {

class WorkerRegistry;

struct QueueSamplerOptions {
  std::chrono::milliseconds interval{10000};
};

class QueueSampler {
 public:
  // `queue`, `gauges`, `registry_for_fleet` (optional) and `workers` (optional) must outlive
  // the sampler. With `workers`, the fleet gauges are registered in `registry_for_fleet`.
  QueueSampler(queue::Queue& queue, GaugeFamily& gauges, QueueSamplerOptions options,
               WorkerRegistry* workers = nullptr, Registry* registry_for_fleet = nullptr);
  ~QueueSampler();  // stops the thread if still running
  QueueSampler(const QueueSampler&) = delete;
  QueueSampler& operator=(const QueueSampler&) = delete;

  // Starts the thread; the first sample is taken at once. Call once.
  void start();
  // Ends the thread (promptly: it waits on a condition variable; a Redis call in flight is
  // bounded by the pool's I/O timeout). Idempotent. The deadline is advisory: the thread is
  // joined in any case, because it uses the queue the caller is about to destroy.
  void stop(std::chrono::steady_clock::time_point deadline);

  // One sample now, on the caller's thread. Returns false (and logs) on failure. For tests
  // and for the thread.
  bool sample_once();

  // The last successful queue sample, if any.
  std::optional<queue::JobCounts> last() const;

 private:
  void run();

  queue::Queue& queue_;
  QueueSamplerOptions options_;
  WorkerRegistry* workers_;
  log::Logger logger_{"metrics"};
  Gauge waiting_, active_, completed_, failed_, delayed_, paused_;
  Gauge workers_running_, worker_slots_, worker_busy_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::optional<queue::JobCounts> last_;
  std::uint64_t consecutive_failures_ = 0;
  std::thread thread_;
};

}  // namespace crawler::metrics
